import { stripVTControlCharacters } from 'node:util';

// Log lines reach us with whatever the writer put in front: nothing (ComfyUI's stdout), logging's
// `2024-11-11 16:48:19,205 - root - INFO - `, the error report's `2026-09-05T20:22:47.979214 - `
// (from 2026 with `[ERROR] ` after it), Desktop's `[2025-10-11 09:18:43.723] `, Markdown quotes and
// `- **Key:** value` items. Rules match on the message only, so a new prefix costs one line here.

const LEVEL = '(?:DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|CRITICAL|FATAL|TRACE)';

const PREFIXES: readonly RegExp[] = [
  // Date and time, ISO or logging style, optionally bracketed, then ` - `, `|` or spaces.
  /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?(?:\s+-(?:\s|$)|\s*\|\s*|\s+|$)/,
  // Time only: `12:34:56.789 `, `[12:34:56] `.
  /^\[?\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\]?(?:\s+-(?:\s|$)|\s+|$)/,
  // logging's `%(name)s - %(levelname)s - `, as in `root - INFO - `.
  new RegExp(`^[\\w.-]+\\s+-\\s+${LEVEL}\\s+-(?:\\s|$)`, 'i'),
  // `[INFO] `, `<WARN> `, `(ERROR): `.
  new RegExp(`^[[<(]${LEVEL}[\\]>)]:?(?:\\s|$)`, 'i'),
  // logging's default `WARNING:root:`, or a bare upper-case `ERROR: ` / `INFO - ` / `WARNING | `.
  new RegExp(`^${LEVEL}(?::[\\w.]*:|\\s*[:|-](?:\\s|$))`),
  // A Markdown quote, as issues paste logs.
  /^>\s?/,
];

/** Desktop's error report stamps every print() fragment, so timestamps also sit inside a line. */
const FRAGMENT_STAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)? - ?/g;

/** `- **Exception Message:** text` (System Information, error report) reads as `Exception Message: text`. */
const MARKDOWN_KEY = /^(?:[-*+]\s+)?\*\*([^*]+?):?\*\*:?\s*/;

/** The message of one log line: escape sequences, known prefixes and fragment stamps removed, spaces collapsed. */
export function stripPrefix(raw: string): string {
  let text = stripVTControlCharacters(raw).trim();
  for (let pass = 0; pass < 6; pass += 1) {
    const before = text;
    for (const prefix of PREFIXES) text = text.replace(prefix, '').trimStart();
    if (text === before) break;
  }
  return text.replace(MARKDOWN_KEY, '$1: ').replace(FRAGMENT_STAMP, '').replace(/\s+/g, ' ').trim();
}
