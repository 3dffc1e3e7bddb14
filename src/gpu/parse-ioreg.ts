import { createGpuParseError, validatePercent } from './gpu-parse-error.ts';
import { bytesToMiB } from './gpu-sample.ts';
import type { GpuSample } from './gpu-sample.ts';

/** An ioreg reading, with the accelerator it came from and its other busy shares. */
export interface IoregSample extends GpuSample {
  /** IOAccelerator class, e.g. `AGXAcceleratorG13X`; absent when the output had no `+-o` entry line. */
  readonly accelerator?: string;
  readonly rendererPercent?: number;
  readonly tilerPercent?: number;
}

const ENTRY = /^[\s|]*\+-o (\S+)/;
const PERFORMANCE_STATISTICS = /"PerformanceStatistics"\s*=\s*\{([^}]*)\}/;
const NUMBER_PROPERTY = /"([^"]+)"\s*=\s*(-?\d+(?:\.\d+)?)/g;

interface Entry {
  readonly accelerator?: string;
  readonly text: string;
}

/**
 * Reads `ioreg -r -d 1 -w 0 -c IOAccelerator` (no root needed). ioreg gives no time, so the sample is
 * stamped `receivedAt`. Throws when no accelerator reports "Device Utilization %".
 */
export function parseIoreg(text: string, receivedAt: number): IoregSample {
  const samples = getEntries(text).flatMap((entry) => {
    const sample = readEntry(entry, receivedAt, text);
    return sample === undefined ? [] : [sample];
  });
  if (samples.length === 0) {
    throw createGpuParseError('ioreg', 'no "PerformanceStatistics" with "Device Utilization %" in ioreg output', text);
  }
  // A Mac with two GPUs (Intel iGPU + AMD dGPU) lists two accelerators, and only the one doing the work
  // is busy: averaging would halve a fully busy GPU, and the question is whether a GPU did the work.
  return samples.reduce((busiest, sample) => (sample.activePercent > busiest.activePercent ? sample : busiest));
}

function getEntries(text: string): Entry[] {
  const entries: { accelerator?: string; lines: string[] }[] = [];
  for (const line of text.split('\n')) {
    const entry = ENTRY.exec(line);
    if (entry !== null) {
      entries.push({ accelerator: entry[1], lines: [] });
    } else if (entries.length === 0) {
      // Output without a `+-o` line (a single pasted property line): one anonymous accelerator.
      entries.push({ lines: [line] });
    } else {
      entries.at(-1)?.lines.push(line);
    }
  }
  return entries.map(({ accelerator, lines }) => ({ ...(accelerator === undefined ? {} : { accelerator }), text: lines.join('\n') }));
}

function readEntry(entry: Entry, receivedAt: number, text: string): IoregSample | undefined {
  const statistics = PERFORMANCE_STATISTICS.exec(entry.text)?.[1];
  if (statistics === undefined) return undefined;
  const properties = new Map([...statistics.matchAll(NUMBER_PROPERTY)].map((match) => [match[1] ?? '', Number(match[2])]));
  const device = properties.get('Device Utilization %');
  if (device === undefined) return undefined;
  const renderer = properties.get('Renderer Utilization %');
  const tiler = properties.get('Tiler Utilization %');
  // Exact key: newer macOS also has "In use system memory (driver)", which is a different figure.
  const inUseBytes = properties.get('In use system memory');
  return {
    at: receivedAt,
    activePercent: validatePercent('ioreg', 'Device Utilization %', device, text),
    ...(entry.accelerator === undefined ? {} : { accelerator: entry.accelerator }),
    ...(renderer === undefined ? {} : { rendererPercent: validatePercent('ioreg', 'Renderer Utilization %', renderer, text) }),
    ...(tiler === undefined ? {} : { tilerPercent: validatePercent('ioreg', 'Tiler Utilization %', tiler, text) }),
    ...(inUseBytes === undefined ? {} : { memoryUsedMiB: bytesToMiB(inUseBytes) }),
  };
}
