import type { ApiWorkflow } from './schemas.ts';

/**
 * Faster than this is not a real generation of the benchmark workflow: the fastest recorded run
 * is ~25 steps/s (SD 1.5, 512x512, H200), and an M-series Mac manages a few. Bursts of progress
 * messages (a socket that held them back) or a cached sampler give thousands.
 */
export const MAX_PLAUSIBLE_STEPS_PER_SECOND = 200;

/** A run that samples at least one step takes longer than this on any hardware (recorded fully cached re-run: 0.001 s). */
export const MIN_PLAUSIBLE_RUN_SECONDS = 0.05;

export interface PlausibilityInput {
  readonly stepsPerSecond: number | undefined;
  /** The server's run time when known. */
  readonly serverSeconds: number | undefined;
  /** Submit → end on the client clock. */
  readonly clientSeconds: number;
  /** Sampling steps the run was asked for, undefined when no sampler is known. */
  readonly plannedSteps: number | undefined;
  readonly samplerNodeIds: readonly string[];
  readonly cachedNodeIds: readonly string[];
}

/** Why these timings cannot be a real generation, or undefined when they can. Judges nothing else: pass/fail is the caller's. */
export function getSuspicion(input: PlausibilityInput): string | undefined {
  const { stepsPerSecond, serverSeconds, clientSeconds, plannedSteps, samplerNodeIds, cachedNodeIds } = input;
  const reasons: string[] = [];
  const cachedSamplers = samplerNodeIds.filter((id) => cachedNodeIds.includes(id));
  if (cachedSamplers.length > 0) {
    reasons.push(`sampler node ${cachedSamplers.join(', ')} was answered from ComfyUI's cache, so nothing was sampled`);
  }
  if (stepsPerSecond !== undefined && stepsPerSecond > MAX_PLAUSIBLE_STEPS_PER_SECOND) {
    reasons.push(
      `${Math.round(stepsPerSecond).toLocaleString('en-US')} steps/s is above the plausible ${MAX_PLAUSIBLE_STEPS_PER_SECOND} steps/s for this workflow`,
    );
  }
  const seconds = serverSeconds ?? clientSeconds;
  if (plannedSteps !== undefined && plannedSteps > 0 && seconds < MIN_PLAUSIBLE_RUN_SECONDS) {
    const clock = serverSeconds === undefined ? 'the client' : 'the server';
    reasons.push(`${clock} timed a ${plannedSteps}-step run at ${seconds.toFixed(3)} s (less than ${MIN_PLAUSIBLE_RUN_SECONDS} s)`);
  }
  return reasons.length === 0 ? undefined : reasons.join('; ');
}

/** Node ids of the samplers in a workflow: nodes with a numeric `steps` input (KSampler, KSamplerAdvanced, …). */
export function getSamplerNodeIds(workflow: ApiWorkflow | undefined): string[] {
  return Object.entries(workflow ?? {})
    .filter(([, node]) => typeof node.inputs.steps === 'number')
    .map(([id]) => id);
}

/** The most steps any sampler of the workflow is asked for; undefined without a sampler. */
export function getPlannedSteps(workflow: ApiWorkflow | undefined): number | undefined {
  const steps = getSamplerNodeIds(workflow).map((id) => Number(workflow?.[id]?.inputs.steps));
  return steps.length === 0 ? undefined : Math.max(...steps);
}
