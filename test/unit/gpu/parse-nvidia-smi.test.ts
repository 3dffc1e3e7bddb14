import { describe, expect, it } from 'vitest';

import { GpuParseError } from '../../../src/gpu/gpu-parse-error';
import { createLineSplitter } from '../../../src/gpu/line-splitter';
import { createNvidiaSmiCsvLineParser, parseNvidiaSmiCsv, parseNvidiaSmiXml } from '../../../src/gpu/parse-nvidia-smi';
import { feedChunks, localTime, readGpuSample, readRecording, splitIntoRandomChunks } from './gpu-fixtures';
import { H100_QUERY_GPU_HEADER } from './h100-query-gpu-header';

const H100_CSV = 'nvidia-smi-query-gpu-csv-H100-590.48.01-load.csv';
const RTX_4000_XML = 'nvidia-smi-q-x-RTX4000-SFF-Ada-driver595.84-v13.xml';
const GTX_1070_TI_XML = 'nvidia-smi-q-x-GTX1070Ti-v10-compact.xml';
const RECEIVED_AT = 1_700_000_000_000;
const CSV_COMMAND =
  'Expected the output of `nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used,power.draw,clocks.sm --format=csv,noheader,nounits -lms 200`.';

function parseError(run: () => unknown): GpuParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof GpuParseError) return error;
    throw error;
  }
  throw new Error('expected a GpuParseError');
}

describe('parseNvidiaSmiCsv on the recorded ComfyUI runs (H200, noheader,nounits, -lms 200)', () => {
  it('reads the CUDA run: 173 samples, 62 of them busy, peaking at 42 % with 3551 MiB and 225 W', () => {
    const samples = parseNvidiaSmiCsv(readRecording('0.3.64-cuda/nvidia-smi.csv'));
    expect(samples).toHaveLength(173);
    expect(samples[0]).toEqual({ at: localTime(2026, 11, 28, 9, 19, 1, 523), activePercent: 0, memoryUsedMiB: 0, powerW: 131.33, frequencyMHz: 1980 });
    expect(samples.at(-1)).toEqual({ at: localTime(2026, 11, 28, 9, 19, 35, 984), activePercent: 0, memoryUsedMiB: 0, powerW: 130.59, frequencyMHz: 1980 });
    expect(samples.filter((sample) => sample.activePercent > 0)).toHaveLength(62);
    expect(samples.reduce((sum, sample) => sum + sample.activePercent, 0)).toBe(1331);
    const peak = samples.reduce((busiest, sample) => (sample.activePercent > busiest.activePercent ? sample : busiest));
    expect(peak).toEqual({ at: localTime(2026, 11, 28, 9, 19, 26, 966), activePercent: 42, memoryUsedMiB: 3551, powerW: 225, frequencyMHz: 1980 });
    expect(Math.max(...samples.map((sample) => sample.powerW ?? 0))).toBe(229.23);
  });

  it('reads the --cpu run: 469 samples, the GPU never busy', () => {
    const samples = parseNvidiaSmiCsv(readRecording('0.3.64-cpu/nvidia-smi.csv'));
    expect(samples).toHaveLength(469);
    expect(samples.every((sample) => sample.activePercent === 0)).toBe(true);
    expect(Math.max(...samples.map((sample) => sample.memoryUsedMiB ?? -1))).toBe(4);
    expect(Math.min(...samples.map((sample) => sample.powerW ?? Infinity))).toBe(77.71);
    expect(Math.max(...samples.map((sample) => sample.powerW ?? 0))).toBe(122.65);
    expect(samples[0]?.at).toBe(localTime(2026, 11, 28, 9, 42, 36, 242));
    expect(samples.at(-1)).toEqual({ at: localTime(2026, 11, 28, 9, 44, 10, 210), activePercent: 0, memoryUsedMiB: 4, powerW: 77.81, frequencyMHz: 345 });
  });

  it('gives the same samples when the CUDA recording arrives in random chunks', () => {
    const text = readRecording('0.3.64-cuda/nvidia-smi.csv');
    for (const seed of [1, 2, 3, 42]) {
      const parseLine = createNvidiaSmiCsvLineParser();
      const lines = feedChunks(createLineSplitter(), splitIntoRandomChunks(text, seed));
      expect(lines.flatMap((line) => parseLine(line) ?? [])).toEqual(parseNvidiaSmiCsv(text));
    }
  });
});

