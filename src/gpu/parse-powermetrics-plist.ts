// Parses with the hand-written plist-xml.ts, not the `plist` package: on the 6 real records (~7 KB) it takes 0.12 ms vs 1.35 ms warm, 0.3 vs
// 2.3 ms at one record per 250 ms, and the gate's sampler CPU at 250 ms is 1.2 % vs 5.0 % of a core (target < 2 %, gate + tool); `plist`'s
// xmldom also prints each malformed record to console.error and reads `<real>abc</real>` as NaN.
import { createGpuParseError, validatePercent } from './gpu-parse-error.ts';
import { removeFloatNoise } from './gpu-sample.ts';
import type { GpuSample, RecordSplitter } from './gpu-sample.ts';
import { isPlistDict, parsePlistXml } from './plist-xml.ts';
import type { PlistValue } from './plist-xml.ts';

const PLIST_END = '</plist>';
const NUL = '\0';
// Apple GPUs run below 2 GHz; `freq_hz` has always held MHz despite its name (`<real>338</real>`).
// A value this large can only be real hertz, should a later macOS fix the unit.
const SMALLEST_FREQUENCY_IN_HZ = 100_000;

// The one hand-made splitter: node:readline reads lines, and a plist document is many lines ended by a NUL or `</plist>`.
/**
 * Splits a live `powermetrics -f plist` stream into plist documents. powermetrics writes a NUL before
 * every document but the first and none after the last, so a document is also complete at `</plist>`:
 * waiting for the next NUL would hold each sample back a whole interval.
 */
export function createPowermetricsPlistSplitter(): RecordSplitter {
  let buffer = '';

  const take = (record: string): string[] => (record.trim() === '' ? [] : [record.trim()]);

  return {
    push(chunk) {
      buffer += chunk;
      const records: string[] = [];
      for (;;) {
        const nul = buffer.indexOf(NUL);
        const close = buffer.indexOf(PLIST_END);
        if (close !== -1 && (nul === -1 || close < nul)) {
          records.push(...take(buffer.slice(0, close + PLIST_END.length)));
          buffer = buffer.slice(close + PLIST_END.length);
        } else if (nul !== -1) {
          records.push(...take(buffer.slice(0, nul)));
          buffer = buffer.slice(nul + 1);
        } else {
          return records;
        }
      }
    },
    end() {
      const rest = buffer;
      buffer = '';
      return take(rest);
    },
  };
}

/** Reads one plist document of the gpu_power sampler; `receivedAt` stands in when it has no `timestamp`. */
export function parsePowermetricsPlistRecord(record: string, receivedAt: number): GpuSample {
  let root: PlistValue;
  try {
    root = parsePlistXml(record);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw createGpuParseError('powermetrics-plist', `powermetrics record is not a readable plist (${reason})`, record, { cause: error });
  }
  if (!isPlistDict(root)) {
    throw createGpuParseError('powermetrics-plist', 'powermetrics plist record is not a dictionary', record);
  }
  const gpu = root.gpu;
  if (!isPlistDict(gpu)) {
    throw createGpuParseError('powermetrics-plist', 'powermetrics plist record has no "gpu" dictionary', record, {
      advice: 'powermetrics ran without the gpu_power sampler: add gpu_power to --samplers.',
    });
  }
  const idleRatio = gpu.idle_ratio;
  if (typeof idleRatio !== 'number') {
    throw createGpuParseError('powermetrics-plist', 'powermetrics plist "gpu" dictionary has no numeric idle_ratio', record);
  }
  const activePercent = validatePercent('powermetrics-plist', 'GPU active share (1 - idle_ratio)', removeFloatNoise((1 - idleRatio) * 100), record);
  const timestamp = root.timestamp;
  const frequencyMHz = readFrequencyMHz(gpu.freq_hz);
  const powerW = readPowerW(gpu.gpu_energy, root.elapsed_ns);
  return {
    at: timestamp instanceof Date ? timestamp.getTime() : receivedAt,
    activePercent,
    ...(frequencyMHz === undefined ? {} : { frequencyMHz }),
    ...(powerW === undefined ? {} : { powerW }),
  };
}

function readFrequencyMHz(freq: PlistValue | undefined): number | undefined {
  if (typeof freq !== 'number') return undefined;
  return freq >= SMALLEST_FREQUENCY_IN_HZ ? freq / 1e6 : freq;
}

// `gpu_energy` is the energy used over the sample in mJ (the text format's `GPU Power` in mW is the
// same figure divided by the interval), so mJ / ns × 1e6 = W.
function readPowerW(energyMJ: PlistValue | undefined, elapsedNs: PlistValue | undefined): number | undefined {
  if (typeof energyMJ !== 'number' || typeof elapsedNs !== 'number' || elapsedNs <= 0) return undefined;
  return (energyMJ * 1e6) / elapsedNs;
}
