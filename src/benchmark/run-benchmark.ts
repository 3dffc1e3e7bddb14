import { startPressureWatch } from './pressure-watch.ts';
import { readState, type SetupRecord } from '../run-record/run-state.ts';
import { randomInt } from 'node:crypto';
import type { GateConfig } from '../config/gate-config.ts';
import { getClientTime } from '../comfyui/clock.ts';
import { createComfyHttp, type ComfyHttp } from '../comfyui/http-client.ts';
import { GateError } from '../errors.ts';
import type { GateContext } from '../run-record/gate-context.ts';
import { createProgressLine } from '../terminal/progress-line.ts';
import type { NodeTiming, Requeue, RunFigures, WarmSummary, WorkflowInfo } from '../truths/benchmark-report.ts';
import { getBenchmarkPlan, type BenchmarkPlan } from './benchmark-plan.ts';
import { checkWorkflowOnServer } from './check-workflow-on-server.ts';
import { generateCounted, type CountedGeneration } from './counted-generation.ts';
import { startGpuWatch, type GpuWatch } from './gpu-watch.ts';
import { fetchImage } from './image-check.ts';
import { getFirstPromptDelay, getRunFigures, summarizeWarmRuns } from './run-figures.ts';
import { getColdMeasurements, getMessage, saveSuccessWindow, saveWindow, withLogTail, type Measurements } from './run-records.ts';
import { submitAndFollow } from './submit-and-follow.ts';

export interface BenchmarkResult {
  /** The cold (first) generation's figures: the verdict is on these. */
  readonly elapsedS: number;
  readonly stepsPerSecond?: number;
  readonly nodes: readonly NodeTiming[];
  readonly workflow: WorkflowInfo;
  readonly requeued?: Requeue;
  readonly suspect?: string;
  readonly warm?: WarmSummary;
}

interface Steps {
  readonly config: GateConfig;
  readonly gate: GateContext;
  readonly http: ComfyHttp;
  readonly plan: BenchmarkPlan;
  readonly gpu: GpuWatch;
  readonly record: (measurements: Measurements) => void;
}

/**
 * Runs the benchmark: checks a GATE_WORKFLOW workflow against the server, starts the GPU monitor,
 * makes the cold generation the verdict is on (queued again once if ComfyUI answered it from its
 * cache), checks its image, then makes the warm runs GATE_RUNS asks for. Leaves the cold run's
 * window and GPU samples in the run record for the GPU truth; measurements reach `record` even
 * when the run fails.
 */
export async function runBenchmark(config: GateConfig, gate: GateContext, recordMeasured: (measurements: Measurements) => void): Promise<BenchmarkResult> {
  // What the pressure watch measured joins every later record, whatever the run does after the cold generation.
  let pressure: Partial<Measurements> = {};
  let last: Measurements = { nodes: [] };
  const record = (measurements: Measurements) => {
    last = measurements;
    recordMeasured({ ...measurements, ...pressure });
  };
  const http = createComfyHttp(gate.url, { requestTimeoutMs: 30_000 });
  const plan = getBenchmarkPlan(config);
  if (config.workflow !== undefined) {
    try {
      await checkWorkflowOnServer(gate.url, config.workflow.graph);
    } catch (error) {
      record({ nodes: [], workflow: plan.info });
      throw error;
    }
  }
  // Both before the clock starts, side by side: the GPU sampler's first sample is the longer wait.
  const [watch, gpu] = await Promise.all([startPressureWatch(readState<SetupRecord>(gate.reportDir, 'setup')?.pid), startGpuWatch(config, gate.reportDir)]);
  const steps: Steps = { config, gate, http, plan, gpu, record };
  let cold: CountedGeneration;
  try {
    cold = await runCold(steps);
  } finally {
    const measured = await watch.finish();
    pressure = { pressure: measured.pressure, pressureFindings: measured.findings };
    record(last);
    for (const finding of measured.findings) say(`${finding.title}: ${finding.cause}`);
  }
  const coldFigures = getRunFigures(cold, 1, plan);
  saveSuccessWindow(gate.reportDir, cold.outcome, plan);
  if (coldFigures.suspect !== undefined) say(`suspect timing, kept but flagged: ${coldFigures.suspect}`);
  let measurements = getColdMeasurements(cold, coldFigures, plan);
  record(measurements);
  const fetched = await fetchImage(http, cold.outcome, gate.reportDir, plan);
  if (fetched !== undefined) {
    measurements = { ...measurements, image: fetched.image };
    record(measurements);
    fetched.validate();
  }
  const warm = await runWarm(steps, coldFigures, (runs) => record({ ...measurements, ...runs }));
  record({ ...measurements, ...warm });
  return {
    elapsedS: coldFigures.elapsedS,
    nodes: measurements.nodes,
    workflow: plan.info,
    ...(coldFigures.stepsPerSecond === undefined ? {} : { stepsPerSecond: coldFigures.stepsPerSecond }),
    ...(cold.requeued === undefined ? {} : { requeued: cold.requeued }),
    ...(coldFigures.suspect === undefined ? {} : { suspect: coldFigures.suspect }),
    ...(warm.warm === undefined ? {} : { warm: warm.warm }),
  };
}

