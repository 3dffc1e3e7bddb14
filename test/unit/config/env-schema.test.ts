import { describe, expect, it } from 'vitest';
import { envSchema } from '../../../src/config/env-schema.ts';

/** The messages of a failed parse, as `NAME: message` lines. */
function getIssues(env: Record<string, string>): string[] {
  const result = envSchema.safeParse(env);
  if (result.success) throw new Error(`expected ${JSON.stringify(env)} to be refused`);
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('envSchema', () => {
  it("fills in the plan's values for an empty environment", () => {
    expect(envSchema.parse({})).toEqual({
      COMFYUI_DIR: '~/tools/ComfyUI',
      COMFYUI_ALLOW_REMOTE: false,
      COMFYUI_PORT: 8188,
      COMFYUI_FORCE_FP16: true,
      COMFYUI_EXPECT_DEVICE: 'mps',
      COMFYUI_READY_TIMEOUT_S: 180,
      COMFYUI_ARGS: [],
      GATE_CHECKPOINT: 'anything-v5-PrtRE.safetensors',
      GATE_WIDTH: 512,
      GATE_HEIGHT: 512,
      GATE_STEPS: 20,
      GATE_SAMPLER: 'euler_ancestral',
      GATE_SCHEDULER: 'normal',
      GATE_CFG: 7,
      GATE_PROMPT: 'anime character, white cloak, standing, masterpiece',
      GATE_RUNS: 1,
      GATE_BUDGET_S: 120,
      GATE_DEADLINE_S: 0,
      GATE_REPORT_DIR: 'reports',
      GATE_GPU_SAMPLER: 'auto',
      GATE_GPU_INTERVAL_MS: 250,
      GATE_GPU_THRESHOLD: 1,
      GATE_GPU_IDLE_S: 30,
      GATE_SOCKET_SILENCE_S: 10,
      GATE_SKIP: [],
      GATE_SIMULATED: false,
      KOHYA_DIR: '~/tools/kohya_ss',
      ACCELERATE_CONFIG: '~/.cache/huggingface/accelerate/default_config.yaml',
    });
  });

  it('reads flags as 1/0, true/false or yes/no', () => {
    for (const [raw, value] of [
      ['1', true],
      ['true', true],
      ['yes', true],
      ['0', false],
      ['false', false],
      ['no', false],
    ] as const) {
      expect(envSchema.parse({ COMFYUI_ALLOW_REMOTE: raw }).COMFYUI_ALLOW_REMOTE).toBe(value);
    }
    expect(getIssues({ COMFYUI_FORCE_FP16: 'on' })).toEqual(['COMFYUI_FORCE_FP16: must be 1 or 0']);
  });

  it('takes decimals where seconds are asked for, whole numbers where counts are', () => {
    expect(envSchema.parse({ GATE_BUDGET_S: ' 90.5 ' }).GATE_BUDGET_S).toBe(90.5);
    expect(getIssues({ GATE_STEPS: '20.5' })).toEqual(['GATE_STEPS: must be a whole number']);
    expect(getIssues({ GATE_BUDGET_S: '2m' })).toEqual(['GATE_BUDGET_S: must be a number']);
    expect(getIssues({ GATE_BUDGET_S: '0' })).toEqual(['GATE_BUDGET_S: must be more than 0']);
  });

  it('checks ranges with messages that say the allowed values', () => {
    expect(getIssues({ COMFYUI_PORT: '0' })).toEqual(['COMFYUI_PORT: must be 1-65535']);
    expect(getIssues({ GATE_HEIGHT: '32' })).toEqual(['GATE_HEIGHT: must be at least 64']);
    expect(getIssues({ GATE_GPU_INTERVAL_MS: '20' })).toEqual(['GATE_GPU_INTERVAL_MS: must be at least 50']);
    expect(getIssues({ GATE_GPU_THRESHOLD: '101' })).toEqual(['GATE_GPU_THRESHOLD: must be 0-100']);
    expect(getIssues({ GATE_CFG: '-1' })).toEqual(['GATE_CFG: must be 0 or more']);
  });

  it('refuses a blank text value instead of using it', () => {
    expect(getIssues({ GATE_CHECKPOINT: '   ' })).toEqual(['GATE_CHECKPOINT: must not be empty']);
  });
});
