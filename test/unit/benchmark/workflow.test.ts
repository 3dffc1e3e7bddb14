import { describe, expect, it } from 'vitest';
import { WorkflowError } from '../../../src/comfyui/errors.ts';
import { BENCHMARK_NODE_ROLES, buildBenchmarkWorkflow, getBenchmarkTemplate, parseBenchmarkTemplate } from '../../../src/benchmark/workflow.ts';
import { getHistoryEntryOf, getRun } from '../comfyui/recordings.ts';
import { PLAN_DEFAULTS } from '../../../src/config/defaults.ts';

const { checkpoint, width, height, steps, sampler, scheduler, cfg, prompt, negativePrompt } = PLAN_DEFAULTS;
const PLAN_BENCHMARK = { checkpoint, width, height, steps, sampler, scheduler, cfg, prompt, negativePrompt };

describe('buildBenchmarkWorkflow', () => {
  const recorded = (getHistoryEntryOf(getRun('0.3.64-cuda', 'cold').run) as { prompt: [number, string, Record<string, unknown>] }).prompt[2];

  it('is the recorded benchmark graph with the plan values', () => {
    const workflow = buildBenchmarkWorkflow({ ...PLAN_BENCHMARK, seed: 1 });
    expect(Object.keys(workflow).sort()).toEqual(['3', '4', '5', '6', '7', '8', '9']);
    // Only the checkpoint and the file prefix differ from the recording.
    const expected = structuredClone(recorded) as Record<string, { inputs: Record<string, unknown> }>;
    expected['4']!.inputs.ckpt_name = 'anything-v5-PrtRE.safetensors';
    expected['9']!.inputs.filename_prefix = 'comfyui-gate';
    expect(workflow).toEqual(expected);
  });

  it('writes every parameter into its node and leaves the template alone', () => {
    const workflow = buildBenchmarkWorkflow({
      checkpoint: 'sd15-random.safetensors',
      width: 640,
      height: 384,
      steps: 4,
      sampler: 'euler',
      scheduler: 'karras',
      cfg: 5.5,
      prompt: 'a cat',
      negativePrompt: 'blurry',
      seed: 42,
    });
    expect(workflow['4']?.inputs).toEqual({ ckpt_name: 'sd15-random.safetensors' });
    expect(workflow['5']?.inputs).toEqual({ width: 640, height: 384, batch_size: 1 });
    expect(workflow['6']?.inputs.text).toBe('a cat');
    expect(workflow['7']?.inputs.text).toBe('blurry');
    expect(workflow['3']?.inputs).toMatchObject({ seed: 42, steps: 4, cfg: 5.5, sampler_name: 'euler', scheduler: 'karras' });
    expect(getBenchmarkTemplate()['3']?.inputs.seed).toBe(1);
    expect(getBenchmarkTemplate()['4']?.inputs.ckpt_name).toBe('anything-v5-PrtRE.safetensors');
  });

  it('rejects unusable values, showing them', () => {
    expect(() => buildBenchmarkWorkflow({ ...PLAN_BENCHMARK, width: 510, seed: 1 })).toThrow(
      new WorkflowError({ what: 'Benchmark settings are invalid', issues: ['width: must be a positive multiple of 8; got 510'] }),
    );
    expect(() => buildBenchmarkWorkflow({ ...PLAN_BENCHMARK, steps: 0, seed: 1 })).toThrow(/steps: .*; got 0/);
  });

  it('rejects a template that is not the benchmark graph', () => {
    expect(() => parseBenchmarkTemplate({ ...recorded, '3': { class_type: 'KSamplerAdvanced', inputs: {} } })).toThrow(
      'fixtures/benchmark-workflow.json is not the benchmark graph: node 3 is KSamplerAdvanced, expected KSampler',
    );
    expect(() => parseBenchmarkTemplate({ '3': { inputs: {} } })).toThrow(/3\.class_type/);
  });

  it('gives every node a role', () => {
    expect(Object.keys(BENCHMARK_NODE_ROLES).sort()).toEqual(Object.keys(getBenchmarkTemplate()).sort());
    expect(BENCHMARK_NODE_ROLES['3']).toBe('sampling');
    expect(BENCHMARK_NODE_ROLES['4']).toBe('checkpoint load');
  });
});
