import { readdirSync, readFileSync } from 'node:fs';

// Linux /proc readers for the bench and chaos scripts. Every reader returns undefined for a
// process that is gone: processes end between listing /proc and reading their files.

/** USER_HZ: the unit of utime/stime/starttime in /proc/<pid>/stat; 100 on every Linux the gate runs on. */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** R, S, D, Z, … */
  readonly state: string;
  readonly utimeTicks: number;
  readonly stimeTicks: number;
  /** Clock ticks after boot at which the process started. */
  readonly startTicks: number;
}

/** Numeric entries of /proc: every process there is right now. */
export function listPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** /proc/<pid>/stat, parsed; undefined when the process is gone. */
export function readProcStat(pid: number): ProcStat | undefined {
  const text = readOrUndefined(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (index: number) => Number(fields[index]);
  return { pid, state: fields[0] ?? '?', ppid: field(1), utimeTicks: field(11), stimeTicks: field(12), startTicks: field(19) };
}

/** Resident memory from /proc/<pid>/status (VmRSS), in KiB; undefined when gone or a zombie. */
export function readRssKiB(pid: number): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readOrUndefined(`/proc/${pid}/status`) ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** The command line with spaces between arguments; '' when gone. */
export function readCmdline(pid: number): string {
  return (readOrUndefined(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ').trim();
}

/** The environment variables a process started with, as `NAME=value` strings; [] when gone or not readable. */
export function readEnviron(pid: number): string[] {
  return (readOrUndefined(`/proc/${pid}/environ`) ?? '').split('\0').filter((entry) => entry !== '');
}

/** Epoch ms of the machine's boot, to place a process's start ticks on the wall clock (±10 ms). */
export function getBootEpochMs(): number {
  const uptimeS = Number((readOrUndefined('/proc/uptime') ?? '0').split(' ')[0]);
  return Date.now() - uptimeS * 1000;
}

/** Epoch ms at which a process started, from its stat start ticks. */
export function getStartEpochMs(stat: Pick<ProcStat, 'startTicks'>, bootEpochMs: number): number {
  return bootEpochMs + (stat.startTicks * 1000) / CLOCK_TICKS_PER_SECOND;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}
