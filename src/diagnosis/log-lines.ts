import type { LogLine } from './finding.ts';
import { stripPrefix } from './strip-prefix.ts';

/**
 * Rules read this much of each line. Real messages are far shorter (the longest MPS error is about
 * 500 characters); the cap keeps a hostile megabyte-long line from making the lazy patterns quadratic.
 */
export const MAX_MESSAGE_CHARS = 4096;

/**
 * Splits a log into numbered lines the way `sanitizeLines` does (CRLF, CR and LF each end a line),
 * so a line number here is the one an editor shows. A final line break does not start a line.
 */
export function splitLogLines(text: string): LogLine[] {
  const parts = text.split(/\r\n?|\n/);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1 && parts[0] === '') return [];
  return parts.map((raw, index) => ({ number: index + 1, raw, message: stripPrefix(raw.slice(0, MAX_MESSAGE_CHARS)) }));
}
