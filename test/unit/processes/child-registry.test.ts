import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerChild, signalRegisteredChildren, unregisterChild } from '../../../src/processes/child-registry.ts';
import { getStateDir } from '../../../src/run-record/run-state.ts';

let reportDir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  reportDir = mkdtempSync(join(tmpdir(), 'gate-children-'));
});

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  rmSync(reportDir, { recursive: true, force: true });
});

/** A detached `sleep 30`: the leader of its own process group, like a GPU sampler. */
function startSleeper(): { child: ChildProcess; pid: number } {
  const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  children.push(child);
  if (child.pid === undefined) throw new Error('could not spawn sleep');
  return { child, pid: child.pid };
}

const registryDir = () => join(getStateDir(reportDir), 'children');

// Signal 0 only checks that the group exists: were the pid filter broken, a real signal to
// "group" -1 or 0 would reach every process on the machine.
const PROBE = 0 as unknown as NodeJS.Signals;

describe('child registry', () => {
  it('lists a group and kills it when asked', async () => {
    const { child, pid } = startSleeper();
    const exited = once(child, 'exit');
    registerChild(reportDir, pid);
    expect(readdirSync(registryDir())).toEqual([String(pid)]);

    expect(signalRegisteredChildren(reportDir, 'SIGKILL')).toEqual([pid]);
    expect(await exited).toEqual([null, 'SIGKILL']);
  });

  it('forgets a group once it is unregistered', async () => {
    const { child, pid } = startSleeper();
    registerChild(reportDir, pid);
    unregisterChild(reportDir, pid);
    expect(readdirSync(registryDir())).toEqual([]);
    expect(signalRegisteredChildren(reportDir, 'SIGKILL')).toEqual([]);
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    // Unregistering twice is harmless.
    expect(() => unregisterChild(reportDir, pid)).not.toThrow();
  });

  it('returns only the groups it could signal', async () => {
    const { child, pid } = startSleeper();
    registerChild(reportDir, pid);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(signalRegisteredChildren(reportDir, PROBE)).toEqual([]);
  });

  it('ignores entries that are not pids, and pid 1', () => {
    mkdirSync(registryDir(), { recursive: true });
    for (const name of ['1', '0', '-1', 'sampler', '12.5']) writeFileSync(join(registryDir(), name), '');
    expect(signalRegisteredChildren(reportDir, PROBE)).toEqual([]);
  });

  it('returns [] when nothing was ever registered', () => {
    expect(signalRegisteredChildren(reportDir, 'SIGKILL')).toEqual([]);
  });
});
