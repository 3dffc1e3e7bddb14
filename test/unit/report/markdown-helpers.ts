// Small readers over rendered Markdown and SVG, so tests assert on lines and tags, not on substrings.

/** Every heading line (`#`, `##`, …) in order. */
export function getHeadings(markdown: string): string[] {
  return markdown.split('\n').filter((line) => /^#+ /.test(line));
}

/** The lines of one `## ` section, without its heading and without trailing blank lines. */
export function getSection(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`no section "${heading}" in:\n${markdown}`);
  const end = lines.findIndex((line, index) => index > start && /^#{1,2} /.test(line));
  const body = lines.slice(start + 1, end === -1 ? undefined : end);
  while (body.length > 0 && body[body.length - 1] === '') body.pop();
  while (body.length > 0 && body[0] === '') body.shift();
  return body;
}

/** The verdict list items: the `- ` lines of `## Verdict` before its first blank line. */
export function getVerdictLines(markdown: string): string[] {
  const section = getSection(markdown, '## Verdict');
  const end = section.indexOf('');
  return section.slice(0, end === -1 ? undefined : end);
}

/** The content of every fenced code block, in order. */
export function getFencedBlocks(markdown: string): string[] {
  return Array.from(markdown.matchAll(/^(`{3,})[^\n]*\n([\s\S]*?)\n\1$/gm), (match) => match[2] ?? '');
}

/** The Markdown with its fenced code blocks removed. */
export function stripFencedBlocks(markdown: string): string {
  return markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
}

/** Strings that must never survive into a report. */
export const PLACEHOLDERS = ['FILL_IN', 'PASTE_', 'undefined', 'null', 'NaN', 'Infinity', '[object Object]'] as const;

/** The placeholders found in `text`. */
export function findPlaceholders(text: string): string[] {
  return PLACEHOLDERS.filter((placeholder) => text.includes(placeholder));
}

/**
 * Problems that make an SVG document malformed at the tag level: unbalanced or misnested tags,
 * stray `<`/`>` in text, a document that is not one `<svg>` root. Empty when well-formed.
 */
export function getSvgProblems(svg: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/g;
  const text = svg.replace(tag, (_all, closing: string, name: string, _attributes: string, selfClosing: string) => {
    if (closing === '/') {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else if (selfClosing !== '/') {
      if (stack.length === 0 && name !== 'svg') problems.push(`<${name}> outside the root`);
      stack.push(name);
    }
    return '';
  });
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  if (/[<>]/.test(text)) problems.push('a "<" or ">" that is not part of a tag');
  if (!svg.trimStart().startsWith('<svg')) problems.push('the document does not start with <svg');
  return problems;
}

/** The coordinate pairs of the first `<polyline>`. */
export function getPolylinePoints(svg: string): string[] {
  const points = /<polyline points="([^"]*)"/.exec(svg)?.[1];
  return points === undefined || points === '' ? [] : points.split(' ');
}

/** Every numeric attribute value, to check rounding and finiteness. */
export function getNumericAttributes(svg: string): string[] {
  return Array.from(svg.matchAll(/\s(?:x|y|x1|y1|x2|y2|cx|cy|r|width|height)="([^"]*)"/g), (match) => match[1] ?? '');
}
