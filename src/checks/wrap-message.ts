/** Characters that fit Vitest UI's error panel beside its explorer in a 1280 px wide window. */
export const MESSAGE_WIDTH = 88;
/** Vitest UI puts the error's name before the first line ("BootFailedError: "). */
const NAME_ROOM = 20;

const CONTINUATION = '  ';
// Where a line may break, best first: after a clause, after a list item, at a space, inside a path.
const BREAKS = ['; ', ', ', ' ', '/'] as const;

/**
 * Folds every line longer than `width` at the last sensible point before it, continuation lines
 * indented. Vitest UI shows a failure in a `<pre>` that never wraps, so a long path or log line
 * would otherwise run off the panel.
 */
export function wrapLines(text: string, width = MESSAGE_WIDTH): string {
  return text
    .split('\n')
    .flatMap((line, index) => wrapLine(line, index === 0 ? width - NAME_ROOM : width))
    .join('\n');
}

/**
 * An assertion message that keeps Vitest's own words off its line: Vitest appends
 * ": expected … to be …" to the message's last line, which would double its length. The report
 * drops that part either way.
 */
export function toAssertionMessage(sentence: string): string {
  return `${sentence}\n`;
}

function wrapLine(line: string, width: number): string[] {
  const indent = `${getIndent(line)}${CONTINUATION}`;
  const lines: string[] = [];
  let prefix = '';
  let rest = line;
  for (;;) {
    // A deeply indented line still moves forward by half a width each time.
    const room = Math.max(width - prefix.length, Math.ceil(width / 2));
    if (rest.length <= room) break;
    const cut = findBreak(rest, room);
    lines.push(`${prefix}${rest.slice(0, cut).trimEnd()}`);
    rest = rest.slice(cut).trimStart();
    prefix = indent;
  }
  lines.push(`${prefix}${rest}`);
  return lines;
}

/** The index to cut at: just after the best break that fits in `room`, or `room` for one long word. */
function findBreak(text: string, room: number): number {
  for (const mark of BREAKS) {
    const at = text.lastIndexOf(mark, room - mark.length);
    // A break in the first quarter would leave a stub line and gain little.
    if (at > room / 4) return at + mark.length;
  }
  return room;
}

function getIndent(line: string): string {
  return /^\s*/.exec(line)?.[0] ?? '';
}
