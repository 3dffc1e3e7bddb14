import { describe, expect, it } from 'vitest';

import { GpuParseError } from '../../../src/gpu/gpu-parse-error';
import {
  createPowermetricsTextSplitter,
  parsePowermetricsText,
  parsePowermetricsTextSample,
} from '../../../src/gpu/parse-powermetrics-text';
import { feedChunks, readGpuSample, splitIntoRandomChunks } from './gpu-fixtures';

const MAC16_6 = 'powermetrics-text-default-Mac16-6-macos15.5.txt';
const M1_PRO = 'powermetrics-text-gpu_power-M1Pro-2024-GPUblock.FROM-ISSUE-applegpuinfo-7.txt';
const M3_TRUNCATED = 'powermetrics-text-gpu_power-M3-Mac15-13-macos26-25D125-TRUNCATED.FROM-ISSUE-applegpuinfo-15.txt';
const BIG_SUR = 'powermetrics-text-legacy-bigsur-M1-Macmini9-1-macos11.2-idle-head.txt';
const INTEL_DERIVED = 'powermetrics-text-intel-MacBookPro16-2-macos11.2-gpu_power.DERIVED-uncommented.txt';
const INTEL_VERBATIM = 'powermetrics-text-intel-MacBookPro16-2-macos11.2-gpu_power.VERBATIM-js-comment.txt';
const INTEL_CPU_POWER = 'powermetrics-text-cpu_power-intel-MacBookPro15-1-macos14.2.1-GPUActive-line.txt';
const M1_CPU_POWER_ONLY = 'powermetrics-text-cpu_power-only-noGPUsection-M1-MacBookAir10-1-macos12.6.txt';
const SUMMARY = 'powermetrics-text-SUMMARY-header-Mac16-8-macos26-25A362-tasks-cpu_power.txt';

const EXPECTED_COMMAND = 'Expected the output of `sudo powermetrics --samplers gpu_power -i 1000`.';
const NO_GPU_SAMPLER_HINT = `powermetrics ran without the gpu_power sampler: add gpu_power to --samplers. ${EXPECTED_COMMAND}`;

function parseError(run: () => unknown): GpuParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof GpuParseError) return error;
    throw error;
  }
  throw new Error('expected a GpuParseError');
}

describe('parsePowermetricsText on real outputs', () => {
  it('reads the Mac16,6 (M4 Max, macOS 15.5) default-samplers output: one sample from its GPU usage block', () => {
    expect(parsePowermetricsText(readGpuSample(MAC16_6))).toEqual([
      { at: Date.parse('2025-11-08T15:54:21+09:00'), activePercent: 1.63, frequencyMHz: 338, powerW: 0.028 },
    ]);
  });

  it('reads the M1 Pro gpu_power block (no machine preamble)', () => {
    expect(parsePowermetricsText(readGpuSample(M1_PRO))).toEqual([
      { at: Date.parse('2024-05-17T19:21:15-04:00'), activePercent: 8.49, frequencyMHz: 389, powerW: 0.014 },
    ]);
  });

  it('reads the truncated M3 (macOS 26) block, which ends after the residency line: no power', () => {
    expect(parsePowermetricsText(readGpuSample(M3_TRUNCATED))).toEqual([
      { at: Date.parse('2026-02-24T14:58:16-10:00'), activePercent: 22.25, frequencyMHz: 338 },
    ]);
  });

  it('reads Big Sur\'s "GPU active residency" / "GPU active frequency" lines (no "HW")', () => {
    expect(parsePowermetricsText(readGpuSample(BIG_SUR))).toEqual([
      { at: Date.parse('2021-02-28T00:17:04-08:00'), activePercent: 0.54, frequencyMHz: 709, powerW: 0.001 },
      { at: Date.parse('2021-02-28T00:17:05-08:00'), activePercent: 0.51, frequencyMHz: 714, powerW: 0 },
    ]);
  });

  it('reads the Intel gpu_power format: "GPU 0 GPU Busy" and the absolute average active frequency', () => {
    expect(parsePowermetricsText(readGpuSample(INTEL_DERIVED))).toEqual([
      { at: Date.parse('2021-10-30T20:25:28-06:00'), activePercent: 0.72, frequencyMHz: 500 },
    ]);
  });

  it('reads the Intel cpu_power format, where "GPU Active:" in the processor block is the only GPU figure', () => {
    const start = Date.parse('2024-01-15T20:18:34+01:00');
    expect(parsePowermetricsText(readGpuSample(INTEL_CPU_POWER))).toEqual([
      { at: start, activePercent: 4.41 },
      { at: start + 1000, activePercent: 2.97 },
      { at: start + 2000, activePercent: 0 },
      { at: start + 3000, activePercent: 0 },
      { at: start + 4000, activePercent: 0 },
    ]);
  });

  it('refuses the JS-commented VERBATIM copy as it is, and reads it once the SOURCES.md sed step is applied', () => {
    const verbatim = readGpuSample(INTEL_VERBATIM);
    expect(parseError(() => parsePowermetricsText(verbatim)).message).toBe(
      'no "*** Sampled system activity" header in powermetrics text output; ' +
        'the input starts with "// const output = `stdout: Machine model: MacBookPro16,2\\n// SMC version: Unknown"…',
    );
    // sed -e 's#^// ##' -e 's#^//$##' -e '1s#^const output = `stdout: ##' -e '$s#`$##'
    const uncommented = verbatim
      .split('\n')
      .map((line) => line.replace(/^\/\/ /, '').replace(/^\/\/$/, ''))
      .join('\n')
      .replace(/^const output = `stdout: /, '')
      .replace(/`\n$/, '\n');
    expect(uncommented).toBe(readGpuSample(INTEL_DERIVED));
    expect(parsePowermetricsText(uncommented)).toEqual(parsePowermetricsText(readGpuSample(INTEL_DERIVED)));
  });
});

