import type { RecordSplitter } from './gpu-sample';

/** Splits a live stream into lines (without their `\n` or `\r\n`); blank lines are dropped. */
export function createLineSplitter(): RecordSplitter {
  let partial = '';

  const complete = (text: string): string[] =>
    text
      .split('\n')
      .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
      .filter((line) => line.trim() !== '');

  return {
    push(chunk) {
      const text = partial + chunk;
      const lastNewline = text.lastIndexOf('\n');
      if (lastNewline === -1) {
        partial = text;
        return [];
      }
      partial = text.slice(lastNewline + 1);
      return complete(text.slice(0, lastNewline));
    },
    end() {
      const rest = partial;
      partial = '';
      return complete(rest);
    },
  };
}
