import { getClientSeconds, getNodeSeconds, getServerSeconds, getStepsPerSecond, type RunOutcome } from '../comfyui/run-outcome.ts';
import type { FigureSpread, FirstPromptDelay, NodeTiming, PhaseMark, Requeue, RunBreakdown, RunFigures, WarmSummary } from '../truths/benchmark-report.ts';
import type { BenchmarkPlan } from './benchmark-plan.ts';

/** A cold run whose client − server gap exceeds every warm run's by this much was delivered late. */
export const FIRST_PROMPT_DELAY_MIN_MS = 100;

/** The nodes ComfyUI ran, and the ones it answered from its cache. */
export function getNodeIds(outcome: RunOutcome): { readonly executed: readonly string[]; readonly cached: readonly string[] } {
  return { executed: outcome.executedNodeIds, cached: outcome.cachedNodeIds };
}

/** Each executed node's seconds, with what it does. */
export function getNodeTimings(outcome: RunOutcome, plan: Pick<BenchmarkPlan, 'getRole'>): NodeTiming[] {
  return getNodeSeconds(outcome).map((node) => ({ ...node, role: plan.getRole(node.id, node.classType), seconds: round(node.seconds, 3) }));
}

/** The nodes as phases in ms since submit, for the GPU chart. */
export function getPhaseMarks(outcome: RunOutcome, plan: Pick<BenchmarkPlan, 'getRole'>): PhaseMark[] {
  return outcome.nodes.map((node) => ({
    role: plan.getRole(node.id, node.classType),
    startMs: Math.round(node.startedAt - outcome.submittedAt),
    endMs: Math.round(node.endedAt - outcome.submittedAt),
  }));
}

/** Steps/s of the sampling nodes only (an upscaler's progress is not sampling); undefined without a sampler. */
export function getSamplingStepsPerSecond(outcome: RunOutcome, samplingNodeIds: readonly string[]): number | undefined {
  if (samplingNodeIds.length === 0) return undefined;
  return getStepsPerSecond(outcome.steps.filter((step) => step.node === null || samplingNodeIds.includes(step.node)));
}

/** Seconds by what they went to: model load (checkpoint load, text encode) apart from sampling and decode. */
export function getBreakdown(nodes: readonly NodeTiming[]): RunBreakdown {
  const sum = (match: (role: string) => boolean) =>
    round(
      nodes.filter((node) => match(node.role)).reduce((total, node) => total + node.seconds, 0),
      3,
    );
  const modelLoad = (role: string) => role === 'checkpoint load' || role === 'model load' || role === 'text encode';
  return {
    modelLoadS: sum(modelLoad),
    samplingS: sum((role) => role === 'sampling'),
    decodeS: sum((role) => role === 'decode'),
    otherS: sum((role) => !modelLoad(role) && role !== 'sampling' && role !== 'decode'),
  };
}

/** One generation's figures for the report: time, speed, what ran and what came from the cache. */
export function getRunFigures(
  generation: { readonly outcome: RunOutcome; readonly seed: number; readonly requeued?: Requeue },
  index: number,
  plan: Pick<BenchmarkPlan, 'getRole' | 'samplingNodeIds'>,
): RunFigures {
  const { outcome, seed, requeued } = generation;
  const { executed, cached } = getNodeIds(outcome);
  const serverSeconds = getServerSeconds(outcome);
  const stepsPerSecond = getSamplingStepsPerSecond(outcome, plan.samplingNodeIds);
  const { suspect } = outcome;
  return {
    index,
    kind: index === 1 ? 'cold' : 'warm',
    seed,
    elapsedS: round(getClientSeconds(outcome), 3),
    ...(serverSeconds === undefined ? {} : { serverElapsedS: round(serverSeconds, 3) }),
    ...(stepsPerSecond === undefined ? {} : { stepsPerSecond: round(stepsPerSecond, 2) }),
    nodesExecuted: executed.length,
    nodesCached: cached.length,
    breakdown: getBreakdown(getNodeTimings(outcome, plan)),
    via: outcome.via,
    ...(requeued === undefined ? {} : { requeued }),
    ...(suspect === undefined ? {} : { suspect }),
  };
}

/** Median, min, max and spread of the warm runs (all but the first); undefined with none. */
export function summarizeWarmRuns(runs: readonly RunFigures[]): WarmSummary | undefined {
  const warm = runs.filter((run) => run.kind === 'warm');
  if (warm.length === 0) return undefined;
  const elapsedS = getSpread(warm.map((run) => run.elapsedS));
  const speeds = warm.flatMap((run) => (run.stepsPerSecond === undefined ? [] : [run.stepsPerSecond]));
  return {
    runs: warm.length,
    elapsedS,
    ...(speeds.length === 0 ? {} : { stepsPerSecond: getSpread(speeds) }),
    spreadPercent: elapsedS.median > 0 ? round(((elapsedS.max - elapsedS.min) / elapsedS.median) * 100, 1) : 0,
  };
}

/**
 * The late `execution_success` of the first prompt after boot: the cold run's client − server gap
 * against the warm runs' median gap, named only when the cold gap is 100 ms above every warm gap;
 * undefined when not seen (or without warm runs to compare).
 */
export function getFirstPromptDelay(runs: readonly RunFigures[]): FirstPromptDelay | undefined {
  const gap = (run: RunFigures) => (run.serverElapsedS === undefined ? undefined : (run.elapsedS - run.serverElapsedS) * 1000);
  const cold = runs.find((run) => run.kind === 'cold');
  const coldGap = cold === undefined ? undefined : gap(cold);
  const warmGaps = runs.filter((run) => run.kind === 'warm').flatMap((run) => gap(run) ?? []);
  if (coldGap === undefined || warmGaps.length === 0) return undefined;
  const { median, max } = getSpread(warmGaps);
  // Above every warm gap, not just their median: a busy machine's noise is not ComfyUI's delay.
  if (coldGap - max < FIRST_PROMPT_DELAY_MIN_MS) return undefined;
  return { delayMs: Math.round(coldGap - median), coldGapMs: Math.round(coldGap), warmGapMs: Math.round(median) };
}

/** Median (the mean of the middle two for an even count), min and max. */
export function getSpread(values: readonly number[]): FigureSpread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median: round(median, 3), min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
