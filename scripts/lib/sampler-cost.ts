import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFakeEnv, getFreePort, REPO_ROOT } from '../../fixtures/fake-env.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { getStateDir } from '../../src/run-record/run-state.ts';
import { startGpuMonitor } from '../../src/gpu/gpu-monitor.ts';
import { CLOCK_TICKS_PER_SECOND, readProcStat } from '../../src/processes/proc-fs.ts';

export interface SamplerCost {
  readonly command: string;
  readonly intervalMs: number;
  readonly sampleCount: number;
  /** From the first sample to the stop: what the sampler costs while a generation runs. */
  readonly steadyMs: number;
  readonly steadyGatePercent: number;
  readonly steadyToolPercent: number;
  /** From the start (tool start-up included) to the stop. */
  readonly wholeMs: number;
  readonly wholeGatePercent: number;
  readonly wholeToolPercent: number;
}

/**
 * Runs the gate's GPU monitor in this process, exactly as the generation spec starts it (config
 * from the fake environment, so powermetrics is the fake), for `durationMs` after its first sample,
 * and returns the CPU it cost as % of one core: this process (process.cpuUsage) and the tool
 * (/proc/<pid>/stat utime + stime).
 */
export async function measureSamplerCost(durationMs: number): Promise<SamplerCost> {
  const reportDir = mkdtempSync(join(tmpdir(), 'gate-bench-sampler-'));
  const env = createFakeEnv({ port: await getFreePort(), reportDir });
  const config = loadConfig(env, REPO_ROOT);
  const savedPath = process.env.PATH;
  // The sampler spawns with this process's environment; the fake tools must come first on PATH.
  process.env.PATH = env.PATH;
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const monitor = await startGpuMonitor(config, reportDir);
    if (monitor.kind !== 'running') throw new Error(`the GPU sampler did not start: ${monitor.reason}`);
    const cpu1 = process.cpuUsage();
    const t1 = performance.now();
    const pid = getSamplerPid(reportDir);
    const tool1 = getCpuMs(pid);
    await sleep(durationMs);
    const cpu2 = process.cpuUsage();
    const t2 = performance.now();
    const tool2 = getCpuMs(pid);
    const sampleCount = monitor.sampler.samples().length;
    await monitor.sampler.stop();
    const percent = (cpuMs: number, wallMs: number) => (100 * cpuMs) / wallMs;
    return {
      command: monitor.sampler.command,
      intervalMs: monitor.sampler.intervalMs,
      sampleCount,
      steadyMs: t2 - t1,
      steadyGatePercent: percent(getUsageMs(cpu2) - getUsageMs(cpu1), t2 - t1),
      steadyToolPercent: percent(tool2 - tool1, t2 - t1),
      wholeMs: t2 - t0,
      wholeGatePercent: percent(getUsageMs(cpu2) - getUsageMs(cpu0), t2 - t0),
      wholeToolPercent: percent(tool2, t2 - t0),
    };
  } finally {
    process.env.PATH = savedPath;
    rmSync(reportDir, { recursive: true, force: true });
  }
}

// The stream sampler lists its tool's pid in the child registry under the report folder.
function getSamplerPid(reportDir: string): number {
  const pid = readdirSync(join(getStateDir(reportDir), 'children'))
    .map(Number)
    .find((value) => Number.isInteger(value));
  if (pid === undefined) throw new Error(`the GPU sampler registered no process under ${getStateDir(reportDir)}/children`);
  return pid;
}

function getCpuMs(pid: number): number {
  const stat = readProcStat(pid);
  if (stat === undefined) throw new Error(`the GPU sampler's process ${pid} is gone`);
  return ((stat.utimeTicks + stat.stimeTicks) * 1000) / CLOCK_TICKS_PER_SECOND;
}

function getUsageMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}