describe('parseNvidiaSmiCsv on the H100 capture (every field, with units)', () => {
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
    expect(() => parseNvidiaSmiCsv(readGpuSample(H100_CSV))).toThrow(
      'nvidia-smi CSV line has 212 value(s), expected 5 (timestamp, utilization.gpu, memory.used, power.draw, clocks.sm); ' +
        'the input starts with "2026/07/14 08:12:53.353, 590.48.01, [N/A], 1, NVIDIA H100 80GB HBM3, 00000000000"…',
    );
  });

  it('reads it with the --query-gpu list it was made with', () => {
    const fields = H100_QUERY_GPU_HEADER.split(',').map((name) => name.trim().replace(/ \[.*\]$/, ''));
    expect(parseNvidiaSmiCsv(readGpuSample(H100_CSV), { fields })).toEqual([expected]);
  });

  it('reads it below its own header line, which carries the units', () => {
    expect(parseNvidiaSmiCsv(`${H100_QUERY_GPU_HEADER}\n${readGpuSample(H100_CSV)}`)).toEqual([expected]);
  });
});

describe('parseNvidiaSmiCsv formats and gaps', () => {
  it('reads the gate query with a header and units (--format=csv)', () => {
    const text =
      'timestamp, utilization.gpu [%], memory.used [MiB], power.draw [W], clocks.sm [MHz]\n' +
      '2026/11/28 09:19:26.966, 42 %, 3551 MiB, 225.00 W, 1980 MHz\n';
    expect(parseNvidiaSmiCsv(text)).toEqual([
      { at: localTime(2026, 11, 28, 9, 19, 26, 966), activePercent: 42, memoryUsedMiB: 3551, powerW: 225, frequencyMHz: 1980 },
    ]);
  });

  it('reads the query without clocks.sm', () => {
    expect(parseNvidiaSmiCsv('2026/11/28 09:19:26.966, 42, 3551, 225.00\n')).toEqual([
      { at: localTime(2026, 11, 28, 9, 19, 26, 966), activePercent: 42, memoryUsedMiB: 3551, powerW: 225 },
    ]);
  });

  it('leaves out [N/A] and [Not Supported] values instead of reading them as 0', () => {
    expect(parseNvidiaSmiCsv('2026/11/28 09:19:26.966, 42, [N/A], [Not Supported], [N/A]\r\n')).toEqual([
      { at: localTime(2026, 11, 28, 9, 19, 26, 966), activePercent: 42 },
    ]);
  });

  it('tells GPUs apart by the index field when it is queried', () => {
    const text = 'index, timestamp, utilization.gpu\n0, 2026/11/28 09:19:26.966, 42\n1, 2026/11/28 09:19:26.967, 3\n';
    expect(parseNvidiaSmiCsv(text).map(({ gpuIndex, activePercent }) => ({ gpuIndex, activePercent }))).toEqual([
      { gpuIndex: 0, activePercent: 42 },
      { gpuIndex: 1, activePercent: 3 },
    ]);
  });

  it('refuses a GPU that does not report utilization.gpu', () => {
    const error = parseError(() => parseNvidiaSmiCsv('2026/11/28 09:19:26.966, [N/A], 3551, 225.00, 1980\n'));
    expect(error.message).toBe(
      'utilization.gpu is "[N/A]", not a number; the input starts with "2026/11/28 09:19:26.966, [N/A], 3551, 225.00, 1980"',
    );
    expect(error.hint).toBe(`This GPU does not report its utilization (e.g. a MIG instance or vGPU). ${CSV_COMMAND}`);
  });
});

