import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GateConfig } from '../config/gate-config';
import { getClientTime } from '../comfyui/clock';
import { ComfyStoppedError } from '../comfyui/errors';
import { followPrompt } from '../comfyui/follow-prompt';
import { createComfyHttp } from '../comfyui/http-client';
import { getClientSeconds, getNodeSeconds, getServerSeconds, getStepsPerSecond, type RunOutcome } from '../comfyui/run-outcome';
import { connectComfySocket, type ComfySocket } from '../comfyui/socket';
import { BENCHMARK_NODE_ROLES, buildBenchmarkWorkflow } from './workflow';
import { GateError } from '../errors';
import { startGpuMonitor, type MonitorStart } from '../gpu/gpu-monitor';
import { watchIdleGpu } from '../gpu/idle-watchdog';
import { inspectPng, validateImage } from '../image/inspect-image';
import type { NodeTiming, PhaseMark } from '../truths/benchmark-report';
import { readLogTail } from '../processes/log-tail';
import type { GateContext } from '../run-record/gate-context';
import { GENERATION_STATE, GPU_STATE, IMAGE_FILE, type GenerationRecord, type GpuRecord } from '../run-record/generation-record';
import type { TruthMeasurements } from '../truths/measurements';
import { createProgressLine } from '../terminal/progress-line';
import { getStateDir, readState, writeState, type SetupRecord } from '../run-record/run-state';


export interface BenchmarkResult {
  readonly elapsedS: number;
  readonly stepsPerSecond?: number;
  readonly nodes: readonly NodeTiming[];
}

type Measurements = TruthMeasurements['generation-under-budget'];

/**
 * Runs the plan's benchmark once: starts the GPU monitor, queues the workflow, follows it to the
 * end, fetches and checks the image, and leaves the time window and GPU samples in the run record
 * for the GPU truth. Measurements reach `record` even when the run fails.
 */
export async function runBenchmark(config: GateConfig, gate: GateContext, record: (measurements: Measurements) => void): Promise<BenchmarkResult> {
  const http = createComfyHttp(gate.url, { requestTimeoutMs: 30_000 });
  const monitor = await startGpuMonitor(config, gate.reportDir);
  const clientId = randomUUID().replace(/-/g, '');
  // Without a socket the run is still followed through /history: slower to notice, never stuck.
  const socket = await connectComfySocket(gate.url, clientId, { connectTimeoutMs: 5000 }).catch(() => undefined);
  const workflow = buildBenchmarkWorkflow(config.benchmark);
  const watchdog = new AbortController();
  const progress = createProgressLine();
  const submittedAt = getClientTime();
  let stopWatchdog: () => void = () => undefined;
  let outcome: RunOutcome | undefined;
  let submitRoundTripMs = 0;
  try {
    const { promptId } = await http.queuePrompt(workflow, clientId);
    submitRoundTripMs = getClientTime() - submittedAt;
    stopWatchdog = startWatchdog(config, monitor, submittedAt, watchdog);
    outcome = await followPrompt({
      http,
      socket,
      promptId,
      submittedAt,
      deadlineMs: submittedAt + config.deadlineMs,
      silenceMs: config.socketSilenceMs,
      workflow,
      signal: watchdog.signal,
      onProgress: ({ step, maxSteps, elapsedMs }) =>
        progress.update(`generating: step ${step}/${maxSteps} · ${(elapsedMs / 1000).toFixed(1)} s elapsed (budget ${config.budgetMs / 1000} s)`),
    });
    progress.done(`generation finished in ${((outcome.completedAt - submittedAt) / 1000).toFixed(2)} s`);
  } catch (error) {
    progress.done(`generation failed after ${((getClientTime() - submittedAt) / 1000).toFixed(1)} s`);
    record({ nodes: [], startedAt: new Date(submittedAt).toISOString(), endedAt: new Date().toISOString() });
    saveWindow(gate.reportDir, { submittedAt, endedAt: getClientTime(), status: 'failed', error: getMessage(error), phases: [] });
    throw withLogTail(error, gate.reportDir);
  } finally {
    socket?.close();
    stopWatchdog();
    await saveGpuRecord(gate.reportDir, monitor, watchdog.signal);
  }
  return finishRun({ config, gate, http, outcome, record, submitRoundTripMs });
}

