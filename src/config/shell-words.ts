// COMFYUI_ARGS is split here rather than by a package: the rules needed are few (POSIX quotes and
// backslashes, nothing else), and no shell may ever see the text, so globbing and $VARIABLES must
// stay literal, which is exactly what a small hand-written splitter guarantees.

const SAFE_WORD = /^[\w@%+=:,./-]+$/;
// Inside double quotes a backslash only escapes these, as in POSIX sh.
const DOUBLE_QUOTE_ESCAPES = new Set(['"', '\\', '$', '`', '\n']);

/** Splits `text` into words the way sh does (quotes, backslashes), without globbing or variables; throws on an unclosed quote. */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charAt(index);
    if (char === ' ' || char === '\t' || char === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'") {
      const end = text.indexOf("'", index + 1);
      if (end < 0) throw new SyntaxError(`has an unclosed ' (single quote) at character ${index + 1}`);
      word = (word ?? '') + text.slice(index + 1, end);
      index = end;
    } else if (char === '"') {
      [word, index] = readDoubleQuoted(text, index, word ?? '');
    } else if (char === '\\') {
      if (index + 1 >= text.length) throw new SyntaxError('ends with a lone \\ (backslash)');
      index += 1;
      // Backslash-newline continues the line: it adds nothing.
      if (text.charAt(index) !== '\n') word = (word ?? '') + text.charAt(index);
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

function readDoubleQuoted(text: string, open: number, prefix: string): [string, number] {
  let word = prefix;
  for (let index = open + 1; index < text.length; index += 1) {
    const char = text.charAt(index);
    if (char === '"') return [word, index];
    if (char === '\\' && DOUBLE_QUOTE_ESCAPES.has(text.charAt(index + 1))) {
      index += 1;
      if (text.charAt(index) !== '\n') word += text.charAt(index);
    } else {
      word += char;
    }
  }
  throw new SyntaxError(`has an unclosed " (double quote) at character ${open + 1}`);
}

/** Writes words back as one line a shell would split into the same words: what ran, exactly. */
export function formatShellWords(words: readonly string[]): string {
  return words.map((word) => (SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}
