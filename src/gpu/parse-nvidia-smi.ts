import { createGpuParseError, validatePercent } from './gpu-parse-error.ts';
import type { GpuSample } from './gpu-sample.ts';

/** An nvidia-smi reading of one GPU. */
export interface NvidiaSmiSample extends GpuSample {
  /** nvidia-smi's GPU index, from the `index` field when the query has it. */
  readonly gpuIndex?: number;
  readonly busId?: string;
}

/** The `--query-gpu` fields the gate asks for, in order: what a `noheader` line holds when no other list is given. */
export const NVIDIA_SMI_QUERY_FIELDS = ['timestamp', 'utilization.gpu', 'memory.used', 'power.draw', 'clocks.sm'] as const;

export interface NvidiaSmiCsvOptions {
  /** The `--query-gpu` list, needed only to read `noheader` output of another query. */
  readonly fields?: readonly string[];
}

// `2026/11/28 09:19:05.686`, the host's local time.
const CSV_TIMESTAMP = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
// A number with the unit nvidia-smi prints unless `nounits` is given: `42`, `42 %`, `3551 MiB`, `225.00 W`, `1980 MHz`.
const MEASURE = /^(-?\d+(?:\.\d+)?)(?:\s*(?:%|MiB|W|MHz))?$/;
const UNIT_SUFFIX = /\s*\[[^\]]*\]$/;

/**
 * Makes a reader for `nvidia-smi --query-gpu=… --format=csv[,noheader][,nounits]` lines, fed one at a
 * time (the stream sampler reads them with node:readline). It returns undefined for blank and header
 * lines, remembering the header's field order. With several GPUs nvidia-smi prints one line per GPU per interval; only an
 * `index` field tells them apart, so add it to the query on multi-GPU hosts.
 */
export function createNvidiaSmiCsvLineParser(options: NvidiaSmiCsvOptions = {}): (line: string) => NvidiaSmiSample | undefined {
  let headerFields: readonly string[] | undefined;

  return (line) => {
    if (line.trim() === '') return undefined;
    const values = line.split(',').map((value) => value.trim());
    if (values[0] === 'timestamp' || values.some((value) => value.startsWith('utilization.gpu'))) {
      headerFields = values.map((value) => value.replace(UNIT_SUFFIX, ''));
      return undefined;
    }
    const fields = headerFields ?? options.fields ?? getDefaultFields(values.length);
    if (fields.length !== values.length) {
      const problem = `nvidia-smi CSV line has ${values.length} value(s), expected ${fields.length} (${fields.join(', ')})`;
      throw createGpuParseError('nvidia-smi-csv', problem, line);
    }
    const get = (name: string): string | undefined => values[fields.indexOf(name)];
    return readCsvSample(get, line);
  };
}

function getDefaultFields(valueCount: number): readonly string[] {
  // `clocks.sm` is optional in the gate's query, so a 4-value line is the same query without it.
  return valueCount === NVIDIA_SMI_QUERY_FIELDS.length - 1 ? NVIDIA_SMI_QUERY_FIELDS.slice(0, -1) : NVIDIA_SMI_QUERY_FIELDS;
}

function readCsvSample(get: (name: string) => string | undefined, line: string): NvidiaSmiSample {
  const timestamp = get('timestamp');
  if (timestamp === undefined) {
    throw createGpuParseError('nvidia-smi-csv', 'nvidia-smi CSV has no timestamp field', line);
  }
  const index = readOptional(get('index'), 'index', line);
  const busId = get('pci.bus_id');
  const frequencyMHz = readOptional(get('clocks.sm') ?? get('clocks.current.sm'), 'clocks.sm', line);
  const powerW = readOptional(get('power.draw'), 'power.draw', line);
  const memoryUsedMiB = readOptional(get('memory.used'), 'memory.used', line);
  return {
    at: parseCsvTimestamp(timestamp, line),
    activePercent: readUtilization(get('utilization.gpu'), 'utilization.gpu', line),
    ...(index === undefined ? {} : { gpuIndex: index }),
    ...(busId === undefined ? {} : { busId }),
    ...(frequencyMHz === undefined ? {} : { frequencyMHz }),
    ...(powerW === undefined ? {} : { powerW }),
    ...(memoryUsedMiB === undefined ? {} : { memoryUsedMiB }),
  };
}

function readUtilization(raw: string | undefined, name: string, line: string): number {
  const value = readOptional(raw, name, line);
  if (value === undefined) {
    throw createGpuParseError('nvidia-smi-csv', `${name} is ${raw === undefined ? 'missing' : `"${raw}"`}, not a number`, line, {
      advice: 'This GPU does not report its utilization (e.g. a MIG instance or vGPU).',
    });
  }
  return validatePercent('nvidia-smi-csv', name, value, line);
}

// nvidia-smi marks values it cannot give with words: `[N/A]`, `[Not Supported]`, `N/A`,
// `[Requested functionality has been deprecated]`. Those are absent, never 0; digits that do not
// read as a number mean the line is not what we think it is.
function readOptional(raw: string | undefined, name: string, line: string): number | undefined {
  if (raw === undefined || !/\d/.test(raw)) return undefined;
  const match = MEASURE.exec(raw.trim());
  if (match === null) {
    throw createGpuParseError('nvidia-smi-csv', `${name} value "${raw}" is not a number`, line);
  }
  return Number(match[1]);
}

function parseCsvTimestamp(text: string, line: string): number {
  const match = CSV_TIMESTAMP.exec(text);
  if (match === null) {
    throw createGpuParseError('nvidia-smi-csv', `nvidia-smi timestamp "${text}" is not YYYY/MM/DD HH:MM:SS.mmm`, line);
  }
  const [year, month, day, hours, minutes, seconds] = match.slice(1, 7).map(Number);
  const ms = Number((match[7] ?? '0').padEnd(3, '0'));
  return new Date(year ?? 0, (month ?? 1) - 1, day, hours, minutes, seconds, ms).getTime();
}
