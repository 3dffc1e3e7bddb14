import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBenchmarkPlan, PLAN_WORKFLOW_PATH } from '../../../src/benchmark/benchmark-plan.ts';
import { describeWorkflow, getRoleByClass, getSamplingNodeIds, withSeed } from '../../../src/benchmark/custom-workflow.ts';
import type { GateConfig, WorkflowGraph } from '../../../src/config/gate-config.ts';
import { PLAN_DEFAULTS } from '../../../src/config/defaults.ts';
import { REPO_ROOT } from '../../../fixtures/fake-env.ts';

const { checkpoint, width, height, steps, sampler, scheduler, cfg, prompt, negativePrompt } = PLAN_DEFAULTS;
const BENCHMARK = { checkpoint, width, height, steps, sampler, scheduler, cfg, prompt, negativePrompt, seed: 42 };
const PLAN_FILE = readFileSync(join(REPO_ROOT, PLAN_WORKFLOW_PATH));

// SDXL base + refiner, as ComfyUI exports it: two KSamplerAdvanced, a seed that comes through a link.
const TWO_SAMPLERS: WorkflowGraph = {
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd_xl_base_1.0.safetensors' } },
  '5': { class_type: 'EmptyLatentImage', inputs: { width: 1024, height: 768, batch_size: 1 } },
  '10': { class_type: 'KSamplerAdvanced', inputs: { noise_seed: 5, steps: 25, sampler_name: 'dpmpp_2m', model: ['4', 0], latent_image: ['5', 0] } },
  '11': { class_type: 'KSamplerAdvanced', inputs: { noise_seed: ['20', 0], steps: 25, sampler_name: 'euler', model: ['4', 0], latent_image: ['10', 0] } },
  '20': { class_type: 'PrimitiveNode', inputs: { value: 9 } },
  '17': { class_type: 'VAEDecode', inputs: { samples: ['11', 0], vae: ['4', 2] } },
  '19': { class_type: 'SaveImage', inputs: { images: ['17', 0], filename_prefix: 'x' } },
};

describe('getBenchmarkPlan', () => {
  it("is the plan's workflow unless GATE_WORKFLOW is set, named by path and SHA-256", () => {
    const plan = getBenchmarkPlan({ benchmark: BENCHMARK } as GateConfig);
    expect(plan.info).toEqual({
      source: 'plan',
      path: 'src/benchmark/benchmark-workflow.json',
      sha256: createHash('sha256').update(PLAN_FILE).digest('hex'),
      samplerNode: { id: '3', classType: 'KSampler' },
      steps: 20,
      sampler: 'euler_ancestral',
      checkpoint: 'anything-v5-PrtRE.safetensors',
      width: 512,
      height: 512,
    });
    expect(plan.samplingNodeIds).toEqual(['3']);
    expect(plan.expectedImage).toEqual({ width: 512, height: 512 });
    expect(plan.build(7)['3']?.inputs.seed).toBe(7);
    expect(plan.getRole('4', 'CheckpointLoaderSimple')).toBe('checkpoint load');
  });

  it('runs a GATE_WORKFLOW workflow with the run’s seed in every sampler, its figures read off its nodes', () => {
    const plan = getBenchmarkPlan({
      benchmark: BENCHMARK,
      workflow: { path: '/w/sdxl.json', sha256: 'ab'.repeat(32), sizeBytes: 1, graph: TWO_SAMPLERS },
    } as GateConfig);
    expect(plan.info).toEqual({
      source: 'custom',
      path: '/w/sdxl.json',
      sha256: 'ab'.repeat(32),
      samplerNode: { id: '10', classType: 'KSamplerAdvanced' },
      steps: 25,
      sampler: 'dpmpp_2m',
      checkpoint: 'sd_xl_base_1.0.safetensors',
      width: 1024,
      height: 768,
    });
    expect(plan.samplingNodeIds).toEqual(['10', '11']);
    expect(plan.expectedImage).toBe(undefined);
    const built = plan.build(123);
    expect(built['10']?.inputs.noise_seed).toBe(123);
    expect(built['11']?.inputs.noise_seed).toEqual(['20', 0]);
    expect(TWO_SAMPLERS['10']?.inputs.noise_seed).toBe(5);
    expect(plan.getRole('4', 'CheckpointLoaderSimple')).toBe('checkpoint load');
    expect(plan.getRole('17', 'VAEDecode')).toBe('decode');
  });
});

describe('custom workflows', () => {
  it('has no sampler figures without a KSampler or KSamplerAdvanced', () => {
    const graph: WorkflowGraph = {
      '1': { class_type: 'LoadImage', inputs: { image: 'a.png' } },
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0] } },
    };
    expect(describeWorkflow(graph)).toEqual({});
    expect(getSamplingNodeIds(graph)).toEqual([]);
    expect(withSeed(graph, 1)).toEqual(graph);
  });

  it('sets every constant seed, KSampler and SamplerCustom alike', () => {
    const graph: WorkflowGraph = { '3': { class_type: 'KSampler', inputs: { seed: 1 } }, '8': { class_type: 'RandomNoise', inputs: { noise_seed: 2 } } };
    expect(withSeed(graph, 99)).toEqual({
      '3': { class_type: 'KSampler', inputs: { seed: 99 } },
      '8': { class_type: 'RandomNoise', inputs: { noise_seed: 99 } },
    });
  });

  it('gives each class a role, loaders of every kind as model load', () => {
    expect(
      [
        'CheckpointLoaderSimple',
        'LoraLoader',
        'UNETLoader',
        'CLIPTextEncodeSDXL',
        'KSampler',
        'SamplerCustomAdvanced',
        'VAEDecodeTiled',
        'PreviewImage',
        'EmptySD3LatentImage',
        'ImageScale',
        undefined,
      ].map(getRoleByClass),
    ).toEqual(['checkpoint load', 'model load', 'model load', 'text encode', 'sampling', 'sampling', 'decode', 'save', 'latent', 'other', 'other']);
  });
});
