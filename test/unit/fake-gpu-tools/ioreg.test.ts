import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killAllFakes, readFixture, runFake } from './fake-process.ts';

const IOREG_ARGS = ['-r', '-d', '1', '-w', '0', '-c', 'IOAccelerator'];
const REAL_ENTRY = readFixture('gpu-samples/ioreg-r-d1-w0-c-IOAccelerator-M1Pro-t6000-macos12.6-PARTIAL.FROM-ISSUE-stats-1094.txt');
const ACTIVE_BUSY_PERCENT = [72, 88, 95, 61, 83, 90, 67, 78];

/** The real entry with the three utilisation figures set to `percent`, plus the closing lines the excerpt lacks. */
const getExpectedEntry = (percent: number) =>
  `${REAL_ENTRY.replace(/"(Device|Renderer|Tiler) Utilization %"=\d+/g, (match) => match.replace(/\d+$/, String(percent)))}    }\n    \n`;

const getDeviceUtilization = (stdout: string) => Number(/"Device Utilization %"=(\d+)/.exec(stdout)?.[1]);

afterEach(killAllFakes);

describe('fake ioreg', () => {
  it('prints the real entry with an active utilisation from the cycle, varying between polls', async () => {
    const first = await runFake('ioreg', IOREG_ARGS);
    await new Promise((resolve) => setTimeout(resolve, 260));
    const second = await runFake('ioreg', IOREG_ARGS);
    const [firstPercent, secondPercent] = [getDeviceUtilization(first.stdout), getDeviceUtilization(second.stdout)];

    expect(first.code).toBe(0);
    expect(ACTIVE_BUSY_PERCENT).toContain(firstPercent);
    expect(ACTIVE_BUSY_PERCENT).toContain(secondPercent);
    expect(secondPercent).not.toBe(firstPercent);
    expect(first.stdout).toBe(getExpectedEntry(firstPercent));
  });

  it('picks the cycle step from FAKE_GPU_EPOCH_MS', async () => {
    // 2 steps of 250 ms plus a margin for start-up: the poll lands in step 2 or, if slow, step 3.
    const result = await runFake('ioreg', IOREG_ARGS, { FAKE_GPU_EPOCH_MS: String(Date.now() - 500) });

    expect([95, 61]).toContain(getDeviceUtilization(result.stdout));
  });

  it('reports 0 % in flat mode', async () => {
    const result = await runFake('ioreg', IOREG_ARGS, { FAKE_GPU_MODE: 'flat' });

    expect(result.stdout).toBe(getExpectedEntry(0));
  });

  it('stays at 0 % before FAKE_GPU_ACTIVE_AFTER_MS, and refuses that knob without an epoch', async () => {
    const early = await runFake('ioreg', IOREG_ARGS, { FAKE_GPU_ACTIVE_AFTER_MS: '60000', FAKE_GPU_EPOCH_MS: String(Date.now()) });
    const late = await runFake('ioreg', IOREG_ARGS, { FAKE_GPU_ACTIVE_AFTER_MS: '1000', FAKE_GPU_EPOCH_MS: String(Date.now() - 5000) });
    const noEpoch = await runFake('ioreg', IOREG_ARGS, { FAKE_GPU_ACTIVE_AFTER_MS: '1000' });

    expect(getDeviceUtilization(early.stdout)).toBe(0);
    expect(ACTIVE_BUSY_PERCENT).toContain(getDeviceUtilization(late.stdout));
    expect(noEpoch.code).toBe(2);
    expect(noEpoch.stderr).toMatch(/^fake ioreg: FAKE_GPU_ACTIVE_AFTER_MS needs FAKE_GPU_EPOCH_MS/);
  });

  it('clips lines to -w, prints nothing for a class with no entry, and rejects unknown flags', async () => {
    const clipped = await runFake('ioreg', ['-rd1', '-w', '40', '-cIOAccelerator']);
    const otherClass = await runFake('ioreg', ['-r', '-d', '1', '-c', 'IOUSBHostDevice']);
    const unknown = await runFake('ioreg', ['-z']);

    expect(Math.max(...clipped.stdout.split('\n').map((line) => line.length))).toBe(40);
    expect(otherClass).toMatchObject({ code: 0, stdout: '' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.split('\n')[0]).toBe('ioreg: illegal option -- z');
  });

  it('fails every poll in crash mode once 500 ms have passed since the epoch', async () => {
    const early = await runFake('ioreg', IOREG_ARGS, { FAKE_GPU_MODE: 'crash', FAKE_GPU_EPOCH_MS: String(Date.now()) });
    const late = await runFake('ioreg', IOREG_ARGS, { FAKE_GPU_MODE: 'crash', FAKE_GPU_EPOCH_MS: String(Date.now() - 600) });

    expect(early.code).toBe(0);
    expect(late).toMatchObject({ code: 1, stdout: '', stderr: 'ioreg: simulated crash (FAKE_GPU_MODE=crash)\n' });
  });

  it('appends one JSON line per poll to FAKE_GPU_LOG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-ioreg-log-'));
    const logFile = join(dir, 'calls.log');
    try {
      const first = await runFake('ioreg', IOREG_ARGS, { FAKE_GPU_LOG: logFile });
      const second = await runFake('ioreg', ['-r', '-c', 'IOAccelerator'], { FAKE_GPU_LOG: logFile });
      const lines = readFileSync(logFile, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown);

      expect([first.code, second.code]).toEqual([0, 0]);
      expect(lines).toEqual([
        { tool: 'ioreg', pid: expect.any(Number), argv: IOREG_ARGS },
        { tool: 'ioreg', pid: expect.any(Number), argv: ['-r', '-c', 'IOAccelerator'] },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
