import { stripVTControlCharacters } from 'node:util';

// The one gate for text that came from outside (ComfyUI's HTTP bodies and WebSocket messages, its
// log, a tool's output): nothing from there reaches a terminal or a report without passing here.

const DEFAULT_MAX = 300;

/** Control characters that survive VT stripping (C0 but tab/newline, DEL, C1, bidi overrides). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this sanitiser's whole job.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Shows a control character as a visible escape, e.g. `\x1b`, so it can be seen but never acts. */
function showControl(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
}

/** Cuts `text` to `max` characters, saying how much was left out: `…(N more bytes)`. */
export function capText(text: string, max = DEFAULT_MAX): string {
  if (text.length <= max) return text;
  const kept = text.slice(0, max);
  const rest = Buffer.byteLength(text.slice(max), 'utf8');
  return `${kept}…(${rest} more bytes)`;
}

/**
 * Outside text as plain, inert text on ONE line: escape sequences removed, other control
 * characters shown as `\xNN`, line breaks folded to ` ⏎ `, length capped. A server can therefore
 * never start a line of its own in the gate's output.
 */
export function sanitizeLine(raw: unknown, max = DEFAULT_MAX): string {
  const text = typeof raw === 'string' ? raw : String(raw);
  const flat = makeInert(text.replace(/\r\n?|\n/g, ' ⏎ ').replace(/\t/g, ' '))
    .replace(/ {2,}/g, ' ')
    .trim();
  return capText(flat, max);
}

function makeInert(text: string): string {
  return stripVTControlCharacters(text).replace(CONTROL, showControl);
}

/**
 * Outside text as inert lines for a block (a log tail, JSON): escape sequences removed, controls
 * shown, indentation kept, each line capped, at most `maxLines` (the rest counted, not shown).
 */
export function sanitizeLines(raw: string, maxLines = 50, maxPerLine = DEFAULT_MAX): string[] {
  const lines = raw.split(/\r\n?|\n/).map((line) => capText(makeInert(line.replace(/\t/g, '  ')).trimEnd(), maxPerLine));
  if (lines.length <= maxLines) return lines;
  return [...lines.slice(0, maxLines), `…(${lines.length - maxLines} more lines)`];
}

/**
 * Inline Markdown that can act mid-line: backslash, code, emphasis, links and images, table cells;
 * strikethrough; `_` only at a word edge, since GFM ignores it inside words (python_version).
 */
const MARKDOWN_INLINE = /[\\`*[\]|~]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;

/**
 * The gate's own marker phrases. Quoted text that contains one gets a backslash before the colon:
 * it still renders as written, but `grep 'gate: PASS'` can only ever match the gate's own verdict.
 */
const GATE_MARKERS = /\b(gate|SIMULATED|INTERRUPTED)(\s*):(\s*)(PASS|FAIL|NOT RUN|SKIPPED|INTERRUPTED)/gi;

/**
 * Outside text for a Markdown report, on one line: sanitised as above, then HTML made inert
 * (`<` `>` `&` as entities) and inline Markdown escaped, so it renders as the characters it is:
 * no link, no emphasis, no table cell break, no raw `<script>`, no forged verdict. It is always
 * placed mid-line by the renderers, so line-start syntax (headings, quotes, lists) cannot apply.
 */
export function markdownText(raw: unknown, max = DEFAULT_MAX): string {
  return sanitizeLine(raw, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_INLINE, (char) => `\\${char}`)
    .replace(GATE_MARKERS, markMarker);
}

function markMarker(_match: string, word: string, before: string, after: string, verdict: string): string {
  return `${word}${before}\\:${after}${verdict}`;
}

/**
 * Quoted text for a code block (shown literally): the gate's marker phrases get a visible `\:`,
 * so a log line that says "gate: PASS" can never be taken for, or grepped as, the gate's verdict.
 */
export function neutraliseMarkers(text: string): string {
  return text.replace(GATE_MARKERS, markMarker);
}

/** Escapes text for an XML attribute or element body (outside text must be sanitised first). */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
