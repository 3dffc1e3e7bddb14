import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signalGroup } from './process-group.ts';
import { getStateDir } from '../run-record/run-state.ts';

/**
 * Process groups started by spec workers (GPU samplers). The main process kills whatever is
 * still listed here when it ends, so a worker that dies cannot leave a sampler running.
 */
function getRegistryDir(reportDir: string): string {
  return join(getStateDir(reportDir), 'children');
}

/** Lists a process group the gate started. */
export function registerChild(reportDir: string, pid: number): void {
  const dir = getRegistryDir(reportDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, String(pid)), '');
}

/** Forgets a process group once it has been stopped. */
export function unregisterChild(reportDir: string, pid: number): void {
  rmSync(join(getRegistryDir(reportDir), String(pid)), { force: true });
}

/** Sends a signal to every listed process group; returns the pids signalled. */
export function signalRegisteredChildren(reportDir: string, signal: NodeJS.Signals): number[] {
  let names: string[];
  try {
    names = readdirSync(getRegistryDir(reportDir));
  } catch {
    return [];
  }
  const pids = names.map(Number).filter((pid) => Number.isInteger(pid) && pid > 1);
  return pids.filter((pid) => signalGroup(pid, signal));
}