async function finishRun(args: {
  config: GateConfig;
  gate: GateContext;
  http: ReturnType<typeof createComfyHttp>;
  outcome: RunOutcome;
  record: (measurements: Measurements) => void;
  submitRoundTripMs: number;
}): Promise<BenchmarkResult> {
  const { config, gate, http, outcome, record, submitRoundTripMs } = args;
  const nodes = getNodeSeconds(outcome).map((node): NodeTiming => ({ ...node, role: BENCHMARK_NODE_ROLES[node.id] ?? 'other', seconds: round(node.seconds, 3) }));
  const phases = outcome.nodes.map((node): PhaseMark => ({
    role: BENCHMARK_NODE_ROLES[node.id] ?? node.id,
    startMs: Math.round(node.startedAt - outcome.submittedAt),
    endMs: Math.round(node.endedAt - outcome.submittedAt),
  }));
  saveWindow(gate.reportDir, { submittedAt: outcome.submittedAt, endedAt: outcome.completedAt, status: 'success', phases });
  const elapsedS = round(getClientSeconds(outcome), 3);
  const serverSeconds = getServerSeconds(outcome);
  const stepsPerSecond = getStepsPerSecond(outcome.steps);
  const measurements: Measurements = {
    startedAt: new Date(outcome.submittedAt).toISOString(),
    endedAt: new Date(outcome.completedAt).toISOString(),
    elapsedS,
    via: outcome.via,
    cachedNodes: [...outcome.cachedNodes],
    submitRoundTripMs: round(submitRoundTripMs, 1),
    nodes,
    ...(serverSeconds === undefined ? {} : { serverElapsedS: round(serverSeconds, 3) }),
    ...(stepsPerSecond === undefined ? {} : { stepsPerSecond: round(stepsPerSecond, 2) }),
  };
  record(measurements);
  const ref = outcome.images[0];
  if (ref === undefined) {
    throw new GateError('NO_IMAGE', 'The run finished but produced no image', { hint: 'check the workflow has a SaveImage node; see the ComfyUI log' });
  }
  const png = await http.getImage(ref);
  // Into the run record: the reporter files it with the report it belongs to.
  const imagePath = join(getStateDir(gate.reportDir), IMAGE_FILE);
  mkdirSync(dirname(imagePath), { recursive: true });
  writeFileSync(imagePath, png);
  const info = inspectPng(png);
  record({ ...measurements, image: { path: IMAGE_FILE, width: info.width, height: info.height, meanLuma: round(info.meanLuma, 1), stdDevLuma: round(info.stdDevLuma, 1) } });
  validateImage(info, { width: config.benchmark.width, height: config.benchmark.height });
  return { elapsedS, nodes, ...(stepsPerSecond === undefined ? {} : { stepsPerSecond }) };
}

function startWatchdog(config: GateConfig, monitor: MonitorStart, since: number, controller: AbortController): () => void {
  if (monitor.kind !== 'running') return () => undefined;
  return watchIdleGpu({
    since,
    idleMs: config.gpu.idleWatchdogMs,
    thresholdPercent: config.gpu.thresholdPercent,
    samples: () => monitor.sampler.samples(),
    now: getClientTime,
    onIdle: (message) =>
      controller.abort(new GateError('GPU_IDLE', message, { hint: 'check that PyTorch sees MPS (python -c "import torch; print(torch.backends.mps.is_available())") and that ComfyUI was not started with --cpu' })),
  });
}

async function saveGpuRecord(reportDir: string, monitor: MonitorStart, watchdog: AbortSignal): Promise<void> {
  const watchdogMessage = watchdog.aborted ? { watchdog: getMessage(watchdog.reason) } : {};
  let gpu: GpuRecord;
  if (monitor.kind === 'running') {
    await monitor.sampler.stop();
    const failure = monitor.sampler.failure();
    gpu = {
      sampler: monitor.sampler.name,
      reason: monitor.reason,
      intervalMs: monitor.sampler.intervalMs,
      samples: [...monitor.sampler.samples()],
      ...(failure === undefined ? {} : { failure: failure.message }),
      ...watchdogMessage,
    };
  } else if (monitor.kind === 'skipped') {
    gpu = { reason: monitor.reason, samples: [], skipped: monitor.reason };
  } else {
    gpu = { reason: monitor.reason, hint: monitor.hint, samples: [], failure: monitor.reason };
  }
  writeState(reportDir, GPU_STATE, gpu);
}

function saveWindow(reportDir: string, window: GenerationRecord): void {
  writeState(reportDir, GENERATION_STATE, window);
}

/** A server that stopped mid-run: its last log lines say why, so they go into the failure. */
function withLogTail(error: unknown, reportDir: string): unknown {
  if (!(error instanceof ComfyStoppedError)) return error;
  const logPath = readState<SetupRecord>(reportDir, 'setup')?.logPath;
  const tail = logPath === undefined ? [] : readLogTail(logPath, 20);
  if (tail.length === 0) return error;
  error.message = `${error.message}\nLast lines of ${logPath}:\n${tail.map((line) => `  ${line}`).join('\n')}`;
  return error;
}

function getMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