describe('parsePowermetricsText on outputs without GPU figures', () => {
  it('refuses the M1 cpu_power-only output (GPU Power in the processor block, no GPU usage section)', () => {
    const error = parseError(() => parsePowermetricsText(readGpuSample(M1_CPU_POWER_ONLY)));
    expect(error.code).toBe('GPU_OUTPUT_UNPARSEABLE');
    expect(error.message).toBe(
      'powermetrics sample has no GPU figures (no "**** GPU usage ****" section); ' +
        'the input starts with "*** Sampled system activity (Fri Nov 10 12:37:08 2023 +0100) (104.51ms elapsed) "…',
    );
    expect(error.hint).toBe(NO_GPU_SAMPLER_HINT);
  });

  it('refuses the macOS 26 "Summary system activity" capture of cpu_power,tasks', () => {
    const error = parseError(() => parsePowermetricsText(readGpuSample(SUMMARY)));
    expect(error.message).toBe(
      'powermetrics sample has no GPU figures (no "**** GPU usage ****" section); ' +
        'the input starts with "*** Summary system activity (Wed Oct  8 09:59:30 2025 +0200) (10458.15ms elapsed"…',
    );
    expect(error.hint).toBe(NO_GPU_SAMPLER_HINT);
  });
});

describe('parsePowermetricsTextSample', () => {
  it('takes GPU Power from the GPU usage block when the processor block has a different one', () => {
    // Big Sur's first sample with the processor block's figure changed to 6884 mW: the full log has
    // samples where the two differ (6884 vs 6925 mW), the trimmed head does not.
    const [first = ''] = feedChunks(createPowermetricsTextSplitter(), [readGpuSample(BIG_SUR)]);
    const differing = first.replace('GPU Power: 1 mW\nPackage Power', 'GPU Power: 6884 mW\nPackage Power');
    expect(differing).not.toBe(first);
    expect(parsePowermetricsTextSample(differing).powerW).toBe(0.001);
    expect(parsePowermetricsTextSample(differing.replace(/\*\*\*\* GPU usage[\s\S]*$/, 'GPU active residency:  50.00%')).powerW).toBe(6.884);
  });

  it('prefers "GPU HW active residency" over the complement of "GPU idle residency"', () => {
    const block = '*** Sampled system activity (Fri May 17 19:21:15 2024 -0400) (507.81ms elapsed) ***\n' +
      '**** GPU usage ****\nGPU idle residency:  91.00%\nGPU HW active residency:   8.49% (389 MHz: 8.5%)\n';
    expect(parsePowermetricsTextSample(block).activePercent).toBe(8.49);
    expect(parsePowermetricsTextSample(block.replace(/GPU HW active.*\n/, '')).activePercent).toBe(9);
  });

  it('refuses a residency outside 0..100', () => {
    const header = '*** Sampled system activity (Fri May 17 19:21:15 2024 -0400) (507.81ms elapsed) ***\n';
    expect(() => parsePowermetricsTextSample(`${header}GPU HW active residency: -3.00%\n`)).toThrow(
      'GPU HW active residency is -3, outside 0..100; the input starts with "*** Sampled system activity (Fri May 17 19:21:15 2024 -0400) (507.81ms elapsed) "…',
    );
    expect(() => parsePowermetricsTextSample(`${header}GPU idle residency: 100.50%\n`)).toThrow('GPU idle residency is 100.5, outside 0..100');
  });
});

