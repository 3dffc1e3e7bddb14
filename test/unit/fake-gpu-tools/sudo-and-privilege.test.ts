import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killAllFakes, runFake } from './fake-process.ts';

const SAMPLE_ONCE = ['--samplers', 'gpu_power', '-i', '100', '-n', '1', '-f', 'plist'];
const NOT_SUPERUSER = 'powermetrics must be invoked as the superuser\n';
const PASSWORD_REQUIRED = 'sudo: a password is required\n';
const logDir = mkdtempSync(join(tmpdir(), 'fake-gpu-log-'));

interface LogLine {
  tool: string;
  pid: number;
  argv: string[];
}

const readLog = (file: string): LogLine[] =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as LogLine);

afterEach(killAllFakes);
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

describe('fake powermetrics privileges', () => {
  it('refuses a non-root caller with the real message', async () => {
    const result = await runFake('powermetrics', SAMPLE_ONCE, { FAKE_GPU_ROOT: '0' });

    expect(result).toMatchObject({ code: 1, stdout: '', stderr: NOT_SUPERUSER });
  });

  it('treats the caller as non-root in denied mode unless FAKE_GPU_ROOT=1', async () => {
    const denied = await runFake('powermetrics', SAMPLE_ONCE, { FAKE_GPU_MODE: 'denied' });
    const forcedRoot = await runFake('powermetrics', SAMPLE_ONCE, { FAKE_GPU_MODE: 'denied', FAKE_GPU_ROOT: '1' });

    expect(denied).toMatchObject({ code: 1, stderr: NOT_SUPERUSER });
    expect(forcedRoot.code).toBe(0);
    expect(forcedRoot.stdout).toContain('<key>idle_ratio</key><real>0.28</real>');
  });
});

describe('fake sudo', () => {
  it('execs the command as root with -n: same pid, same argv, logged by both', async () => {
    const logFile = join(logDir, 'pass-through.log');
    const result = await runFake('sudo', ['-n', 'powermetrics', ...SAMPLE_ONCE], { FAKE_GPU_ROOT: '0', FAKE_GPU_LOG: logFile });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('<key>gpu</key>');
    const [sudoLine, powermetricsLine, ...rest] = readLog(logFile);
    expect(rest).toEqual([]);
    expect(sudoLine).toMatchObject({ tool: 'sudo', argv: ['-n', 'powermetrics', ...SAMPLE_ONCE] });
    expect(powermetricsLine).toEqual({ tool: 'powermetrics', pid: sudoLine?.pid, argv: SAMPLE_ONCE });
  });

  it('answers the probe `sudo -n true` with exit 0', async () => {
    expect(await runFake('sudo', ['-n', 'true'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('denies -n in denied mode with the real one-line message', async () => {
    const logFile = join(logDir, 'denied.log');
    const result = await runFake('sudo', ['-n', 'powermetrics', ...SAMPLE_ONCE], { FAKE_GPU_MODE: 'denied', FAKE_GPU_LOG: logFile });

    expect(result).toMatchObject({ code: 1, stdout: '', stderr: PASSWORD_REQUIRED });
    expect(readLog(logFile).map((line) => line.tool)).toEqual(['sudo']);
  });

  it('refuses to prompt without -n, in every mode', async () => {
    const result = await runFake('sudo', ['powermetrics', ...SAMPLE_ONCE]);

    expect(result).toMatchObject({
      code: 1,
      stderr:
        'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\n' +
        PASSWORD_REQUIRED,
    });
  });

  it('reports a command missing from PATH', async () => {
    expect(await runFake('sudo', ['-n', 'no-such-tool'])).toMatchObject({ code: 1, stderr: 'sudo: no-such-tool: command not found\n' });
  });

  it('rejects an unknown FAKE_GPU_MODE instead of guessing', async () => {
    const result = await runFake('sudo', ['-n', 'true'], { FAKE_GPU_MODE: 'broken' });

    expect(result).toMatchObject({ code: 2, stderr: "fake sudo: FAKE_GPU_MODE must be one of active|flat|denied|crash, got 'broken'\n" });
  });
});

describe('crash mode', () => {
  it('powermetrics writes 2 records, then an error, and exits 1', async () => {
    const result = await runFake('powermetrics', ['--samplers', 'gpu_power', '-i', '100', '-f', 'plist'], {
      FAKE_GPU_ROOT: '1',
      FAKE_GPU_MODE: 'crash',
    });

    expect(result.code).toBe(1);
    expect(result.stdout.split('\0')).toHaveLength(2);
    expect(result.stdout.endsWith('</plist>\n')).toBe(true);
    expect(result.stderr).toBe('powermetrics: simulated crash after 2 samples (FAKE_GPU_MODE=crash)\n');
  });

  it('dies by FAKE_GPU_CRASH_SIGNAL when one is set', async () => {
    const result = await runFake('powermetrics', ['--samplers', 'gpu_power', '-i', '100'], {
      FAKE_GPU_ROOT: '1',
      FAKE_GPU_MODE: 'crash',
      FAKE_GPU_CRASH_SIGNAL: 'SIGSEGV',
    });

    expect(result).toMatchObject({ code: null, signal: 'SIGSEGV', stderr: '' });
    expect(result.stdout.split('*** Sampled system activity')).toHaveLength(3);
  });
});
