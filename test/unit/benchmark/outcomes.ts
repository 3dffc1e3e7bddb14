import type { RunOutcome } from '../../../src/comfyui/run-outcome.ts';

// Run outcomes as the client reports them, built from a few numbers: the benchmark's nodes run one
// after another from `submittedAt`, the sampler's 20 steps evenly spread over its time.

export interface OutcomeShape {
  readonly submittedAt?: number;
  /** Node id → [class, seconds], in execution order; nodes not listed were cached. */
  readonly nodes?: readonly (readonly [string, string, number])[];
  readonly cachedNodes?: readonly string[];
  /** Server run time minus client run time, in ms (negative: the client saw it later). */
  readonly serverGapMs?: number;
  readonly steps?: number;
  readonly stepNode?: string | null;
  readonly extras?: Partial<RunOutcome>;
}

export const COLD_NODES = [
  ['4', 'CheckpointLoaderSimple', 0.8],
  ['5', 'EmptyLatentImage', 0.01],
  ['7', 'CLIPTextEncode', 0.2],
  ['6', 'CLIPTextEncode', 0.2],
  ['3', 'KSampler', 2],
  ['8', 'VAEDecode', 0.3],
  ['9', 'SaveImage', 0.05],
] as const;

export const WARM_NODES = [
  ['3', 'KSampler', 1],
  ['8', 'VAEDecode', 0.1],
  ['9', 'SaveImage', 0.05],
] as const;

/** A successful outcome with the given nodes and timing. */
export function makeOutcome(shape: OutcomeShape = {}): RunOutcome {
  const { submittedAt = 1_000_000, nodes = COLD_NODES, cachedNodes = [], serverGapMs = -30, steps = 20, stepNode = '3', extras = {} } = shape;
  let at = submittedAt + 10;
  const timed = nodes.map(([id, classType, seconds]) => {
    const startedAt = at;
    at += seconds * 1000;
    return { id, classType, startedAt, endedAt: at };
  });
  const sampler = timed.find((node) => node.classType === 'KSampler');
  const stepEvents =
    sampler === undefined
      ? []
      : Array.from({ length: steps }, (_, index) => ({
          value: index + 1,
          max: steps,
          at: sampler.startedAt + ((sampler.endedAt - sampler.startedAt) * (index + 1)) / steps,
          node: stepNode,
        }));
  const completedAt = at + 5;
  return {
    promptId: 'p1',
    via: 'websocket',
    submittedAt,
    completedAt,
    serverStart: 5_000_000,
    serverEnd: 5_000_000 + (completedAt - submittedAt) + serverGapMs,
    nodes: timed,
    cachedNodeIds: cachedNodes,
    executedNodeIds: timed.map((node) => node.id),
    cachedNodes,
    steps: stepEvents,
    images: [{ filename: 'comfyui-gate_00001_.png', subfolder: '', type: 'output' }],
    ...extras,
  };
}
