import type { WorkflowGraph } from '../config/gate-config.ts';
import type { WorkflowInfo } from '../truths/benchmark-report.ts';
import type { NodeRole } from './workflow.ts';

/** The node classes whose `steps` and progress make the benchmark's steps and steps/s. */
export const SAMPLER_CLASSES: readonly string[] = ['KSampler', 'KSamplerAdvanced'];
/** Every class that samples: a cached one means the run measured nothing. */
const SAMPLING_CLASSES: readonly string[] = [...SAMPLER_CLASSES, 'SamplerCustom', 'SamplerCustomAdvanced'];
/** Inputs that carry a sampler's seed: KSampler's `seed`, the others' `noise_seed`. */
const SEED_INPUTS: readonly string[] = ['seed', 'noise_seed'];

/** Node ids in ComfyUI's own order for display: numeric ids by number, others after them. */
export function getSortedNodeIds(graph: WorkflowGraph): string[] {
  return Object.keys(graph).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
}

/** Ids of every sampling node (KSampler, KSamplerAdvanced, SamplerCustom…), in id order. */
export function getSamplingNodeIds(graph: WorkflowGraph): string[] {
  return getSortedNodeIds(graph).filter((id) => SAMPLING_CLASSES.includes(graph[id]?.class_type ?? ''));
}

/**
 * A copy of the workflow with every constant seed (`seed`, `noise_seed`) set to `seed`, so each run
 * is new to ComfyUI's cache; a seed that comes through a link is left alone (it cannot be set here).
 */
export function withSeed(graph: WorkflowGraph, seed: number): Record<string, { class_type: string; inputs: Record<string, unknown> }> {
  const copy = structuredClone(graph) as Record<string, { class_type: string; inputs: Record<string, unknown> }>;
  for (const node of Object.values(copy)) {
    for (const input of SEED_INPUTS) if (typeof node.inputs[input] === 'number') node.inputs[input] = seed;
  }
  return copy;
}

/** What a workflow runs, read off its nodes: the sampler node with its steps and sampler, the checkpoint, the latent size. */
export function describeWorkflow(graph: WorkflowGraph): Omit<WorkflowInfo, 'source' | 'path' | 'sha256'> {
  const ids = getSortedNodeIds(graph);
  const samplerId = ids.find((id) => SAMPLER_CLASSES.includes(graph[id]?.class_type ?? ''));
  const sampler = samplerId === undefined ? undefined : graph[samplerId];
  const input = (id: string | undefined, name: string) => (id === undefined ? undefined : graph[id]?.inputs[name]);
  const loaderId = ids.find((id) => typeof input(id, 'ckpt_name') === 'string');
  const latentId = ids.find(
    (id) => /Latent/.test(graph[id]?.class_type ?? '') && typeof input(id, 'width') === 'number' && typeof input(id, 'height') === 'number',
  );
  const numberOf = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const textOf = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const found = {
    steps: numberOf(input(samplerId, 'steps')),
    sampler: textOf(input(samplerId, 'sampler_name')),
    checkpoint: textOf(input(loaderId, 'ckpt_name')),
    width: numberOf(input(latentId, 'width')),
    height: numberOf(input(latentId, 'height')),
  };
  return {
    ...(samplerId === undefined || sampler === undefined ? {} : { samplerNode: { id: samplerId, classType: sampler.class_type } }),
    ...Object.fromEntries(Object.entries(found).filter(([, value]) => value !== undefined)),
  };
}

/** What a node of any workflow does, by its class: loaders and text encoders are what a warm server keeps. */
export function getRoleByClass(classType: string | undefined): NodeRole | 'model load' | 'other' {
  const name = classType ?? '';
  if (name === 'CheckpointLoaderSimple' || name === 'CheckpointLoader') return 'checkpoint load';
  if (/Loader/.test(name)) return 'model load';
  if (/TextEncode/.test(name)) return 'text encode';
  if (SAMPLING_CLASSES.includes(name)) return 'sampling';
  if (/^VAEDecode/.test(name)) return 'decode';
  if (/^(Save|Preview)Image/.test(name)) return 'save';
  if (/^Empty.*Latent/.test(name)) return 'latent';
  return 'other';
}
