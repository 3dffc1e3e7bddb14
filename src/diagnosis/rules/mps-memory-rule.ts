import { createFinding, logFigure } from '../create-finding.ts';
import type { Finding, LogLine } from '../finding.ts';

// PyTorch's MPS allocator refuses an allocation past its high-watermark limit with
// "MPS backend out of memory (MPS allocated: 8.72 GB, other allocations: 110.16 MB, max allowed:
// 9.07 GB). Tried to allocate 405.00 MB on private pool." (GB in the logs we hold; format_size has
// printed GiB too). Each figure is read on its own, so a reordered or partial message still yields
// what it has. A single buffer past Metal's size limit is refused as "Invalid buffer size: 12.00 GB".

const SIZE = '(\\d+(?:\\.\\d+)?\\s*(?:[KMGTP]i?B|bytes|B))\\b';

const OUT_OF_MEMORY = /\bMPS\s+backend\s+out\s+of\s+memory\b/i;
const INVALID_BUFFER = new RegExp(`\\bInvalid\\s+buffer\\s+size:\\s*${SIZE}`, 'i');

const FIGURES: readonly (readonly [string, RegExp])[] = [
  ['allocated', new RegExp(`MPS\\s+allocated:\\s*${SIZE}`, 'i')],
  ['other', new RegExp(`other\\s+allocations:\\s*${SIZE}`, 'i')],
  ['maxAllowed', new RegExp(`max\\s+allowed:\\s*${SIZE}`, 'i')],
  ['requested', new RegExp(`Tried\\s+to\\s+allocate\\s*${SIZE}`, 'i')],
];

/** The figures one out-of-memory line shows, with the units it shows them in. */
function readFigures(message: string): Record<string, string> {
  const figures: Record<string, string> = {};
  for (const [name, pattern] of FIGURES) {
    const value = pattern.exec(message)?.[1];
    if (value !== undefined) figures[name] = logFigure(value);
  }
  const buffer = INVALID_BUFFER.exec(message)?.[1];
  if (buffer !== undefined && figures.requested === undefined) figures.requested = logFigure(buffer);
  return figures;
}

function describeFigures(figures: Readonly<Record<string, string>>): string {
  const { allocated, other, maxAllowed, requested } = figures;
  const asked = requested === undefined ? 'An allocation' : `An allocation of ${requested}`;
  if (allocated === undefined || maxAllowed === undefined) return `${asked} did not fit in the memory MPS may use.`;
  const held = other === undefined ? allocated : `${allocated} (plus ${other} other allocations)`;
  return `${asked} did not fit: MPS already held ${held} of the ${maxAllowed} it may use.`;
}

/** MPS refused an allocation: the figures say how much was held, allowed and asked for. */
export function findMpsOutOfMemory(lines: readonly LogLine[]): Finding | undefined {
  const matched = lines.filter((line) => OUT_OF_MEMORY.test(line.message) || INVALID_BUFFER.test(line.message));
  const first = matched[0];
  if (first === undefined) return undefined;
  const figures = readFigures(first.message);
  return createFinding(
    {
      id: 'mps-out-of-memory',
      severity: 'blocks',
      title: 'MPS ran out of memory',
      cause: describeFigures(figures),
      fix:
        'Lower the resolution, batch size or frame count, load a smaller or fp16/quantised model, and quit other apps; ' +
        'PYTORCH_MPS_HIGH_WATERMARK_RATIO=0.0 lifts the limit but can freeze the Mac.',
    },
    matched,
    figures,
  );
}
