import { describe, expect, it } from 'vitest';
import { describeCommandFailure, getLastLine } from '../../../src/doctor/describe-command.ts';
import type { CommandResult } from '../../../src/processes/run-command.ts';

const DONE: CommandResult = { command: 'sw_vers -productVersion', stdout: '15.5', stderr: '', exitCode: 0, signal: undefined, durationMs: 5 };

describe('describeCommandFailure', () => {
  it('is undefined for a command that exited 0', () => {
    expect(describeCommandFailure('sw_vers', DONE, 3000)).toBeUndefined();
  });

  it('names each way a command can fail', () => {
    expect(describeCommandFailure('sw_vers', { ...DONE, exitCode: undefined, failure: 'not-found' }, 3000)).toBe('sw_vers: command not found');
    expect(describeCommandFailure('sw_vers', { ...DONE, exitCode: undefined, failure: 'not-executable' }, 3000)).toBe('sw_vers: not executable');
    expect(describeCommandFailure('sudo -n powermetrics', { ...DONE, exitCode: undefined, signal: 'SIGKILL', failure: 'timed-out' }, 5000)).toBe(
      'sudo -n powermetrics did not finish within 5 s',
    );
    expect(describeCommandFailure('python', { ...DONE, failure: 'too-much-output' }, 3000)).toBe('python printed far more than expected');
    expect(describeCommandFailure('python', { ...DONE, exitCode: undefined, signal: 'SIGSEGV' }, 3000)).toBe('python was killed by SIGSEGV');
  });

  it('quotes the last stderr line of a non-zero exit, sanitised', () => {
    const result = { ...DONE, exitCode: 1, stderr: 'Traceback (most recent call last):\n  File "x"\n\u001b[31mImportError: nope\u001b[0m\n\n' };
    expect(describeCommandFailure('python -c <probe>', result, 3000)).toBe('python -c <probe> exited with code 1: ImportError: nope');
    expect(describeCommandFailure('sysctl', { ...DONE, exitCode: 1 }, 3000)).toBe('sysctl exited with code 1');
  });
});

describe('getLastLine', () => {
  it('skips trailing blank lines and trims', () => {
    expect(getLastLine('a\r\n  b  \n\n')).toBe('b');
    expect(getLastLine('')).toBe('');
  });
});
