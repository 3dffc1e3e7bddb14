import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

// Real process groups for the lifecycle tests, and a way to tell that a pid is really gone.

// Group ids, kept after the leader exits: a member that outlived it still belongs to the group.
const groups = new Set<number>();

/** True while `pid` runs; a zombie (exited, not yet reaped by its new parent) counts as gone. */
export function isProcessRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // Format: "<pid> (<comm>) <state> …"; comm may contain spaces, so read after the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** Starts `sh -c script` as the leader of a new process group; its first stdout line is resolved by `firstLine`. */
export function startShellGroup(script: string): { child: ChildProcess; pid: number; firstLine: Promise<string> } {
  const child = spawn('sh', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.pid === undefined) throw new Error('could not spawn sh');
  groups.add(child.pid);
  const firstLine = new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end !== -1) resolve(text.slice(0, end));
    });
    child.once('exit', () => reject(new Error(`sh exited before printing a line: ${script}`)));
  });
  firstLine.catch(() => undefined);
  return { child, pid: child.pid, firstLine };
}

/** For afterEach: SIGKILL every group started here that still has a member. */
export function killStartedGroups(): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the whole group is gone already
    }
  }
  groups.clear();
}
