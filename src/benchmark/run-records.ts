import { getServerSeconds, type RunOutcome } from '../comfyui/run-outcome.ts';
import { ComfyStoppedError } from '../comfyui/errors.ts';
import { readLogTail } from '../processes/log-tail.ts';
import { GENERATION_STATE, type GenerationRecord } from '../run-record/generation-record.ts';
import { readState, writeState, type SetupRecord } from '../run-record/run-state.ts';
import type { RunFigures, WorkflowInfo } from '../truths/benchmark-report.ts';
import type { TruthMeasurements } from '../truths/measurements.ts';
import type { BenchmarkPlan } from './benchmark-plan.ts';
import type { CountedGeneration } from './counted-generation.ts';
import { getBreakdown, getNodeIds, getNodeTimings, getPhaseMarks, round } from './run-figures.ts';

/** What the generation truth records. */
export type Measurements = TruthMeasurements['generation-under-budget'];

/** Leaves the counted generation's time window and node phases in the run record, for the GPU truth. */
export function saveWindow(reportDir: string, window: GenerationRecord): void {
  writeState(reportDir, GENERATION_STATE, window);
}

/** Saves the window of a successful generation. */
export function saveSuccessWindow(reportDir: string, outcome: RunOutcome, plan: Pick<BenchmarkPlan, 'getRole'>): void {
  saveWindow(reportDir, { submittedAt: outcome.submittedAt, endedAt: outcome.completedAt, status: 'success', phases: getPhaseMarks(outcome, plan) });
}

/** The cold run's measurements: the figures the verdict is on, with what ran, what was cached and which workflow. */
export function getColdMeasurements(
  cold: CountedGeneration,
  figures: RunFigures,
  plan: Pick<BenchmarkPlan, 'getRole'> & { readonly info: WorkflowInfo },
): Measurements {
  const { outcome } = cold;
  const nodes = getNodeTimings(outcome, plan);
  const serverSeconds = getServerSeconds(outcome);
  return {
    startedAt: new Date(outcome.submittedAt).toISOString(),
    endedAt: new Date(outcome.completedAt).toISOString(),
    elapsedS: figures.elapsedS,
    via: outcome.via,
    cachedNodes: [...getNodeIds(outcome).cached],
    submitRoundTripMs: round(cold.submitRoundTripMs, 1),
    nodes,
    ...(serverSeconds === undefined ? {} : { serverElapsedS: round(serverSeconds, 3) }),
    ...(figures.stepsPerSecond === undefined ? {} : { stepsPerSecond: figures.stepsPerSecond }),
    nodesExecuted: figures.nodesExecuted,
    nodesCached: figures.nodesCached,
    ...(cold.requeued === undefined ? {} : { requeued: cold.requeued }),
    ...(figures.suspect === undefined ? {} : { suspect: figures.suspect }),
    breakdown: getBreakdown(nodes),
    workflow: plan.info,
    runs: [figures],
  };
}

/** A server that stopped mid-run: its last log lines say why, so they go into the failure. */
export function withLogTail(error: unknown, reportDir: string): unknown {
  if (!(error instanceof ComfyStoppedError)) return error;
  const logPath = readState<SetupRecord>(reportDir, 'setup')?.logPath;
  const tail = logPath === undefined ? [] : readLogTail(logPath, 20);
  if (tail.length === 0) return error;
  error.message = `${error.message}\nLast lines of ${logPath}:\n${tail.map((line) => `  ${line}`).join('\n')}`;
  return error;
}

/** A thrown value's message. */
export function getMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
