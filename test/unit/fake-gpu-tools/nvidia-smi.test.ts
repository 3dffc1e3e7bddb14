import { afterEach, describe, expect, it } from 'vitest';
import { killAllFakes, readFixture, runFake, startFake, terminate } from './fake-process.ts';

const QUERY = '--query-gpu=timestamp,utilization.gpu,memory.used,power.draw,clocks.sm';
const CSV_ARGS = [QUERY, '--format=csv,noheader,nounits', '-lms', '200'];
const TIMESTAMP = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{3}$/;
const recordedRows = (path: string) =>
  readFixture(path)
    .trimEnd()
    .split('\n')
    .map((line) => line.split(', '));
/** Lines 108.. of the cuda recording: where the generation ran. */
const ACTIVE_ROWS = recordedRows('recordings/0.3.64-cuda/nvidia-smi.csv').slice(107, 165);
const FLAT_ROWS = recordedRows('recordings/0.3.64-cpu/nvidia-smi.csv');

const parseRows = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(', '));

/** nvidia-smi timestamps are local time; this reads one back as epoch ms. */
const parseTimestamp = (text: string) => {
  const [day = '', time = ''] = text.split(' ');
  const [year, month, date] = day.split('/').map(Number);
  const [hours, minutes, seconds] = time.split(':').map(Number);
  return new Date(year!, month! - 1, date, hours, minutes, Math.floor(seconds!), Math.round((seconds! % 1) * 1000)).getTime();
};

afterEach(killAllFakes);

describe('fake nvidia-smi', () => {
  it('replays the recorded generation one line per interval, the first at once, stamped now', async () => {
    const fake = startFake('nvidia-smi', CSV_ARGS);
    await fake.waitForStdout('4 CSV lines', (stdout) => stdout.split('\n').length > 4, 3000);
    const { exit, tookMs } = await terminate(fake);
    const rows = parseRows(fake.getStdout());

    expect(rows.map((row) => row.slice(1))).toEqual(ACTIVE_ROWS.slice(0, rows.length).map((row) => row.slice(1)));
    expect(rows.slice(0, 3).map((row) => row[1])).toEqual(['4', '23', '25']);
    const stamps = rows.map((row) => parseTimestamp(row[0] ?? ''));
    for (const row of rows) expect(row[0]).toMatch(TIMESTAMP);
    expect(Math.abs(stamps[0]! - Date.now())).toBeLessThan(3000);
    stamps.slice(1).forEach((stamp, index) => {
      expect(stamp - stamps[index]!).toBeGreaterThan(120);
      expect(stamp - stamps[index]!).toBeLessThan(300);
    });
    expect(exit.signal).toBe('SIGTERM');
    expect(tookMs).toBeLessThan(500);
  });

  it('puts the requested columns in the requested order, with units and a header unless told not to', async () => {
    const result = await runFake('nvidia-smi', ['--query-gpu=power.draw,clocks.sm,utilization.gpu,memory.used', '--format=csv']);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('power.draw [W], clocks.current.sm [MHz], utilization.gpu [%], memory.used [MiB]\n141.54 W, 1980 MHz, 4 %, 2845 MiB\n');
  });

  it('replays the flat CPU-only recording in flat mode', async () => {
    const fake = startFake('nvidia-smi', [...CSV_ARGS.slice(0, 2), '-lms', '50'], { FAKE_GPU_MODE: 'flat' });
    await fake.waitForStdout('5 CSV lines', (stdout) => stdout.split('\n').length > 5, 3000);
    const rows = parseRows(fake.getStdout());

    expect(rows.map((row) => row.slice(1))).toEqual(FLAT_ROWS.slice(0, rows.length).map((row) => row.slice(1)));
    expect(new Set(rows.map((row) => row[1]))).toEqual(new Set(['0']));
  });

  it('writes 2 lines, then an error, and exits 1 in crash mode', async () => {
    const result = await runFake('nvidia-smi', [...CSV_ARGS.slice(0, 2), '-lms', '50'], { FAKE_GPU_MODE: 'crash' });

    expect(result.code).toBe(1);
    expect(parseRows(result.stdout)).toHaveLength(2);
    expect(result.stderr).toBe('nvidia-smi: simulated crash after 2 samples (FAKE_GPU_MODE=crash)\n');
  });

  it('answers the presence probes: the summary table and -L', async () => {
    const table = await runFake('nvidia-smi', []);
    const list = await runFake('nvidia-smi', ['-L']);

    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} {7}$/);
    expect(table.stdout).toContain('| NVIDIA-SMI 580.173.02             Driver Version: 580.173.02     CUDA Version: 13.0     |');
    expect(table.stdout).toContain('|   0  NVIDIA H200                    On  |');
    expect(list).toMatchObject({ code: 0, stdout: 'GPU 0: NVIDIA H200 (UUID: GPU-00000000-0000-0000-0000-000000000000)\n' });
  });

  it('rejects unrecorded fields and bad arguments with the real messages', async () => {
    const field = await runFake('nvidia-smi', ['--query-gpu=utilization.gpu,temperature.gpu', '--format=csv']);
    const noFormat = await runFake('nvidia-smi', ['--query-gpu=utilization.gpu']);

    expect(field).toMatchObject({ code: 2, stdout: 'Field "temperature.gpu" is not a valid field to query.\n\n' });
    expect(noFormat).toMatchObject({
      code: 2,
      stdout: '',
      stderr: "Invalid combination of input arguments. Please run 'nvidia-smi -h' for help.\n",
    });
  });
});
