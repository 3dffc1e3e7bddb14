import { createGpuParseError, validatePercent } from './gpu-parse-error';
import { removeFloatNoise } from './gpu-sample';
import type { GpuSample, RecordSplitter } from './gpu-sample';

// `*** Sampled system activity (Sat Nov  8 15:54:21 2025 +0900) (5021.96ms elapsed) ***`.
// "Summary" opens the one block printed for a whole run (--show-usage-summary); it is read the same way.
const HEADER = /^\*\*\* (Sampled|Summary) system activity \((.*)\) \(([\d.]+)ms elapsed\) \*\*\*\s*$/;
const SECTION = /^\*{4}\s*(.*?)\s*\*{4}\s*$/;
const HEADER_DATE = /^\w{3} (\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) ([+-])(\d{2})(\d{2})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Busy-share lines, most trusted first: Apple Silicon since Monterey, Apple Silicon on Big Sur,
// the complement of idle residency (any Apple Silicon), Intel gpu_power, Intel cpu_power.
const ACTIVE_LINES = [
  { name: 'GPU HW active residency', pattern: /^GPU HW active residency:\s*([-+]?[\d.]+)%/, idle: false },
  { name: 'GPU active residency', pattern: /^GPU active residency:\s*([-+]?[\d.]+)%/, idle: false },
  { name: 'GPU idle residency', pattern: /^GPU idle residency:\s*([-+]?[\d.]+)%/, idle: true },
  { name: 'GPU Busy', pattern: /^GPU \d+ GPU Busy\s*:\s*([-+]?[\d.]+)%/, idle: false },
  { name: 'GPU Active', pattern: /^GPU Active:\s*([-+]?[\d.]+)%/, idle: false },
] as const;

const FREQUENCY_LINES = [
  /^GPU (?:HW )?active frequency:\s*([\d.]+)\s*MHz/,
  // Intel: `GPU 0 average active frequency as fraction of nominal (300.00Mhz): 166.67% (500.00Mhz)`.
  /^GPU \d+ average active frequency as fraction of nominal \([\d.]+\s*Mhz\):\s*[\d.]+%\s*\(([\d.]+)\s*Mhz\)/i,
];

const POWER_LINE = /^GPU Power:\s*([\d.]+)\s*(mW|W)\b/;

/** Splits a live `powermetrics` text stream into sample blocks, each starting at its `*** … system activity` header. */
export function createPowermetricsTextSplitter(): RecordSplitter {
  let partialLine = '';
  let block: string[] | undefined;
  let received = '';

  const takeLine = (rawLine: string): string[] => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (received.length < 200) received += `${line}\n`;
    if (HEADER.test(line)) {
      const done = block;
      block = [line];
      return done === undefined ? [] : [done.join('\n').trimEnd()];
    }
    // Lines before the first header are the machine preamble (model, OS, boot time): not part of any sample.
    block?.push(line);
    return [];
  };

  return {
    push(chunk) {
      const lines = (partialLine + chunk).split('\n');
      partialLine = lines.pop() ?? '';
      return lines.flatMap(takeLine);
    },
    end() {
      const last = partialLine === '' ? [] : takeLine(partialLine);
      const rest = block === undefined ? [] : [block.join('\n').trimEnd()];
      const seen = received;
      partialLine = '';
      block = undefined;
      received = '';
      if (last.length === 0 && rest.length === 0 && seen.trim() !== '') {
        throw createGpuParseError(
          'powermetrics-text',
          'no "*** Sampled system activity" header in powermetrics text output',
          seen,
        );
      }
      return [...last, ...rest];
    },
  };
}

