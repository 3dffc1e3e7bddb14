import { describe, expect, it } from 'vitest';

import { GpuParseError } from '../../../src/gpu/gpu-parse-error.ts';
import { createNvidiaSmiCsvLineParser } from '../../../src/gpu/parse-nvidia-smi.ts';
import type { NvidiaSmiCsvOptions, NvidiaSmiSample } from '../../../src/gpu/parse-nvidia-smi.ts';
import { localTime, readGpuSample, readLines, readRecording, splitIntoRandomChunks } from './gpu-fixtures.ts';
import { H100_QUERY_GPU_HEADER } from './h100-query-gpu-header.ts';

const H100_CSV = 'nvidia-smi-query-gpu-csv-H100-590.48.01-load.csv';
const CSV_COMMAND =
  'Expected the output of `nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used,power.draw,clocks.sm --format=csv,noheader,nounits -lms 200`.';

/** What the nvidia-smi sampler reads from `chunks` on stdout: each line (node:readline) through one CSV line parser. */
async function readSamples(chunks: readonly string[], options?: NvidiaSmiCsvOptions): Promise<NvidiaSmiSample[]> {
  const parseLine = createNvidiaSmiCsvLineParser(options);
  return (await readLines(chunks)).flatMap((line) => parseLine(line) ?? []);
}

