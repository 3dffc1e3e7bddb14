import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readState, type SetupRecord } from '../../src/run-record/run-state.ts';
import type { BenchmarkReport } from '../../src/truths/benchmark-report.ts';
import { waitForLeftovers } from '../../fixtures/tagged-processes.ts';
import { getBenchRunFigures, type BenchRunFigures } from './bench-figures.ts';
import { readEvents } from './events-file.ts';
import { startGateProcess, type GateProcess } from './gate-process.ts';
import { getBootEpochMs, getStartEpochMs } from '../../src/processes/proc-fs.ts';
import { startTreeSampler, type TreeMemory } from './tree-memory.ts';

/** The fake's own processes: left out of the gate's memory, and the fake's start marks its boot. */
const FAKE_PROCESS = /fixtures\/fake-(comfyui|gpu-tools)\//;
const FAKE_SERVER = /fixtures\/fake-comfyui\/(server\.ts|install\/venv\/bin\/python)/;
const RSS_INTERVAL_MS = 50;
const RUN_DEADLINE_MS = 120_000;

export interface BenchRun {
  readonly figures: BenchRunFigures;
  readonly memory: TreeMemory;
  /** Tagged processes still alive 5 s after npm exited. */
  readonly leftovers: readonly string[];
}

/** Runs `npm test` once against the fakes with these knobs and measures it; the report folder is removed after. */
export async function runBenchOnce(env: Readonly<Record<string, string>>, onStart: (gate: GateProcess) => void): Promise<BenchRun> {
  const bootEpochMs = getBootEpochMs();
  const gate = await startGateProcess({ env, label: 'gate-bench' });
  onStart(gate);
  const sampler = startTreeSampler(gate.pid, { intervalMs: RSS_INTERVAL_MS, isExcluded: (cmdline) => FAKE_PROCESS.test(cmdline) });
  const exit = await withDeadline(gate.exited, RUN_DEADLINE_MS, () => gate.killEverything()).catch((error: unknown) => {
    sampler.stop();
    throw error;
  });
  const memory = sampler.stop();
  const leftovers = await waitForLeftovers(gate.tag, 5000);
  const fake = [...memory.processes.values()].find((process) => FAKE_SERVER.test(process.cmdline));
  const figures = getBenchRunFigures({
    spawnedAt: gate.spawnedAt,
    exit,
    lines: gate.lines,
    events: readEvents(gate.eventsFile),
    setup: readState<SetupRecord>(gate.reportDir, 'setup'),
    report: readReport(gate.reportDir),
    fakeStartedAt: fake === undefined ? undefined : getStartEpochMs(fake.stat, bootEpochMs),
    peakKiB: memory.peakKiB,
  });
  if (leftovers.length === 0) rmSync(gate.reportDir, { recursive: true, force: true });
  return { figures, memory, leftovers };
}

function readReport(reportDir: string): BenchmarkReport | undefined {
  try {
    return JSON.parse(readFileSync(join(reportDir, 'benchmark.json'), 'utf8')) as BenchmarkReport;
  } catch {
    return undefined;
  }
}

async function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`npm test did not exit within ${ms / 1000} s; its process group was killed`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