/** Reads one sample block (header included); throws when the block has no GPU figures at all. */
export function parsePowermetricsTextSample(block: string): GpuSample {
  const lines = block.split('\n').map((line) => line.trim());
  const header = HEADER.exec(lines[0] ?? '');
  if (header === null) {
    throw createGpuParseError('powermetrics-text', 'powermetrics sample does not start with a "*** Sampled system activity" header', block);
  }
  const at = parseHeaderDate(header[2] ?? '', block);
  const activePercent = readActivePercent(lines, block);
  const frequencyMHz = readFirst(lines, FREQUENCY_LINES);
  const powerW = readPower(lines);
  return {
    at,
    activePercent,
    ...(frequencyMHz === undefined ? {} : { frequencyMHz }),
    ...(powerW === undefined ? {} : { powerW }),
  };
}

/** Reads a whole captured `powermetrics` text output into samples, in order. */
export function parsePowermetricsText(text: string): GpuSample[] {
  const splitter = createPowermetricsTextSplitter();
  const blocks = [...splitter.push(text), ...splitter.end()];
  if (blocks.length === 0) {
    throw createGpuParseError('powermetrics-text', 'no "*** Sampled system activity" header in powermetrics text output', text);
  }
  return blocks.map(parsePowermetricsTextSample);
}

function readActivePercent(lines: readonly string[], block: string): number {
  for (const { name, pattern, idle } of ACTIVE_LINES) {
    const values = lines.flatMap((line) => {
      const match = pattern.exec(line);
      return match === null ? [] : [validatePercent('powermetrics-text', name, Number(match[1]), block)];
    });
    if (values.length > 0) {
      // Several values only happen with Intel's `GPU 0 …`, `GPU 1 …`: the busiest GPU is the one that did the work.
      const value = Math.max(...values);
      return idle ? removeFloatNoise(100 - value) : value;
    }
  }
  throw createGpuParseError('powermetrics-text', 'powermetrics sample has no GPU figures (no "**** GPU usage ****" section)', block, {
    advice: 'powermetrics ran without the gpu_power sampler: add gpu_power to --samplers.',
  });
}

function readFirst(lines: readonly string[], patterns: readonly RegExp[]): number | undefined {
  for (const pattern of patterns) {
    for (const line of lines) {
      const value = Number(pattern.exec(line)?.[1]);
      if (Number.isFinite(value)) return value;
    }
  }
  return undefined;
}

// `GPU Power` can appear twice: in the processor block (cpu_power sampler) and in the GPU usage block
// (gpu_power sampler). On Big Sur they can differ (6884 vs 6925 mW in one sample of the log the Big Sur
// fixture was trimmed from). The GPU block's figure comes from the same sampler as the residency we
// report, so it is the one that matches it; the processor block's copy is used only without a GPU block.
function readPower(lines: readonly string[]): number | undefined {
  let section = '';
  let processorPower: number | undefined;
  for (const line of lines) {
    const heading = SECTION.exec(line);
    if (heading !== null) {
      section = heading[1] ?? '';
      continue;
    }
    const match = POWER_LINE.exec(line);
    if (match === null) continue;
    const watts = match[2] === 'mW' ? Number(match[1]) / 1000 : Number(match[1]);
    if (section === 'GPU usage') return watts;
    processorPower ??= watts;
  }
  return processorPower;
}

function parseHeaderDate(text: string, block: string): number {
  const match = HEADER_DATE.exec(text);
  const month = MONTHS.indexOf(match?.[1] ?? '');
  if (match === null || month === -1) {
    throw createGpuParseError('powermetrics-text', `powermetrics sample header has an unreadable date "${text}"`, block);
  }
  const [day, hours, minutes, seconds, year, offsetHours, offsetMinutes] = [2, 3, 4, 5, 6, 8, 9].map((group) => Number(match[group]));
  const wallClockAsUtc = Date.UTC(year ?? 0, month, day, hours, minutes, seconds);
  const offsetMs = ((offsetHours ?? 0) * 60 + (offsetMinutes ?? 0)) * 60_000;
  // The wall clock is `offset` ahead of UTC (+0900) or behind it (-0800).
  return match[7] === '-' ? wallClockAsUtc + offsetMs : wallClockAsUtc - offsetMs;
}
