import { createGpuParseError, validatePercent } from './gpu-parse-error';
import type { GpuOutputFormat } from './gpu-parse-error';
import type { GpuSample } from './gpu-sample';
import { createLineSplitter } from './line-splitter';

/** An nvidia-smi reading of one GPU. */
export interface NvidiaSmiSample extends GpuSample {
  /** nvidia-smi's GPU index: from the `index` field in CSV, the order of `<gpu>` elements in XML. */
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
// `Thu Aug  6 01:03:40 2026`, the host's local time.
const XML_TIMESTAMP = /^\w{3} (\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// A number with the unit nvidia-smi prints unless `nounits` is given: `42`, `42 %`, `3551 MiB`, `225.00 W`, `1980 MHz`.
const MEASURE = /^(-?\d+(?:\.\d+)?)(?:\s*(?:%|MiB|W|MHz))?$/;
const UNIT_SUFFIX = /\s*\[[^\]]*\]$/;

/**
 * Makes a reader for `nvidia-smi --query-gpu=… --format=csv[,noheader][,nounits]` lines, fed one at a
 * time (see createLineSplitter). It returns undefined for blank and header lines, remembering the
 * header's field order. With several GPUs nvidia-smi prints one line per GPU per interval; only an
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

/** Reads a whole captured `nvidia-smi --query-gpu` CSV output into samples, one per line. */
export function parseNvidiaSmiCsv(text: string, options: NvidiaSmiCsvOptions = {}): NvidiaSmiSample[] {
  const splitter = createLineSplitter();
  const parseLine = createNvidiaSmiCsvLineParser(options);
  const samples = [...splitter.push(text), ...splitter.end()].flatMap((line) => parseLine(line) ?? []);
  if (samples.length === 0) {
    throw createGpuParseError('nvidia-smi-csv', 'nvidia-smi CSV output has no sample lines', text);
  }
  return samples;
}

/** Reads `nvidia-smi -q -x` into one sample per `<gpu>`; `receivedAt` stands in when it has no `<timestamp>`. */
export function parseNvidiaSmiXml(xml: string, receivedAt: number): NvidiaSmiSample[] {
  const gpus = [...xml.matchAll(/<gpu id="([^"]*)">([\s\S]*?)<\/gpu>/g)];
  if (gpus.length === 0) {
    throw createGpuParseError('nvidia-smi-xml', 'no <gpu> element in nvidia-smi XML', xml);
  }
  const head = xml.slice(0, gpus[0]?.index);
  const timestamp = getElement(head, 'timestamp');
  const at = timestamp === undefined ? receivedAt : parseXmlTimestamp(timestamp, xml);
  // Errors about one GPU quote its `<gpu>` element: the document's first lines are the same for every GPU.
  return gpus.map(([element, busId = '', gpu = ''], gpuIndex) => {
    const read = (raw: string | undefined, name: string): number | undefined => readOptional(raw, name, 'nvidia-smi-xml', element);
    // DTD v10 has `power_readings/power_draw`; v13 has `gpu_power_readings/average_power_draw`. The
    // average is what `--query-gpu=power.draw` reports (the H100 capture: power.draw = power.draw.average
    // = 631.95 W, instant 625.68 W), so XML and CSV give the same figure.
    const power = getElement(gpu, 'gpu_power_readings') ?? getElement(gpu, 'power_readings') ?? '';
    const powerW = read(getElement(power, 'power_draw') ?? getElement(power, 'average_power_draw') ?? getElement(power, 'instant_power_draw'), 'power_draw');
    const memoryUsedMiB = read(getElement(getElement(gpu, 'fb_memory_usage') ?? '', 'used'), 'fb_memory_usage/used');
    const frequencyMHz = read(getElement(getElement(gpu, 'clocks') ?? '', 'sm_clock'), 'clocks/sm_clock');
    const utilization = getElement(getElement(gpu, 'utilization') ?? '', 'gpu_util');
    return {
      at,
      activePercent: readUtilization(utilization, 'utilization/gpu_util', 'nvidia-smi-xml', element),
      gpuIndex,
      busId,
      ...(frequencyMHz === undefined ? {} : { frequencyMHz }),
      ...(powerW === undefined ? {} : { powerW }),
      ...(memoryUsedMiB === undefined ? {} : { memoryUsedMiB }),
    };
  });
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
  const index = readOptional(get('index'), 'index', 'nvidia-smi-csv', line);
  const busId = get('pci.bus_id');
  const frequencyMHz = readOptional(get('clocks.sm') ?? get('clocks.current.sm'), 'clocks.sm', 'nvidia-smi-csv', line);
  const powerW = readOptional(get('power.draw'), 'power.draw', 'nvidia-smi-csv', line);
  const memoryUsedMiB = readOptional(get('memory.used'), 'memory.used', 'nvidia-smi-csv', line);
  return {
    at: parseCsvTimestamp(timestamp, line),
    activePercent: readUtilization(get('utilization.gpu'), 'utilization.gpu', 'nvidia-smi-csv', line),
    ...(index === undefined ? {} : { gpuIndex: index }),
    ...(busId === undefined ? {} : { busId }),
    ...(frequencyMHz === undefined ? {} : { frequencyMHz }),
    ...(powerW === undefined ? {} : { powerW }),
    ...(memoryUsedMiB === undefined ? {} : { memoryUsedMiB }),
  };
}

function readUtilization(raw: string | undefined, name: string, format: GpuOutputFormat, input: string): number {
  const value = readOptional(raw, name, format, input);
  if (value === undefined) {
    throw createGpuParseError(format, `${name} is ${raw === undefined ? 'missing' : `"${raw}"`}, not a number`, input, {
      advice: 'This GPU does not report its utilization (e.g. a MIG instance or vGPU).',
    });
  }
  return validatePercent(format, name, value, input);
}

// nvidia-smi marks values it cannot give with words: `[N/A]`, `[Not Supported]`, `N/A`,
// `[Requested functionality has been deprecated]`. Those are absent, never 0; digits that do not
// read as a number mean the line is not what we think it is.
function readOptional(raw: string | undefined, name: string, format: GpuOutputFormat, input: string): number | undefined {
  if (raw === undefined || !/\d/.test(raw)) return undefined;
  const match = MEASURE.exec(raw.trim());
  if (match === null) {
    throw createGpuParseError(format, `${name} value "${raw}" is not a number`, input);
  }
  return Number(match[1]);
}

function getElement(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1]?.trim();
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

function parseXmlTimestamp(text: string, xml: string): number {
  const match = XML_TIMESTAMP.exec(text);
  const month = MONTHS.indexOf(match?.[1] ?? '');
  if (match === null || month === -1) {
    throw createGpuParseError('nvidia-smi-xml', `nvidia-smi <timestamp> "${text}" is unreadable`, xml);
  }
  const [day, hours, minutes, seconds, year] = match.slice(2, 7).map(Number);
  return new Date(year ?? 0, month, day, hours, minutes, seconds).getTime();
}
