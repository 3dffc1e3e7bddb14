import { PLAN_DEFAULTS } from '../config/defaults.ts';
import type { GateConfig } from '../config/gate-config.ts';
import type { TruthMeasurements } from '../truths/measurements.ts';
import type { SetupRecord } from '../run-record/run-state.ts';
import type { BenchmarkReport, TruthId, Verdict } from '../truths/benchmark-report.ts';
import type { CollectedTruth } from './collect-truths.ts';

export interface ReportInputs {
  readonly runId: string;
  readonly date: string;
  readonly config: GateConfig | undefined;
  readonly setup: SetupRecord | undefined;
  readonly truths: ReadonlyMap<TruthId, CollectedTruth>;
  readonly machine: BenchmarkReport['machine'];
  readonly logTail: readonly string[];
  readonly simulatedByEnv: boolean;
}

/** Builds the typed report from the truths' results and measurements; pure. */
export function buildReport(inputs: ReportInputs): Omit<BenchmarkReport, 'history'> {
  const { config, setup, truths } = inputs;
  const measured = <T extends TruthId>(id: T) => truths.get(id)?.measurements as TruthMeasurements[T] | undefined;
  const reachable = measured('reachable');
  const device = measured('device');
  const generation = measured('generation-under-budget');
  const gpu = measured('gpu-active');
  const results = [...truths.values()].map((truth) => truth.result);
  const params = config?.benchmark;
  return {
    runId: inputs.runId,
    date: inputs.date,
    simulated: inputs.simulatedByEnv || setup?.simulated === true || isSimulatorStats(reachable?.systemStats),
    machine: inputs.machine,
    comfyui: {
      mode: setup?.mode ?? config?.server.mode ?? 'boot',
      url: setup?.url || config?.server.url || `http://${PLAN_DEFAULTS.host}:${PLAN_DEFAULTS.port}`,
      launchFlags: setup?.launchFlags ?? '',
      launchEnv: setup?.launchEnv ?? '',
      ...(setup?.timeToReadyMs === undefined ? {} : { timeToReadyMs: setup.timeToReadyMs }),
      ...(setup?.logPath === undefined ? {} : { logPath: setup.logPath }),
    },
    ...(reachable === undefined ? {} : { systemStats: reachable.systemStats }),
    device: device ?? { expected: config?.expectedDevice ?? 'mps', found: [], pythonExpected: `${config?.expectedPython ?? '3.11'}.x` },
    benchmark: {
      // Without a readable configuration nothing ran; the plan's parameters are what was asked for.
      checkpoint: params?.checkpoint ?? PLAN_DEFAULTS.checkpoint,
      width: params?.width ?? PLAN_DEFAULTS.width,
      height: params?.height ?? PLAN_DEFAULTS.height,
      steps: params?.steps ?? PLAN_DEFAULTS.steps,
      sampler: params?.sampler ?? PLAN_DEFAULTS.sampler,
      scheduler: params?.scheduler ?? PLAN_DEFAULTS.scheduler,
      cfg: params?.cfg ?? PLAN_DEFAULTS.cfg,
      prompt: params?.prompt ?? PLAN_DEFAULTS.prompt,
      ...(params === undefined ? {} : { seed: params.seed }),
      budgetS: (config?.budgetMs ?? PLAN_DEFAULTS.budgetSeconds * 1000) / 1000,
      nodes: [],
      ...generation,
    },
    gpu: gpu ?? { history: 'unknown', thresholdPercent: config?.gpu.thresholdPercent ?? 1, samples: [], phases: [] },
    install: {
      ...(truths.get('checkpoint-installed')?.measurements === undefined ? {} : { checkpoint: measured('checkpoint-installed') }),
      ...(truths.get('kohya-mixed-precision')?.measurements === undefined ? {} : { kohya: measured('kohya-mixed-precision') }),
      ...(truths.get('custom-nodes-loaded')?.measurements === undefined ? {} : { customNodes: measured('custom-nodes-loaded') }),
    },
    truths: results,
    phaseVerdict: getPhaseVerdict(results.map((result) => result.verdict)),
    ...(setup?.error === undefined ? {} : { setupError: setup.error }),
    logTail: inputs.logTail,
  };
}

/**
 * PASS only when every truth passed or was switched off by configuration; a truth that did not
 * run proves nothing, so it fails the gate like a failed one.
 */
export function getPhaseVerdict(verdicts: readonly Verdict[]): Verdict {
  const proven = verdicts.every((verdict) => verdict === 'PASS' || verdict === 'SKIPPED') && verdicts.includes('PASS');
  return proven ? 'PASS' : 'FAIL';
}

/** The built-in fake ComfyUI says so in /system_stats; a real server never does. */
export function isSimulatorStats(systemStats: unknown): boolean {
  if (systemStats === null || typeof systemStats !== 'object') return false;
  const system = (systemStats as { system?: unknown }).system;
  return system !== null && typeof system === 'object' && (system as Record<string, unknown>).comfyui_gate_simulator === true;
}
