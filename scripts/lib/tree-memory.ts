import { listPids, readCmdline, readProcStat, readRssKiB, type ProcStat } from '../../src/processes/proc-fs.ts';

/** One process of the tree, as first seen. */
export interface TreeProcess {
  readonly pid: number;
  readonly stat: ProcStat;
  /** Its command line at the last sample (an exec, e.g. sudo → powermetrics, changes it). */
  cmdline: string;
  /** Left out of the sum (the fake ComfyUI, the fake GPU tools). */
  excluded: boolean;
}

export interface TreeMemory {
  readonly peakKiB: number;
  /** The processes that made up the peak, largest first. */
  readonly peakParts: readonly { readonly pid: number; readonly command: string; readonly kib: number }[];
  readonly sampleCount: number;
  /** Every process of the tree that was seen, by pid. */
  readonly processes: ReadonlyMap<number, TreeProcess>;
}

export interface TreeSamplerOptions {
  readonly intervalMs: number;
  /** True for a process that is not the gate's own (matched on the command line). */
  readonly isExcluded: (cmdline: string) => boolean;
}

export interface TreeSampler {
  /** Stops sampling and returns the peak. */
  stop(): TreeMemory;
}

/**
 * Samples the summed VmRSS of `rootPid` and its descendants every `intervalMs`. Only new pids are
 * read for their parent, so a sample costs a /proc listing plus one status read per member.
 */
export function startTreeSampler(rootPid: number, { intervalMs, isExcluded }: TreeSamplerOptions): TreeSampler {
  const members = new Map<number, TreeProcess>();
  const strangers = new Set<number>();
  let peakKiB = 0;
  let peakParts: TreeMemory['peakParts'] = [];
  let sampleCount = 0;

  const discover = () => {
    const fresh = new Map<number, ProcStat>();
    for (const pid of listPids()) {
      if (members.has(pid) || strangers.has(pid)) continue;
      const stat = readProcStat(pid);
      if (stat !== undefined) fresh.set(pid, stat);
    }
    // A child can be listed before its parent joins: settle the new pids until nothing changes.
    for (let changed = true; changed; ) {
      changed = false;
      for (const [pid, stat] of fresh) {
        if (pid !== rootPid && !members.has(stat.ppid)) continue;
        members.set(pid, { pid, stat, cmdline: '', excluded: false });
        fresh.delete(pid);
        changed = true;
      }
    }
    for (const pid of fresh.keys()) strangers.add(pid);
  };

  const sample = () => {
    discover();
    sampleCount += 1;
    const parts: { pid: number; command: string; kib: number }[] = [];
    for (const member of members.values()) {
      const kib = readRssKiB(member.pid);
      if (kib === undefined) continue;
      member.cmdline = readCmdline(member.pid) || member.cmdline;
      member.excluded ||= isExcluded(member.cmdline);
      if (!member.excluded) parts.push({ pid: member.pid, command: member.cmdline, kib });
    }
    const total = parts.reduce((sum, part) => sum + part.kib, 0);
    if (total > peakKiB) {
      peakKiB = total;
      peakParts = parts.sort((a, b) => b.kib - a.kib);
    }
  };

  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { peakKiB, peakParts, sampleCount, processes: members };
    },
  };
}
