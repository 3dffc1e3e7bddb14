import { createGpuParseError, validatePercent } from './gpu-parse-error.ts';
import { removeFloatNoise } from './gpu-sample.ts';
import type { GpuSample } from './gpu-sample.ts';

/**
 * What macmon's busy share measures. Up to v0.7 the only figure is `gpu_usage[1]`, which is
 * frequency-scaled (residency × current/max frequency: the v0.8 README shows the same number as
 * `gpu_scaled_ratio`), so it reads lower than powermetrics' active residency at low clocks.
 * v0.8 adds `gpu_active_ratio`, the plain residency, and that one is preferred.
 */
export type MacmonActiveMeasure = 'active-residency' | 'frequency-scaled';

export interface MacmonSample extends GpuSample {
  readonly activeMeasure: MacmonActiveMeasure;
}

/** Reads one `macmon pipe` JSON line; `receivedAt` stands in for lines without `timestamp` (before v0.6). */
export function parseMacmonLine(line: string, receivedAt: number): MacmonSample {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    throw createGpuParseError('macmon', 'macmon line is not JSON', line, { cause: error });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw createGpuParseError('macmon', 'macmon line is not a JSON object', line);
  }
  const record = raw as Record<string, unknown>;
  const usage = readUsage(record.gpu_usage, line);
  const activeRatio = readNumber(record, 'gpu_active_ratio', line);
  const ratio = activeRatio ?? usage?.ratio;
  if (ratio === undefined) {
    throw createGpuParseError('macmon', 'macmon line has neither gpu_active_ratio nor gpu_usage', line);
  }
  const frequencyMHz = readNumber(record, 'gpu_freq_mhz', line) ?? usage?.frequencyMHz;
  const powerW = readNumber(record, 'gpu_power', line);
  return {
    at: readTimestamp(record.timestamp, receivedAt, line),
    activePercent: validatePercent(
      'macmon',
      activeRatio === undefined ? 'gpu_usage ratio × 100' : 'gpu_active_ratio × 100',
      removeFloatNoise(ratio * 100),
      line,
    ),
    activeMeasure: activeRatio === undefined ? 'frequency-scaled' : 'active-residency',
    ...(frequencyMHz === undefined ? {} : { frequencyMHz }),
    ...(powerW === undefined ? {} : { powerW }),
  };
}

function readUsage(value: unknown, line: string): { frequencyMHz: number; ratio: number } | undefined {
  if (value === undefined) return undefined;
  const [frequencyMHz, ratio] = Array.isArray(value) ? (value as unknown[]) : [];
  if (typeof frequencyMHz !== 'number' || typeof ratio !== 'number') {
    throw createGpuParseError('macmon', 'macmon gpu_usage is not [frequency MHz, ratio]', line);
  }
  return { frequencyMHz, ratio };
}

function readNumber(record: Record<string, unknown>, key: string, line: string): number | undefined {
  const value = record[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') {
    throw createGpuParseError('macmon', `macmon ${key} is not a number`, line);
  }
  return value;
}

function readTimestamp(value: unknown, receivedAt: number, line: string): number {
  if (value === undefined) return receivedAt;
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) {
    throw createGpuParseError('macmon', 'macmon timestamp is not an ISO date', line);
  }
  return at;
}
