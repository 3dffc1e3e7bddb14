import { describe, expect, it } from 'vitest';
import { getBenchmarkPlan } from '../../../src/benchmark/benchmark-plan.ts';
import { generateCounted, getCachedReason } from '../../../src/benchmark/counted-generation.ts';
import type { Attempt } from '../../../src/benchmark/submit-and-follow.ts';
import type { ApiWorkflow } from '../../../src/comfyui/schemas.ts';
import type { GateConfig } from '../../../src/config/gate-config.ts';
import { PLAN_DEFAULTS } from '../../../src/config/defaults.ts';
import { GateError } from '../../../src/errors.ts';
import { makeOutcome, WARM_NODES } from './outcomes.ts';

const { checkpoint, width, height, steps, sampler, scheduler, cfg, prompt, negativePrompt } = PLAN_DEFAULTS;
const PLAN = getBenchmarkPlan({ benchmark: { checkpoint, width, height, steps, sampler, scheduler, cfg, prompt, negativePrompt, seed: 42 } } as GateConfig);

const RAN: Attempt = { outcome: makeOutcome(), submitRoundTripMs: 3 };
const FULLY_CACHED: Attempt = { outcome: makeOutcome({ nodes: [], cachedNodes: ['3', '4', '5', '6', '7', '8', '9'], steps: 0 }), submitRoundTripMs: 2 };

/** A server that answers the queued workflows with these attempts, in order; records the seeds it got. */
function serve(...attempts: Attempt[]) {
  const seeds: unknown[] = [];
  const generate = async (workflow: ApiWorkflow) => {
    seeds.push(workflow['3']?.inputs.seed);
    const next = attempts.shift();
    if (next === undefined) throw new Error('queued more often than expected');
    return next;
  };
  return { seeds, generate };
}

describe('generateCounted', () => {
  it('counts a run whose sampler ran, with the seed it was given', async () => {
    const server = serve(RAN);
    const counted = await generateCounted({ seed: 42, plan: PLAN, generate: server.generate });
    expect(counted).toEqual({ ...RAN, seed: 42 });
    expect(server.seeds).toEqual([42]);
  });

  it('queues a cached run once more with a fresh seed, and says so', async () => {
    const server = serve(FULLY_CACHED, RAN);
    const said: string[] = [];
    const counted = await generateCounted({
      seed: 42,
      plan: PLAN,
      generate: server.generate,
      getFreshSeed: () => 777,
      onRequeue: (message) => said.push(message),
    });
    const reason = 'ComfyUI answered from its cache: the sampler (node 3 KSampler) did not run for seed 42';
    expect(counted).toEqual({ ...RAN, seed: 777, requeued: { cachedSeed: 42, seed: 777, reason } });
    expect(server.seeds).toEqual([42, 777]);
    expect(said).toEqual([`${reason}; queueing it again with the fresh seed 777`]);
  });

  it('never passes a run cached twice: it fails, saying what to change', async () => {
    const server = serve(FULLY_CACHED, FULLY_CACHED);
    const error = await generateCounted({ seed: 42, plan: PLAN, generate: server.generate, getFreshSeed: () => 42 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GateError);
    expect((error as GateError).code).toBe('CACHED_RUN');
    expect((error as GateError).message).toBe(
      'ComfyUI answered from its cache: the sampler (node 3 KSampler) did not run for seed 42, nor for the fresh seed 43; a cached run measures nothing',
    );
    expect((error as GateError).hint).toBe(
      'unset GATE_SEED or change the prompt (GATE_PROMPT, or the prompt in the GATE_WORKFLOW file): ComfyUI does not run again what it has already run with the same inputs',
    );
    expect(server.seeds).toEqual([42, 43]);
  });
});

describe('getCachedReason', () => {
  const workflow = PLAN.build(1);

  it('looks at the sampler: cached loaders are a warm server, a cached sampler is no run at all', () => {
    expect(getCachedReason(makeOutcome({ nodes: WARM_NODES, cachedNodes: ['4', '5', '6', '7'] }), ['3'], workflow)).toBe(undefined);
    expect(getCachedReason(makeOutcome({ nodes: [['9', 'SaveImage', 0.05]], cachedNodes: ['3', '4', '5', '6', '7', '8'] }), ['3'], workflow)).toBe(
      'the sampler (node 3 KSampler) did not run',
    );
  });

  it('without a sampler, counts a run in which no node ran as cached', () => {
    expect(getCachedReason(FULLY_CACHED.outcome, [], workflow)).toBe('no node ran');
    expect(getCachedReason(makeOutcome({ nodes: [['9', 'SaveImage', 0.05]], cachedNodes: ['8'] }), [], workflow)).toBe(undefined);
  });
});