/** Reads one line with a fresh parser, as the first line of a stream. */
function parseLine(line: string): NvidiaSmiSample | undefined {
  return createNvidiaSmiCsvLineParser()(line);
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

describe('the nvidia-smi CSV stream on the recorded ComfyUI runs (H200, noheader,nounits, -lms 200)', () => {
  it('reads the CUDA run: 173 samples, 62 of them busy, peaking at 42 % with 3551 MiB and 225 W', async () => {
    const samples = await readSamples([readRecording('0.3.64-cuda/nvidia-smi.csv')]);
    expect(samples).toHaveLength(173);
    expect(samples[0]).toEqual({ at: localTime(2026, 11, 28, 9, 19, 1, 523), activePercent: 0, memoryUsedMiB: 0, powerW: 131.33, frequencyMHz: 1980 });
    expect(samples.at(-1)).toEqual({ at: localTime(2026, 11, 28, 9, 19, 35, 984), activePercent: 0, memoryUsedMiB: 0, powerW: 130.59, frequencyMHz: 1980 });
    expect(samples.filter((sample) => sample.activePercent > 0)).toHaveLength(62);
    expect(samples.reduce((sum, sample) => sum + sample.activePercent, 0)).toBe(1331);
    const peak = samples.reduce((busiest, sample) => (sample.activePercent > busiest.activePercent ? sample : busiest));
    expect(peak).toEqual({ at: localTime(2026, 11, 28, 9, 19, 26, 966), activePercent: 42, memoryUsedMiB: 3551, powerW: 225, frequencyMHz: 1980 });
    expect(Math.max(...samples.map((sample) => sample.powerW ?? 0))).toBe(229.23);
  });

  it('reads the --cpu run: 469 samples, the GPU never busy', async () => {
    const samples = await readSamples([readRecording('0.3.64-cpu/nvidia-smi.csv')]);
    expect(samples).toHaveLength(469);
    expect(samples.every((sample) => sample.activePercent === 0)).toBe(true);
    expect(Math.max(...samples.map((sample) => sample.memoryUsedMiB ?? -1))).toBe(4);
    expect(Math.min(...samples.map((sample) => sample.powerW ?? Infinity))).toBe(77.71);
    expect(Math.max(...samples.map((sample) => sample.powerW ?? 0))).toBe(122.65);
    expect(samples[0]?.at).toBe(localTime(2026, 11, 28, 9, 42, 36, 242));
    expect(samples.at(-1)).toEqual({ at: localTime(2026, 11, 28, 9, 44, 10, 210), activePercent: 0, memoryUsedMiB: 4, powerW: 77.81, frequencyMHz: 345 });
  });

  it('gives the same samples when the CUDA recording arrives in random chunks, also with \\r\\n line ends', async () => {
    const text = readRecording('0.3.64-cuda/nvidia-smi.csv');
    const whole = await readSamples([text]);
    for (const seed of [1, 2, 3, 42]) {
      expect(await readSamples(splitIntoRandomChunks(text, seed))).toEqual(whole);
      expect(await readSamples(splitIntoRandomChunks(text.replaceAll('\n', '\r\n'), seed))).toEqual(whole);
    }
  });
});

describe('the nvidia-smi CSV line parser on the H100 capture (every field, with units)', () => {
  const expected = {
    at: localTime(2026, 7, 14, 8, 12, 53, 353),
    activePercent: 100,
    memoryUsedMiB: 19818,
    powerW: 631.95,
    frequencyMHz: 1980,
    gpuIndex: 0,
    busId: '00000000:00:09.0',
  };

  it('refuses the saved data line alone: its 212 columns have no names', () => {
    expect(() => parseLine(readGpuSample(H100_CSV).trim())).toThrow(
      'nvidia-smi CSV line has 212 value(s), expected 5 (timestamp, utilization.gpu, memory.used, power.draw, clocks.sm); ' +
        'the input starts with "2026/07/14 08:12:53.353, 590.48.01, [N/A], 1, NVIDIA H100 80GB HBM3, 00000000000"…',
    );
  });

  it('reads it with the --query-gpu list it was made with', async () => {
    const fields = H100_QUERY_GPU_HEADER.split(',').map((name) => name.trim().replace(/ \[.*\]$/, ''));
    expect(await readSamples([readGpuSample(H100_CSV)], { fields })).toEqual([expected]);
  });

  it('reads it below its own header line, which carries the units', async () => {
    expect(await readSamples([`${H100_QUERY_GPU_HEADER}\n${readGpuSample(H100_CSV)}`])).toEqual([expected]);
  });
});

describe('the nvidia-smi CSV line parser on formats and gaps', () => {
  it('reads the gate query with a header and units (--format=csv)', async () => {
    const text =
      'timestamp, utilization.gpu [%], memory.used [MiB], power.draw [W], clocks.sm [MHz]\n' + '2026/11/28 09:19:26.966, 42 %, 3551 MiB, 225.00 W, 1980 MHz\n';
    expect(await readSamples([text])).toEqual([
      { at: localTime(2026, 11, 28, 9, 19, 26, 966), activePercent: 42, memoryUsedMiB: 3551, powerW: 225, frequencyMHz: 1980 },
    ]);
  });

  it('reads the query without clocks.sm', () => {
    expect(parseLine('2026/11/28 09:19:26.966, 42, 3551, 225.00')).toEqual({
      at: localTime(2026, 11, 28, 9, 19, 26, 966),
      activePercent: 42,
      memoryUsedMiB: 3551,
      powerW: 225,
    });
  });

  it('leaves out [N/A] and [Not Supported] values instead of reading them as 0', () => {
    expect(parseLine('2026/11/28 09:19:26.966, 42, [N/A], [Not Supported], [N/A]')).toEqual({ at: localTime(2026, 11, 28, 9, 19, 26, 966), activePercent: 42 });
  });

  it('tells GPUs apart by the index field when it is queried', async () => {
    const text = 'index, timestamp, utilization.gpu\n0, 2026/11/28 09:19:26.966, 42\n1, 2026/11/28 09:19:26.967, 3\n';
    expect((await readSamples([text])).map(({ gpuIndex, activePercent }) => ({ gpuIndex, activePercent }))).toEqual([
      { gpuIndex: 0, activePercent: 42 },
      { gpuIndex: 1, activePercent: 3 },
    ]);
  });

  it('refuses a GPU that does not report utilization.gpu', () => {
    const error = parseError(() => parseLine('2026/11/28 09:19:26.966, [N/A], 3551, 225.00, 1980'));
    expect(error.message).toBe('utilization.gpu is "[N/A]", not a number; the input starts with "2026/11/28 09:19:26.966, [N/A], 3551, 225.00, 1980"');
    expect(error.hint).toBe(`This GPU does not report its utilization (e.g. a MIG instance or vGPU). ${CSV_COMMAND}`);
  });
});

describe('the nvidia-smi CSV line parser on garbage', () => {
  it('skips blank lines, and a stream with nothing else gives no samples', async () => {
    expect(parseLine('  ')).toBeUndefined();
    expect(await readSamples(['', '\n', '\r\n'])).toEqual([]);
  });

  it('refuses what nvidia-smi prints when the driver is gone', () => {
    const error = parseError(() =>
      parseLine(
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
      ),
    );
    expect(error.hint).toBe(CSV_COMMAND);
    expect(error.message).toBe(
      'nvidia-smi CSV line has 1 value(s), expected 5 (timestamp, utilization.gpu, memory.used, power.draw, clocks.sm); ' +
        'the input starts with "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver. Ma"…',
    );
  });

  it('refuses an HTML page', () => {
    expect(() => parseLine('<html><body>Bad Gateway</body></html>')).toThrow(
      'nvidia-smi CSV line has 1 value(s), expected 5 (timestamp, utilization.gpu, memory.used, power.draw, clocks.sm); ' +
        'the input starts with "<html><body>Bad Gateway</body></html>"',
    );
  });

  it('refuses utilization outside 0..100, a garbled number and an unreadable timestamp', () => {
    expect(() => parseLine('2026/11/28 09:19:26.966, 101, 3551, 225.00, 1980')).toThrow(
      'utilization.gpu is 101, outside 0..100; the input starts with "2026/11/28 09:19:26.966, 101, 3551, 225.00, 1980"',
    );
    expect(() => parseLine('2026/11/28 09:19:26.966, -4, 3551, 225.00, 1980')).toThrow('utilization.gpu is -4, outside 0..100');
    expect(() => parseLine('2026/11/28 09:19:26.966, 42, 35x1, 225.00, 1980')).toThrow('memory.used value "35x1" is not a number');
    expect(() => parseLine('28.11.2026 09:19, 42, 3551, 225.00, 1980')).toThrow('nvidia-smi timestamp "28.11.2026 09:19" is not YYYY/MM/DD HH:MM:SS.mmm');
  });
});