describe('createPowermetricsTextSplitter', () => {
  const streams = [MAC16_6, M1_PRO, M3_TRUNCATED, BIG_SUR, INTEL_DERIVED, INTEL_CPU_POWER, M1_CPU_POWER_ONLY, SUMMARY];

  it.each(streams)('cuts %s into the same blocks whatever the chunking', (name) => {
    const text = readGpuSample(name);
    const whole = feedChunks(createPowermetricsTextSplitter(), [text]);
    for (const seed of [1, 2, 3, 42]) {
      expect(feedChunks(createPowermetricsTextSplitter(), splitIntoRandomChunks(text, seed))).toEqual(whole);
    }
  });

  it('gives the same samples for the Big Sur and Intel cpu_power streams fed in 1..97-character chunks', () => {
    for (const name of [BIG_SUR, INTEL_CPU_POWER]) {
      const blocks = feedChunks(createPowermetricsTextSplitter(), splitIntoRandomChunks(readGpuSample(name), 7));
      expect(blocks.map(parsePowermetricsTextSample)).toEqual(parsePowermetricsText(readGpuSample(name)));
    }
  });

  it('emits a sample as soon as the next header arrives, without waiting for the stream to end', () => {
    const text = readGpuSample(M1_CPU_POWER_ONLY);
    const secondHeader = text.indexOf('*** Sampled system activity', text.indexOf('*** Sampled system activity') + 1);
    const splitter = createPowermetricsTextSplitter();
    expect(splitter.push(text.slice(0, secondHeader))).toEqual([]);
    const [first] = splitter.push(text.slice(secondHeader, secondHeader + 100) + '\n');
    expect(first?.startsWith('*** Sampled system activity (Fri Nov 10 12:37:08 2023 +0100) (104.51ms elapsed) ***')).toBe(true);
    expect(first?.endsWith('Package Power: 1473 mW')).toBe(true);
  });

  it('drops the machine preamble before the first header', () => {
    const [first] = feedChunks(createPowermetricsTextSplitter(), [readGpuSample(MAC16_6)]);
    expect(first?.startsWith('*** Sampled system activity')).toBe(true);
    expect(first).not.toContain('Machine model');
  });
});

describe('parsePowermetricsText on garbage', () => {
  it('refuses empty input', () => {
    const error = parseError(() => parsePowermetricsText(''));
    expect(error.message).toBe('no "*** Sampled system activity" header in powermetrics text output; the input is empty ("")');
    expect(error.hint).toBe(EXPECTED_COMMAND);
  });

  it('refuses an HTML page', () => {
    const error = parseError(() => parsePowermetricsText('<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head></html>\n'));
    expect(error.message).toBe(
      'no "*** Sampled system activity" header in powermetrics text output; ' +
        'the input starts with "<!DOCTYPE html>\\n<html><head><title>502 Bad Gateway</title></head></html>\\n"',
    );
    expect(error.hint).toBe(EXPECTED_COMMAND);
    expect(error.context).toEqual({
      format: 'powermetrics-text',
      command: 'sudo powermetrics --samplers gpu_power -i 1000',
      excerpt: '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head></html>\n',
    });
  });

  it('refuses the message powermetrics prints without root', () => {
    expect(() => parsePowermetricsText('powermetrics must be invoked as the superuser\n')).toThrow(
      'no "*** Sampled system activity" header in powermetrics text output; the input starts with "powermetrics must be invoked as the superuser\\n"',
    );
  });

  it('refuses a header with an unreadable date', () => {
    expect(() => parsePowermetricsTextSample('*** Sampled system activity (yesterday) (5000.00ms elapsed) ***\nGPU HW active residency: 1.00%')).toThrow(
      'powermetrics sample header has an unreadable date "yesterday"; the input starts with "*** Sampled system activity (yesterday) (5000.00ms elapsed) ***\\nGPU HW active re"…',
    );
  });
});
