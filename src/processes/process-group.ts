import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Sends a signal to a whole process group; false when the group is already gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while any process of the group is alive; zombies (dead, not yet reaped) do not count. */
export function isGroupAlive(pid: number): boolean {
  if (!signalGroup(pid, 0 as unknown as NodeJS.Signals)) return false;
  // An orphan that died waits for init to reap it, and some container inits never do: on Linux
  // ask /proc whether a member is still running. Elsewhere the kill(0) answer stands.
  if (!existsSync('/proc/self/stat')) return true;
  return readdirSync('/proc').some((name) => /^\d+$/.test(name) && isLiveMember(name, pid));
}

function isLiveMember(procPid: string, group: number): boolean {
  try {
    // Fields after the command name: state, ppid, pgrp, …
    const fields = readFileSync(`/proc/${procPid}/stat`, 'latin1').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[2]) === group && fields[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Resolves when the child has exited (at once if it already has). */
export async function waitForExit(child: ChildProcess): Promise<ExitInfo> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}

/**
 * Stops a process group: SIGTERM, then SIGKILL after `graceMs`; also sweeps group members that
 * outlive the leader (a server's helpers must not keep the port or the GPU).
 */
export async function stopGroup(child: ChildProcess, graceMs: number): Promise<ExitInfo> {
  const pid = child.pid;
  if (pid === undefined) return { code: child.exitCode, signal: child.signalCode };
  signalGroup(pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
  try {
    return await waitForExit(child);
  } finally {
    clearTimeout(timer);
    signalGroup(pid, 'SIGKILL');
  }
}

/** Describes how a process ended, e.g. "exit code 1" or "signal SIGKILL". */
export function describeExit({ code, signal }: ExitInfo): string {
  return signal === null ? `exit code ${code ?? 'unknown'}` : `signal ${signal}`;
}
