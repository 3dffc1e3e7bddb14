import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeExit, isGroupAlive, signalGroup, stopGroup, waitForExit } from '../../../src/processes/process-group.ts';
import { isProcessRunning, killStartedGroups, startShellGroup } from './processes.ts';

afterEach(() => {
  killStartedGroups();
});

/** Waits (bounded) until the kernel has finished a process that was just sent SIGKILL. */
async function expectGone(pid: number): Promise<void> {
  await vi.waitFor(() => expect(isProcessRunning(pid), `pid ${pid} still runs`).toBe(false), { timeout: 2000, interval: 10 });
}

describe('stopGroup', () => {
  it('ends a group that stops on SIGTERM without waiting for the grace period', async () => {
    const group = startShellGroup('sleep 30 & echo $!; wait');
    const sleeper = Number(await group.firstLine);
    const startedAt = performance.now();
    expect(await stopGroup(group.child, 5000)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(performance.now() - startedAt).toBeLessThan(2000);
    await expectGone(sleeper);
  });

  it('SIGKILLs the whole group after the grace period when SIGTERM is ignored, grandchild included', async () => {
    // The trap makes sh ignore SIGTERM, and the background sleep inherits that.
    const group = startShellGroup('trap "" TERM; sleep 30 & echo $!; wait');
    const sleeper = Number(await group.firstLine);
    expect(isProcessRunning(sleeper)).toBe(true);
    const startedAt = performance.now();
    expect(await stopGroup(group.child, 300)).toEqual({ code: null, signal: 'SIGKILL' });
    const tookMs = performance.now() - startedAt;
    expect(tookMs).toBeGreaterThanOrEqual(290);
    expect(tookMs).toBeLessThan(3000);
    await expectGone(sleeper);
  });

  it('also kills members that outlive a leader which obeyed SIGTERM', async () => {
    const group = startShellGroup('(trap "" TERM; exec sleep 30) & echo $!; wait');
    const survivor = Number(await group.firstLine);
    const startedAt = performance.now();
    expect(await stopGroup(group.child, 5000)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(performance.now() - startedAt).toBeLessThan(2000);
    await expectGone(survivor);
  });

  it('returns the exit of a process that has already ended', async () => {
    const child = spawn('sh', ['-c', 'exit 3'], { detached: true, stdio: 'ignore' });
    await once(child, 'exit');
    expect(await stopGroup(child, 100)).toEqual({ code: 3, signal: null });
    expect(await waitForExit(child)).toEqual({ code: 3, signal: null });
  });
});

describe('signalGroup / isGroupAlive', () => {
  it('signals a live group and says false once it is gone', async () => {
    const group = startShellGroup('echo ready; exec sleep 30');
    await group.firstLine;
    expect(isGroupAlive(group.pid)).toBe(true);
    expect(signalGroup(group.pid, 'SIGKILL')).toBe(true);
    expect(await waitForExit(group.child)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(signalGroup(group.pid, 'SIGTERM')).toBe(false);
    expect(isGroupAlive(group.pid)).toBe(false);
  });
});

describe('describeExit', () => {
  it('says how a process ended', () => {
    expect(describeExit({ code: 1, signal: null })).toBe('exit code 1');
    expect(describeExit({ code: 0, signal: null })).toBe('exit code 0');
    expect(describeExit({ code: null, signal: 'SIGKILL' })).toBe('signal SIGKILL');
    expect(describeExit({ code: null, signal: null })).toBe('exit code unknown');
  });
});