describe('parseNvidiaSmiCsv on garbage', () => {
  it('refuses empty input', () => {
    const error = parseError(() => parseNvidiaSmiCsv(''));
    expect(error.message).toBe('nvidia-smi CSV output has no sample lines; the input is empty ("")');
    expect(error.hint).toBe(CSV_COMMAND);
  });

  it('refuses what nvidia-smi prints when the driver is gone', () => {
    expect(() =>
      parseNvidiaSmiCsv(
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n",
      ),
    ).toThrow(
      'nvidia-smi CSV line has 1 value(s), expected 5 (timestamp, utilization.gpu, memory.used, power.draw, clocks.sm); ' +
        'the input starts with "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver. Ma"…',
    );
  });

  it('refuses an HTML page', () => {
    expect(() => parseNvidiaSmiCsv('<html><body>Bad Gateway</body></html>')).toThrow(
      'nvidia-smi CSV line has 1 value(s), expected 5 (timestamp, utilization.gpu, memory.used, power.draw, clocks.sm); ' +
        'the input starts with "<html><body>Bad Gateway</body></html>"',
    );
  });

  it('refuses utilization outside 0..100, a garbled number and an unreadable timestamp', () => {
    expect(() => parseNvidiaSmiCsv('2026/11/28 09:19:26.966, 101, 3551, 225.00, 1980')).toThrow(
      'utilization.gpu is 101, outside 0..100; the input starts with "2026/11/28 09:19:26.966, 101, 3551, 225.00, 1980"',
    );
    expect(() => parseNvidiaSmiCsv('2026/11/28 09:19:26.966, -4, 3551, 225.00, 1980')).toThrow('utilization.gpu is -4, outside 0..100');
    expect(() => parseNvidiaSmiCsv('2026/11/28 09:19:26.966, 42, 35x1, 225.00, 1980')).toThrow('memory.used value "35x1" is not a number');
    expect(() => parseNvidiaSmiCsv('28.11.2026 09:19, 42, 3551, 225.00, 1980')).toThrow(
      'nvidia-smi timestamp "28.11.2026 09:19" is not YYYY/MM/DD HH:MM:SS.mmm',
    );
  });
});

describe('parseNvidiaSmiXml', () => {
  it('reads the RTX 4000 SFF Ada v13 dump: gpu_util, fb used, average power draw, SM clock, local <timestamp>', () => {
    expect(parseNvidiaSmiXml(readGpuSample(RTX_4000_XML), RECEIVED_AT)).toEqual([
      {
        at: localTime(2026, 8, 6, 1, 3, 40),
        activePercent: 0,
        memoryUsedMiB: 3534,
        powerW: 8.81,
        frequencyMHz: 210,
        gpuIndex: 0,
        busId: '00000000:06:00.0',
      },
    ]);
  });

  it('reads the compact GTX 1070 Ti v10 file: no <timestamp>, power_draw N/A', () => {
    expect(parseNvidiaSmiXml(readGpuSample(GTX_1070_TI_XML), RECEIVED_AT)).toEqual([
      { at: RECEIVED_AT, activePercent: 0, memoryUsedMiB: 42, frequencyMHz: 135, gpuIndex: 0, busId: '00000000:01:00.0' },
    ]);
  });

  it('gives one sample per <gpu>', () => {
    const one = readGpuSample(GTX_1070_TI_XML);
    const gpu = one.slice(one.indexOf('<gpu id'), one.indexOf('</gpu>') + '</gpu>'.length);
    const second = gpu.replace('00000000:01:00.0', '00000000:02:00.0').replace('<gpu_util>0 %</gpu_util>', '<gpu_util>87 %</gpu_util>');
    const two = one.replace('</gpu>', `</gpu>\n${second}`);
    expect(parseNvidiaSmiXml(two, RECEIVED_AT).map(({ gpuIndex, busId, activePercent }) => ({ gpuIndex, busId, activePercent }))).toEqual([
      { gpuIndex: 0, busId: '00000000:01:00.0', activePercent: 0 },
      { gpuIndex: 1, busId: '00000000:02:00.0', activePercent: 87 },
    ]);
  });

  it('refuses XML without a <gpu>, a gpu_util of N/A and a gpu_util above 100', () => {
    expect(() => parseNvidiaSmiXml('<html><body>Not Found</body></html>', RECEIVED_AT)).toThrow(
      'no <gpu> element in nvidia-smi XML; the input starts with "<html><body>Not Found</body></html>"',
    );
    expect(() => parseNvidiaSmiXml('', RECEIVED_AT)).toThrow('no <gpu> element in nvidia-smi XML; the input is empty ("")');
    const gtx = readGpuSample(GTX_1070_TI_XML);
    const error = parseError(() => parseNvidiaSmiXml(gtx.replace('<gpu_util>0 %</gpu_util>', '<gpu_util>N/A</gpu_util>'), RECEIVED_AT));
    expect(error.message).toBe(
      'utilization/gpu_util is "N/A", not a number; ' +
        'the input starts with "<gpu id=\\"00000000:01:00.0\\">\\n                <product_name>GeForce GTX 1070 Ti</p"…',
    );
    expect(error.hint).toBe('This GPU does not report its utilization (e.g. a MIG instance or vGPU). Expected the output of `nvidia-smi -q -x`.');
    expect(() => parseNvidiaSmiXml(gtx.replace('<gpu_util>0 %</gpu_util>', '<gpu_util>120 %</gpu_util>'), RECEIVED_AT)).toThrow(
      'utilization/gpu_util is 120, outside 0..100',
    );
  });
});
