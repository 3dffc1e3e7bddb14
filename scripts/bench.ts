import { availableParallelism, loadavg } from 'node:os';
import { ACCURACY_SLACK_MS } from './lib/bench-figures.ts';
import { runBenchOnce, type BenchRun } from './lib/bench-run.ts';
import { describePeak, formatRunLine, getFigureRows, getMissedTargets, getSamplerRows, renderFigureTable } from './lib/bench-summary.ts';
import type { GateProcess } from './lib/gate-process.ts';
import { getRunCount } from './lib/run-count.ts';
import { measureSamplerCost } from './lib/sampler-cost.ts';
import { summarize } from './lib/stats.ts';
import { runScript } from './lib/run-script.ts';

// `npm run bench`: what the gate itself costs. Runs the whole gate (`npm test`) against the fake
// ComfyUI N times, one at a time, and prints figures against the project's performance targets (README, Performance). A measurement,
// not a test: it exits 0 when a target is missed, and says which.

const FAST: Readonly<Record<string, string>> = { FAKE_COMFYUI_STEP_MS: '0', FAKE_COMFYUI_NODE_MS: '0', FAKE_COMFYUI_LOAD_MS: '0', FAKE_COMFYUI_BOOT_MS: '200' };
/** 20 steps × 50 ms ≈ 1 s of generation, for the timing-accuracy pass. */
const TIMED: Readonly<Record<string, string>> = { ...FAST, FAKE_COMFYUI_STEP_MS: '50' };
const ACCURACY_RUNS = 3;
const SAMPLER_WINDOW_MS = 5000;

const LEGEND = `How each figure is taken (all clocks are this machine's wall clock, Date.now()):
  wall time          spawn of \`npm test\` → the npm process exits.
  Vitest start-up    the gate's share of getting to the first spec: spawn → global setup starts
                     (setup.json startedAt) plus ComfyUI ready → the first spec's test starts (its
                     ✓/❯ line arrived minus the test time that line prints). The fake's boot in
                     between is not the gate's and is shown on its own.
  fake boot          the fake's process start (/proc/<pid>/stat starttime, ±10 ms) → its "listening" event.
  readiness lag      the fake's "listening" event → the gate had its 200 from /system_stats
                     (setup.json startedAt + timeToReadyMs). The fake logs no event per request.
  cost per spec file (first spec starts → last spec's line − the test times the lines print) ÷ (specs − 1):
                     worker start, spec import and reporting between two specs.
  completion lag     the fake's "execution_success" event → benchmark.json benchmark.endedAt (the client's
                     receipt of the terminal message, ms precision).
  teardown           the last spec's ✓/❯ line arrived → npm exits; report writing is that line → the
                     gate's "Phase 5 gate … report:" line (printed once every file is written), server stop
                     is the fake's "sigterm" event → npm exits.
  gate overhead      wall time − fake boot − fake run (execution_start → execution_success).
  peak RSS           VmRSS summed over the npm process tree every 50 ms: npm, sh, the Vitest main process,
                     its spec workers and helpers; the fake ComfyUI and the fake GPU tools are left out.
                     Shared pages count once per process, so this is an upper bound.
  elapsed vs server  benchmark.json elapsedS (client: submit → terminal message) vs the fake's
                     execution_success − execution_start; the target is |Δ| ≤ ${ACCURACY_SLACK_MS} ms + the submit leg
                     (client submittedAt → the fake's execution_start).
  GPU sampler CPU    the gate's GPU monitor (startGpuMonitor, default interval) run in this process against
                     the fake powermetrics for ${SAMPLER_WINDOW_MS / 1000} s after its first sample: process.cpuUsage() of this process plus
                     utime + stime of the tool, as % of one core.`;

let current: GateProcess | undefined;

