import { randomInt } from 'node:crypto';
import type { ApiWorkflow } from '../comfyui/schemas.ts';
import { GateError } from '../errors.ts';
import { sanitizeLine } from '../text/sanitize.ts';
import type { Requeue } from '../truths/benchmark-report.ts';
import type { BenchmarkPlan } from './benchmark-plan.ts';
import { getNodeIds } from './run-figures.ts';
import type { Attempt } from './submit-and-follow.ts';

/** A generation that counts as a measurement, with the seed it used. */
export interface CountedGeneration extends Attempt {
  readonly seed: number;
  readonly requeued?: Requeue;
}

export interface CountedOptions {
  readonly seed: number;
  readonly plan: Pick<BenchmarkPlan, 'build' | 'samplingNodeIds'>;
  readonly generate: (workflow: ApiWorkflow) => Promise<Attempt>;
  /** Told when the first attempt was cached and the run is queued again. */
  readonly onRequeue?: (message: string) => void;
  readonly getFreshSeed?: () => number;
}

const CACHE_HINT =
  'unset GATE_SEED or change the prompt (GATE_PROMPT, or the prompt in the GATE_WORKFLOW file): ComfyUI does not run again what it has already run with the same inputs';

/**
 * Runs one generation that counts. A run ComfyUI answered from its cache measured nothing: it is
 * queued once more with a fresh seed (and says so); cached again, it fails. Never a cached PASS.
 */
export async function generateCounted(options: CountedOptions): Promise<CountedGeneration> {
  const { seed, plan, generate, onRequeue, getFreshSeed = () => randomInt(2 ** 47) } = options;
  const workflow = plan.build(seed);
  const first = await generate(workflow);
  const cached = getCachedReason(first.outcome, plan.samplingNodeIds, workflow);
  if (cached === undefined) return { ...first, seed };
  let fresh = getFreshSeed();
  if (fresh === seed) fresh += 1;
  const reason = `ComfyUI answered from its cache: ${cached} for seed ${seed}`;
  onRequeue?.(`${reason}; queueing it again with the fresh seed ${fresh}`);
  const retry = plan.build(fresh);
  const second = await generate(retry);
  const again = getCachedReason(second.outcome, plan.samplingNodeIds, retry);
  if (again !== undefined) {
    throw new GateError(
      'CACHED_RUN',
      `ComfyUI answered from its cache: ${again} for seed ${seed}, nor for the fresh seed ${fresh}; a cached run measures nothing`,
      {
        hint: CACHE_HINT,
        context: { seed, freshSeed: fresh, cachedNodes: [...getNodeIds(second.outcome).cached] },
      },
    );
  }
  return { ...second, seed: fresh, requeued: { cachedSeed: seed, seed: fresh, reason } };
}

/** Why a run measured nothing: its sampling node came from ComfyUI's cache (without one: no node ran); undefined when it really ran. */
export function getCachedReason(outcome: Attempt['outcome'], samplingNodeIds: readonly string[], workflow: ApiWorkflow): string | undefined {
  const { executed, cached } = getNodeIds(outcome);
  if (samplingNodeIds.length === 0) return executed.length === 0 && cached.length > 0 ? 'no node ran' : undefined;
  const hits = samplingNodeIds.filter((id) => cached.includes(id));
  if (hits.length === 0) return undefined;
  const named = hits.map((id) => `node ${sanitizeLine(id, 40)}${workflow[id] === undefined ? '' : ` ${sanitizeLine(workflow[id].class_type, 100)}`}`);
  return `the sampler (${named.join(', ')}) did not run`;
}
