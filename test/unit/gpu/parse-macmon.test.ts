import { describe, expect, it } from 'vitest';

import { parseMacmonLine } from '../../../src/gpu/parse-macmon.ts';
import type { MacmonSample } from '../../../src/gpu/parse-macmon.ts';
import { readGpuSample, readLines, splitIntoRandomChunks, stripJsoncAnnotations } from './gpu-fixtures.ts';

const EARLY = 'macmon-pipe-early-format-no-timestamp-10lines.FROM-codecarbon.jsonl';
const V0_6 = 'macmon-pipe-v0.6-era-sorted-keys-1line.FROM-ISSUE-beszel-1796.jsonl';
const V0_7 = 'macmon-pipe-v0.7-README-example-ANNOTATED.jsonc';
const V0_8 = 'macmon-pipe-v0.8-README-example-ANNOTATED.jsonc';
const RECEIVED_AT = 1_700_000_000_000;

/** What the macmon sampler reads from `chunks` on stdout: each line (node:readline) through parseMacmonLine. */
async function readSamples(chunks: readonly string[]): Promise<MacmonSample[]> {
  return (await readLines(chunks)).map((line) => parseMacmonLine(line, RECEIVED_AT));
}

describe('the macmon pipe stream on real outputs', () => {
  it('reads the early format (no timestamp): 10 frequency-scaled samples at 396 MHz, stamped receivedAt', async () => {
    const samples = await readSamples([readGpuSample(EARLY)]);
    expect(samples.map((sample) => sample.activePercent)).toEqual([
      5.2929282, 6.3834384, 5.4138985, 5.1508717, 5.396843, 5.373454, 5.7192028, 5.0722033, 5.2908726, 9.375177,
    ]);
    expect(samples.map((sample) => sample.powerW)).toEqual([
      0.025773834, 0.02971501, 0.023141222, 0.023062157, 0.023571063, 0.03300677, 0.029238673, 0.020034816, 0.014275403, 0.099837735,
    ]);
    for (const sample of samples) {
      expect(sample).toMatchObject({ at: RECEIVED_AT, frequencyMHz: 396, activeMeasure: 'frequency-scaled' });
    }
  });

  it('reads the v0.6-era line with sorted keys and a timestamp', async () => {
    const [sample] = await readSamples([readGpuSample(V0_6)]);
    expect(sample).toMatchObject({
      at: Date.parse('2026-03-06T20:06:05.259Z'),
      activeMeasure: 'frequency-scaled',
      frequencyMHz: 198,
      powerW: 0.004442947451025248,
    });
    expect(sample?.activePercent).toBeCloseTo(0.4153179936110973, 8);
  });

  it('reads the v0.7 README example once its annotations are stripped', () => {
    expect(parseMacmonLine(stripJsoncAnnotations(readGpuSample(V0_7)), RECEIVED_AT)).toEqual({
      at: Date.parse('2025-02-24T20:38:15.427Z'),
      activePercent: 2.1497859,
      activeMeasure: 'frequency-scaled',
      frequencyMHz: 461,
      powerW: 0.017451683,
    });
  });

  it("prefers v0.8's gpu_active_ratio (residency, 9 %) over the frequency-scaled ratio (2.15 %)", () => {
    const line = stripJsoncAnnotations(readGpuSample(V0_8));
    expect(JSON.parse(line)).toMatchObject({ gpu_scaled_ratio: 0.021497859, gpu_active_ratio: 0.09, gpu_freq_mhz: 461 });
    expect(parseMacmonLine(line, RECEIVED_AT)).toEqual({
      at: Date.parse('2025-02-24T20:38:15.427Z'),
      activePercent: 9,
      activeMeasure: 'active-residency',
      frequencyMHz: 461,
      powerW: 0.017451683,
    });
  });

  it('gives the same samples when the early output arrives in random chunks', async () => {
    const text = readGpuSample(EARLY);
    const whole = await readSamples([text]);
    expect(whole).toHaveLength(10);
    for (const seed of [1, 2, 3, 42]) {
      expect(await readSamples(splitIntoRandomChunks(text, seed))).toEqual(whole);
    }
  });
});

describe('the macmon line parser on garbage', () => {
  it('refuses the annotated README example as it is: comments are not pipe output', async () => {
    await expect(readSamples([readGpuSample(V0_7)])).rejects.toThrow('macmon line is not JSON; the input starts with "{"');
  });

  it('refuses HTML, with the command in the hint', () => {
    try {
      parseMacmonLine('<html><body>Bad Gateway</body></html>', RECEIVED_AT);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'GPU_OUTPUT_UNPARSEABLE',
        message: 'macmon line is not JSON; the input starts with "<html><body>Bad Gateway</body></html>"',
        hint: 'Expected the output of `macmon pipe -i 1000`.',
      });
    }
  });

  it.each([
    ['[1, 2]', 'macmon line is not a JSON object; the input starts with "[1, 2]"'],
    ['{"cpu_power": 0.4}', 'macmon line has neither gpu_active_ratio nor gpu_usage; the input starts with "{\\"cpu_power\\": 0.4}"'],
    ['{"gpu_usage": "busy"}', 'macmon gpu_usage is not [frequency MHz, ratio]; the input starts with "{\\"gpu_usage\\": \\"busy\\"}"'],
    ['{"gpu_usage": [396, 1.2]}', 'gpu_usage ratio × 100 is 120, outside 0..100; the input starts with "{\\"gpu_usage\\": [396, 1.2]}"'],
    ['{"gpu_active_ratio": -0.1}', 'gpu_active_ratio × 100 is -10, outside 0..100; the input starts with "{\\"gpu_active_ratio\\": -0.1}"'],
    [
      '{"gpu_usage": [396, 0.1], "gpu_power": "3 W"}',
      'macmon gpu_power is not a number; the input starts with "{\\"gpu_usage\\": [396, 0.1], \\"gpu_power\\": \\"3 W\\"}"',
    ],
    [
      '{"gpu_usage": [396, 0.1], "timestamp": "now"}',
      'macmon timestamp is not an ISO date; the input starts with "{\\"gpu_usage\\": [396, 0.1], \\"timestamp\\": \\"now\\"}"',
    ],
  ])('refuses %s', (line, message) => {
    expect(() => parseMacmonLine(line, RECEIVED_AT)).toThrow(message);
  });
});