async function main(): Promise<void> {
  const runs = getRunCount(process.argv.slice(2), process.env, 'BENCH_RUNS', 10);
  console.log(`comfyui-gate bench: ${runs} run(s) of \`npm test\` against the fake ComfyUI (${describeEnv(FAST)}), one at a time\n`);
  const loadBefore = loadavg();
  const fastRuns = await runPass(runs, FAST, 'run');
  const fast = fastRuns.map((run) => run.figures);
  console.log(`\nTiming accuracy: ${ACCURACY_RUNS} runs with a known step time (${describeEnv(TIMED)}, 20 steps ≈ 1 s)\n`);
  const timed = (await runPass(ACCURACY_RUNS, TIMED, 'timed run')).map((run) => run.figures);
  console.log(`\nGPU sampler CPU cost: the powermetrics path at its default interval for ${SAMPLER_WINDOW_MS / 1000} s…`);
  const cost = await measureSamplerCost(SAMPLER_WINDOW_MS).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  if (!(cost instanceof Error)) console.log(`  ${cost.command}: ${cost.sampleCount} samples in ${(cost.steadyMs / 1000).toFixed(1)} s`);

  const rows = [...getFigureRows(fast), ...getSamplerRows(cost)];
  console.log(`\nResults over ${fast.length} run(s) (medians judged against the targets, 2-core machine):\n`);
  console.log(renderFigureTable(rows));
  const medianPeak = [...fastRuns].sort((a, b) => a.memory.peakKiB - b.memory.peakKiB)[Math.floor(fastRuns.length / 2)];
  if (medianPeak !== undefined) console.log(`\nPeak RSS of the median run: ${describePeak(medianPeak.memory)}`);
  console.log(
    `Load average (1 min) before / after the bench: ${loadBefore[0]?.toFixed(2)} / ${loadavg()[0]?.toFixed(2)} on ${availableParallelism()} cores; other work on the machine widens min–max.`,
  );
  const accuracy = timed.flatMap((run) => (run.accuracy === undefined ? [] : [run.accuracy]));
  const worstDiff = summarize(accuracy.map((entry) => Math.abs(entry.diffMs)));
  const accurate = accuracy.length === timed.length && accuracy.every((entry) => entry.withinTarget);
  console.log(
    `\nTiming accuracy (step 50 ms): ${accuracy.filter((entry) => entry.withinTarget).length}/${timed.length} runs within ${ACCURACY_SLACK_MS} ms + submit leg` +
      (worstDiff === undefined ? '' : `; |Δ| median ${worstDiff.median.toFixed(0)} ms, max ${worstDiff.max.toFixed(0)} ms`) +
      ` ${accurate ? '✓' : '✗'}`,
  );
  const gateFailures = [...fast, ...timed].filter((run) => run.exitCode !== 0).length;
  if (gateFailures > 0)
    console.log(
      `Note: npm test exited non-zero in ${gateFailures} of ${fast.length + timed.length} runs (the verdicts are the gate's; the bench measures its cost).`,
    );
  console.log(`\n${LEGEND}\n`);
  const missed = [...getMissedTargets(rows), ...(accurate ? [] : ['timing accuracy (see the timed runs above)'])];
  console.log(missed.length === 0 ? 'All targets met.' : `Targets missed (${missed.length}):\n${missed.map((line) => `  ✗ ${line}`).join('\n')}`);
}

async function runPass(count: number, env: Readonly<Record<string, string>>, label: string): Promise<BenchRun[]> {
  const runs: BenchRun[] = [];
  for (let index = 1; index <= count; index += 1) {
    const run = await runBenchOnce(env, (gate) => (current = gate));
    current = undefined;
    console.log(formatRunLine(`${label} ${index}/${count}`, run.figures));
    if (run.leftovers.length > 0) console.log(`  ✗ left running 5 s after npm exited: ${run.leftovers.join('; ')}`);
    // The bench sends no signal: a run that died by one was disturbed from outside and measures nothing.
    if (run.figures.exitSignal === null) runs.push(run);
    else console.log(`  (not counted: npm was killed by ${run.figures.exitSignal}, which the bench did not send)`);
  }
  return runs;
}

function describeEnv(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

runScript('bench', main, () => current);
