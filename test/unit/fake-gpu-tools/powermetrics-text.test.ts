import { afterEach, describe, expect, it } from 'vitest';
import { killAllFakes, readFixture, runFake } from './fake-process.ts';

const TEXT_ARGS = ['--samplers', 'gpu_power', '-i', '100'];
const AS_ROOT = { FAKE_GPU_ROOT: '1' };
const REAL_BLOCK = readFixture('gpu-samples/powermetrics-text-gpu_power-M1Pro-2024-GPUblock.FROM-ISSUE-applegpuinfo-7.txt');
const SAMPLE_HEADER = /^\*\*\* Sampled system activity \((\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}) [+-]\d{4}\) \((\d+\.\d\d)ms elapsed\) \*\*\*$/;

/** A line with its numbers and run-lengths of spaces normalised, to compare shapes. */
const getShape = (line: string) =>
  line
    .replace(/\(\w{3} \w{3} +\d+ [\d:]+ \d{4} [+-]\d{4}\)/, '(DATE)')
    .replace(/\d*\.?\d+/g, '#')
    .replace(/ +/g, ' ');

const getSamples = (stdout: string) =>
  stdout
    .split('*** Sampled')
    .slice(1)
    .map((sample) => `*** Sampled${sample}`);

afterEach(killAllFakes);

describe('fake powermetrics text format', () => {
  it('prints the machine header once, then samples shaped like the real M1 Pro GPU block', async () => {
    const result = await runFake('powermetrics', [...TEXT_ARGS, '-n', '2'], AS_ROOT);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Machine model: MacBookPro18,3\nOS version: 23F79\nBoot arguments: \nBoot time: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n\n\n\n\*\*\* Sampled/,
    );
    const samples = getSamples(result.stdout);
    expect(samples).toHaveLength(2);
    for (const sample of samples) {
      expect(sample.endsWith('mW\n\n\n\n')).toBe(true);
      const lines = sample.trimEnd().split('\n');
      expect(lines.map(getShape)).toEqual(REAL_BLOCK.trimEnd().split('\n').map(getShape));
      const elapsedMs = Number(SAMPLE_HEADER.exec(lines[0] ?? '')?.[2]);
      expect(elapsedMs).toBeGreaterThan(50);
      expect(elapsedMs).toBeLessThan(200);
    }
  });

  it('writes the active cycle with residencies that add up', async () => {
    const result = await runFake('powermetrics', [...TEXT_ARGS, '-n', '2'], AS_ROOT);
    const [first, second] = getSamples(result.stdout).map((sample) => sample.split('\n').slice(5, 11));

    expect(first).toEqual([
      'GPU HW active frequency: 1150 MHz',
      'GPU HW active residency:  72.00% (389 MHz: 3.6% 486 MHz:   0% 648 MHz:   0% 778 MHz: 7.2% 972 MHz:  11% 1296 MHz:  50%)',
      'GPU SW requested state: (P1 : 5.0% P2 :   0% P3 :   0% P4 :  10% P5 :  15% P6 :  70%)',
      'GPU SW state: (SW_P1 : 3.6% SW_P2 :   0% SW_P3 :   0% SW_P4 : 7.2% SW_P5 :  11% SW_P6 :  50%)',
      'GPU idle residency:  28.00%',
      'GPU Power: 10080 mW',
    ]);
    expect(second?.[1]).toMatch(/^GPU HW active residency: {2}88\.00% /);
    expect(second?.[4]).toBe('GPU idle residency:  12.00%');
    expect(second?.[5]).toBe('GPU Power: 12320 mW');
  });

  it('writes an idle GPU in flat mode', async () => {
    const result = await runFake('powermetrics', [...TEXT_ARGS, '-n', '1'], { ...AS_ROOT, FAKE_GPU_MODE: 'flat' });
    const lines = getSamples(result.stdout)[0]?.split('\n').slice(5, 11);

    expect(lines).toEqual([
      'GPU HW active frequency: 0 MHz',
      'GPU HW active residency:   0.00% (389 MHz:   0% 486 MHz:   0% 648 MHz:   0% 778 MHz:   0% 972 MHz:   0% 1296 MHz:   0%)',
      'GPU SW requested state: (P1 :   0% P2 :   0% P3 :   0% P4 :   0% P5 :   0% P6 :   0%)',
      'GPU SW state: (SW_P1 :   0% SW_P2 :   0% SW_P3 :   0% SW_P4 :   0% SW_P5 :   0% SW_P6 :   0%)',
      'GPU idle residency: 100.00%',
      'GPU Power: 0 mW',
    ]);
  });

  it('accepts the long and attached spellings of the real flags', async () => {
    const result = await runFake('powermetrics', ['--samplers=gpu_power', '-i100', '--sample-count=1', '--format', 'text'], AS_ROOT);

    expect(result.code).toBe(0);
    expect(getSamples(result.stdout)).toHaveLength(1);
  });

  it('rejects an unknown flag and samplers it has no recording of', async () => {
    const unknown = await runFake('powermetrics', ['--samplers', 'gpu_power', '--bogus'], AS_ROOT);
    const cpu = await runFake('powermetrics', ['--samplers', 'cpu_power,gpu_power', '-n', '1'], AS_ROOT);

    expect(unknown.code).toBe(1);
    expect(unknown.stderr.split('\n')[0]).toBe("powermetrics: unrecognized option `--bogus'");
    expect(cpu.code).toBe(2);
    expect(cpu.stderr).toBe("fake powermetrics: only --samplers gpu_power has recorded output (got 'cpu_power,gpu_power')\n");
    expect(cpu.stdout).toBe('');
  });
});
