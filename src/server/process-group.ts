import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

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

/** True while any process of the group is alive. */
export function isGroupAlive(pid: number): boolean {
  return signalGroup(pid, 0 as unknown as NodeJS.Signals);
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
