import { describe, expect, it } from 'vitest';

import { GpuParseError } from '../../../src/gpu/gpu-parse-error.ts';
import type { GpuSample } from '../../../src/gpu/gpu-sample.ts';
import { createPowermetricsPlistSplitter, parsePowermetricsPlistRecord } from '../../../src/gpu/parse-powermetrics-plist.ts';
import { feedChunks, readGpuSample, splitIntoRandomChunks } from './gpu-fixtures.ts';

const SINGLE = 'powermetrics-plist-gpu_power-Mac16-8-macos15.5-single.plist';
const FIVE_NUL_SEPARATED = 'powermetrics-plist-gpu_power-Mac16-8-macos15.5-5samples-NULsep.plist';
const RECEIVED_AT = 1_700_000_000_000;
const EXPECTED_COMMAND = 'Expected the output of `sudo powermetrics --samplers gpu_power -i 1000 -f plist`.';

/** What the powermetrics sampler reads from `chunks` on stdout: each record its splitter cuts, through the record parser. */
function readSamples(chunks: readonly string[]): GpuSample[] {
  return feedChunks(createPowermetricsPlistSplitter(), chunks).map((record) => parsePowermetricsPlistRecord(record, RECEIVED_AT));
}

function parseError(run: () => unknown): GpuParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof GpuParseError) return error;
    throw error;
  }
  throw new Error('expected a GpuParseError');
}

describe('the powermetrics plist stream on real outputs', () => {
  it('reads the single Mac16,8 record: idle_ratio 0.995324, freq_hz 338 (MHz), gpu_energy 9 mJ over 5.005 s', () => {
    expect(readSamples([readGpuSample(SINGLE)])).toEqual([
      { at: Date.parse('2025-07-06T04:15:28Z'), activePercent: 0.4676, frequencyMHz: 338, powerW: (9 * 1e6) / 5005449083 },
    ]);
  });

  it('reads the five NUL-separated records with their exact idle ratios, frequencies and energies', () => {
    const records = [
      { time: '05:15:15', idleRatio: 0.982517, freq: 426.525, energyMJ: 19, elapsedNs: 5004758375 },
      { time: '05:15:21', idleRatio: 0.969724, freq: 479.398, energyMJ: 107, elapsedNs: 5014447083 },
      { time: '05:15:26', idleRatio: 0.917447, freq: 867.616, energyMJ: 788, elapsedNs: 5010073541 },
      { time: '05:15:31', idleRatio: 0.967758, freq: 483.431, energyMJ: 146, elapsedNs: 5014230916 },
      { time: '05:15:36', idleRatio: 0.960673, freq: 458.421, energyMJ: 126, elapsedNs: 5009178500 },
    ];
    const samples = readSamples([readGpuSample(FIVE_NUL_SEPARATED)]);
    expect(samples).toHaveLength(5);
    samples.forEach((sample, index) => {
      const record = records[index];
      if (record === undefined) throw new Error(`no expectation for record ${index}`);
      expect(sample.at).toBe(Date.parse(`2025-07-06T${record.time}Z`));
      expect(sample.activePercent).toBeCloseTo((1 - record.idleRatio) * 100, 9);
      expect(sample.frequencyMHz).toBe(record.freq);
      expect(sample.powerW).toBeCloseTo((record.energyMJ * 1e6) / record.elapsedNs, 12);
    });
    expect(samples.map((sample) => sample.activePercent)).toEqual([1.7483, 3.0276, 8.2553, 3.2242, 3.9327]);
    // The busiest interval also drew the most: 788 mJ over 5.01 s ≈ 157 mW at 8.26 % and 868 MHz.
    expect(samples[2]?.powerW).toBeCloseTo(0.15728, 5);
  });

  it('uses receivedAt when a record has no timestamp', () => {
    const record = readGpuSample(SINGLE).replace('<key>timestamp</key><date>2025-07-06T04:15:28Z</date>\n', '');
    expect(parsePowermetricsPlistRecord(record, RECEIVED_AT).at).toBe(RECEIVED_AT);
  });

  it('reads freq_hz as hertz only when it is too large to be MHz', () => {
    const record = readGpuSample(SINGLE).replace('<key>freq_hz</key><real>338</real>', '<key>freq_hz</key><real>338000000</real>');
    expect(parsePowermetricsPlistRecord(record, RECEIVED_AT).frequencyMHz).toBe(338);
  });
});