/** The generation the verdict is on; the GPU monitor stops right after it, so its samples describe this run. */
async function runCold({ config, gate, http, plan, gpu, record }: Steps): Promise<CountedGeneration> {
  let submittedAt = getClientTime();
  const settings = { config, http, url: gate.url, gpu, label: { running: 'generating', ended: 'generation' }, onSubmit: (at: number) => (submittedAt = at) };
  try {
    const cold = await generateCounted({ seed: config.benchmark.seed, plan, generate: (workflow) => submitAndFollow(workflow, settings), onRequeue: say });
    await gpu.finish(undefined);
    return cold;
  } catch (error) {
    record({ nodes: [], workflow: plan.info, startedAt: new Date(submittedAt).toISOString(), endedAt: new Date().toISOString() });
    saveWindow(gate.reportDir, { submittedAt, endedAt: getClientTime(), status: 'failed', error: getMessage(error), phases: [] });
    await gpu.finish(error instanceof GateError && error.code === 'GPU_IDLE' ? error.message : undefined);
    throw withLogTail(error, gate.reportDir);
  }
}

type WarmMeasurements = Pick<Measurements, 'runs' | 'warm' | 'firstPromptDelay' | 'warmSkipped'>;

/** GATE_RUNS − 1 more generations, each with a fresh seed; the cold run's verdict does not depend on them. */
async function runWarm({ config, gate, http, plan, gpu }: Steps, cold: RunFigures, progress: (runs: WarmMeasurements) => void): Promise<WarmMeasurements> {
  const count = config.runs - 1;
  if (count <= 0) return { runs: [cold] };
  const budgetS = config.budgetMs / 1000;
  if (cold.elapsedS >= budgetS)
    return { runs: [cold], warmSkipped: `the cold run took ${cold.elapsedS.toFixed(2)} s, over the ${budgetS} s budget: ${count} warm runs not made` };
  const runs = [cold];
  for (let index = 2; index <= config.runs; index += 1) {
    const name = `warm run ${index - 1}/${count}`;
    const settings = { config, http, url: gate.url, gpu, label: { running: name, ended: name } };
    try {
      const generation = await generateCounted({ seed: randomInt(2 ** 47), plan, generate: (workflow) => submitAndFollow(workflow, settings), onRequeue: say });
      runs.push(getRunFigures(generation, index, plan));
      progress({ runs: [...runs] });
    } catch (error) {
      if (error instanceof Error) error.message = `${name} (run ${index} of ${config.runs}) failed: ${error.message}`;
      throw withLogTail(error, gate.reportDir);
    }
  }
  const warm = summarizeWarmRuns(runs);
  const firstPromptDelay = getFirstPromptDelay(runs);
  if (warm !== undefined) say(describeWarm(warm));
  if (firstPromptDelay !== undefined) {
    say(
      `first-prompt delivery delay: ${firstPromptDelay.delayMs} ms (ComfyUI sends execution_success late on the first prompt after boot; the cold time includes it)`,
    );
  }
  return { runs, ...(warm === undefined ? {} : { warm }), ...(firstPromptDelay === undefined ? {} : { firstPromptDelay }) };
}

function describeWarm(warm: WarmSummary): string {
  const { median, min, max } = warm.elapsedS;
  const speed = warm.stepsPerSecond === undefined ? '' : `, ${warm.stepsPerSecond.median.toFixed(2)} steps/s median`;
  return `${warm.runs} warm runs: median ${median.toFixed(2)} s (${min.toFixed(2)}–${max.toFixed(2)} s, spread ${warm.spreadPercent} %)${speed}`;
}

function say(message: string): void {
  createProgressLine().done(message);
}
