import rawTemplate from './benchmark-workflow.json' with { type: 'json' };
import { z } from 'zod';
import type { BenchmarkParameters } from '../config/gate-config.ts';
import { WorkflowError } from '../comfyui/errors.ts';
import { apiWorkflowSchema, formatIssues } from '../comfyui/schemas.ts';
import type { ApiWorkflow } from '../comfyui/schemas.ts';

/** The values the benchmark run varies (the plan's defaults live in config/defaults.ts). */
export type BenchmarkParams = BenchmarkParameters;

export type NodeRole = 'checkpoint load' | 'text encode' | 'latent' | 'sampling' | 'decode' | 'save';

/** What each node of the benchmark workflow does, by node id. */
export const BENCHMARK_NODE_ROLES: Readonly<Record<string, NodeRole>> = Object.freeze({
  '4': 'checkpoint load',
  '6': 'text encode',
  '7': 'text encode',
  '5': 'latent',
  '3': 'sampling',
  '8': 'decode',
  '9': 'save',
});

// Node id → class and the inputs buildBenchmarkWorkflow writes: the template must have them.
const TEMPLATE_SHAPE: Readonly<Record<string, { classType: string; inputs: readonly string[] }>> = {
  '3': { classType: 'KSampler', inputs: ['seed', 'steps', 'cfg', 'sampler_name', 'scheduler'] },
  '4': { classType: 'CheckpointLoaderSimple', inputs: ['ckpt_name'] },
  '5': { classType: 'EmptyLatentImage', inputs: ['width', 'height'] },
  '6': { classType: 'CLIPTextEncode', inputs: ['text'] },
  '7': { classType: 'CLIPTextEncode', inputs: ['text'] },
  '8': { classType: 'VAEDecode', inputs: [] },
  '9': { classType: 'SaveImage', inputs: ['filename_prefix'] },
};

const dimension = z.number().int().positive().multipleOf(8, 'must be a positive multiple of 8');
const name = z.string().min(1, 'must not be empty');
const benchmarkParamsSchema = z.object({
  checkpoint: name,
  width: dimension,
  height: dimension,
  steps: z.number().int().min(1),
  sampler: name,
  scheduler: name,
  cfg: z.number().positive(),
  prompt: z.string(),
  negativePrompt: z.string(),
  seed: z.number().int().min(0),
});

/** A new API-format benchmark workflow with `params` written into a copy of fixtures/benchmark-workflow.json. */
export function buildBenchmarkWorkflow(params: BenchmarkParams): ApiWorkflow {
  const checked = benchmarkParamsSchema.safeParse(params);
  if (!checked.success) {
    const issues = checked.error.issues.map((issue) => {
      const key = issue.path.map(String).join('.');
      return `${key}: ${issue.message}; got ${JSON.stringify((params as unknown as Record<string, unknown>)[key])}`;
    });
    throw new WorkflowError({ what: 'Benchmark settings are invalid', issues });
  }
  const workflow = structuredClone(getBenchmarkTemplate());
  const set = (nodeId: string, input: string, value: unknown) => {
    const node = workflow[nodeId];
    if (node !== undefined) node.inputs[input] = value;
  };
  const { checkpoint, width, height, steps, sampler, scheduler, cfg, prompt, negativePrompt, seed } = checked.data;
  set('4', 'ckpt_name', checkpoint);
  set('5', 'width', width);
  set('5', 'height', height);
  set('6', 'text', prompt);
  set('7', 'text', negativePrompt);
  set('3', 'seed', seed);
  set('3', 'steps', steps);
  set('3', 'cfg', cfg);
  set('3', 'sampler_name', sampler);
  set('3', 'scheduler', scheduler);
  return workflow;
}

let template: ApiWorkflow | undefined;

/** The validated template (not a copy: do not mutate). */
export function getBenchmarkTemplate(): ApiWorkflow {
  template ??= parseBenchmarkTemplate(rawTemplate);
  return template;
}

/** Checks that a raw workflow is the benchmark graph buildBenchmarkWorkflow can fill in. */
export function parseBenchmarkTemplate(rawWorkflow: unknown): ApiWorkflow {
  const parsed = apiWorkflowSchema.safeParse(rawWorkflow);
  if (!parsed.success) throw new WorkflowError({ what: 'fixtures/benchmark-workflow.json is not an API-format workflow', issues: formatIssues(parsed.error) });
  const issues = Object.entries(TEMPLATE_SHAPE).flatMap(([nodeId, { classType, inputs }]) => {
    const node = parsed.data[nodeId];
    if (node === undefined) return [`node ${nodeId} (${classType}) is missing`];
    if (node.class_type !== classType) return [`node ${nodeId} is ${node.class_type}, expected ${classType}`];
    return inputs.filter((input) => !(input in node.inputs)).map((input) => `node ${nodeId} (${classType}) has no input ${input}`);
  });
  if (issues.length > 0) throw new WorkflowError({ what: 'fixtures/benchmark-workflow.json is not the benchmark graph', issues });
  return parsed.data;
}