describe('createPowermetricsPlistSplitter', () => {
  it('finds the 4 NULs of the 5-record stream (one before each <?xml but the first, none at the end)', () => {
    const text = readGpuSample(FIVE_NUL_SEPARATED);
    expect(text.split('\0')).toHaveLength(5);
    expect(text.endsWith('</plist>\n')).toBe(true);
    const records = feedChunks(createPowermetricsPlistSplitter(), [text]);
    expect(records).toHaveLength(5);
    for (const record of records) {
      expect(record.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
      expect(record.endsWith('</plist>')).toBe(true);
    }
  });

  it.each([SINGLE, FIVE_NUL_SEPARATED])('cuts %s into the same records whatever the chunking', (name) => {
    const text = readGpuSample(name);
    const whole = feedChunks(createPowermetricsPlistSplitter(), [text]);
    for (const seed of [1, 2, 3, 42]) {
      const chunks = splitIntoRandomChunks(text, seed, 301);
      expect(feedChunks(createPowermetricsPlistSplitter(), chunks)).toEqual(whole);
      expect(readSamples(chunks)).toEqual(readSamples([text]));
    }
  });

  it('emits a record at </plist>, without waiting a whole interval for the next NUL', () => {
    const text = readGpuSample(FIVE_NUL_SEPARATED);
    const firstEnd = text.indexOf('</plist>') + '</plist>'.length;
    const splitter = createPowermetricsPlistSplitter();
    expect(splitter.push(text.slice(0, firstEnd - 1))).toEqual([]);
    expect(splitter.push(text.slice(firstEnd - 1, firstEnd))).toHaveLength(1);
    expect(splitter.push('\n\0<?xml version')).toEqual([]);
  });

  it('hands a cut-off last record to end(), where parsing it fails', () => {
    const text = readGpuSample(SINGLE);
    const cut = text.indexOf('<key>dvfm_states</key>');
    const splitter = createPowermetricsPlistSplitter();
    expect(splitter.push(text.slice(0, cut))).toEqual([]);
    const [rest = ''] = splitter.end();
    expect(rest).toBe(text.slice(0, cut).trim());
    expect(() => parsePowermetricsPlistRecord(rest, RECEIVED_AT)).toThrow(
      'powermetrics record is not a readable plist (plist ends before the document is complete); ' +
        'the input starts with "<?xml version=\\"1.0\\" encoding=\\"UTF-8\\"?>\\n<!DOCTYPE plist PUBLIC \\"-//Apple//DTD PLI"…',
    );
  });
});

describe('the powermetrics plist stream on garbage', () => {
  it('cuts no record from empty or blank output', () => {
    expect(feedChunks(createPowermetricsPlistSplitter(), ['', '\n', '\0', ' \n'])).toEqual([]);
  });

  it('refuses the text format, which the splitter hands over whole at the end of the stream', () => {
    const error = parseError(() => readSamples([readGpuSample('powermetrics-text-gpu_power-M1Pro-2024-GPUblock.FROM-ISSUE-applegpuinfo-7.txt')]));
    expect(error.hint).toBe(EXPECTED_COMMAND);
    expect(error.message).toBe(
      'powermetrics record is not a readable plist (expected <plist> at offset 0, found text "*** Sampled system a"); ' +
        'the input starts with "*** Sampled system activity (Fri May 17 19:21:15 2024 -0400) (507.81ms elapsed) "…',
    );
  });

  it('refuses an HTML page', () => {
    expect(() => readSamples(['<html><body>Not Found</body></html>'])).toThrow(
      'powermetrics record is not a readable plist (expected <plist> at offset 0, found <html>); the input starts with "<html><body>Not Found</body></html>"',
    );
  });

  it('refuses a record without a gpu dictionary and says the sampler is missing', () => {
    const text = readGpuSample(SINGLE);
    const withoutGpu = `${text.slice(0, text.indexOf('<key>gpu</key>'))}</dict>\n</plist>\n`;
    const error = parseError(() => parsePowermetricsPlistRecord(withoutGpu, RECEIVED_AT));
    expect(error.message).toBe(
      'powermetrics plist record has no "gpu" dictionary; the input starts with ' +
        '"<?xml version=\\"1.0\\" encoding=\\"UTF-8\\"?>\\n<!DOCTYPE plist PUBLIC \\"-//Apple//DTD PLI"…',
    );
    expect(error.hint).toBe(`powermetrics ran without the gpu_power sampler: add gpu_power to --samplers. ${EXPECTED_COMMAND}`);
  });

  it('refuses an idle_ratio outside 0..1', () => {
    const record = readGpuSample(SINGLE).replaceAll('<key>idle_ratio</key><real>0.995324</real>', '<key>idle_ratio</key><real>1.5</real>');
    expect(() => parsePowermetricsPlistRecord(record, RECEIVED_AT)).toThrow('GPU active share (1 - idle_ratio) is -50, outside 0..100; the input starts with');
  });

  it('refuses a gpu dictionary without idle_ratio', () => {
    const record = readGpuSample(SINGLE).replaceAll('<key>idle_ratio</key><real>0.995324</real>\n', '');
    expect(() => parsePowermetricsPlistRecord(record, RECEIVED_AT)).toThrow(
      'powermetrics plist "gpu" dictionary has no numeric idle_ratio; the input starts with',
    );
  });
});
