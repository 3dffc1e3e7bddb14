import { describe, expect, it } from 'vitest';
import { envSchema } from '../../../src/config/env-schema.ts';
import { checkUnknownVariables, getClosestName, getEditDistance } from '../../../src/config/unknown-variables.ts';
import { ConfigError } from '../../../src/errors.ts';

const KNOWN = Object.keys(envSchema.shape);

function getError(env: Record<string, string>): ConfigError {
  try {
    checkUnknownVariables(env, KNOWN);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('checkUnknownVariables', () => {
  it('stops on a GATE_ typo and names the closest known variable', () => {
    const error = getError({ GATE_BUGDET_S: '60' });
    expect(error.message).toBe('GATE_BUGDET_S is not a setting the gate knows (did you mean GATE_BUDGET_S?)');
    expect(error.hint).toBe('rename it to GATE_BUDGET_S, or unset it (the configuration table in README.md lists every setting)');
    expect(error.context).toEqual({ variables: ['GATE_BUGDET_S'] });
  });

  it('names every unknown GATE_ variable, with a suggestion only where one is close', () => {
    const error = getError({ GATE_STEP: '30', GATE_COLOUR_SCHEME: 'dark', GATE_RUN: '3' });
    expect(error.message).toBe(
      [
        'GATE_COLOUR_SCHEME is not a setting the gate knows',
        'GATE_RUN is not a setting the gate knows (did you mean GATE_RUNS?)',
        'GATE_STEP is not a setting the gate knows (did you mean GATE_STEPS?)',
      ].join('\n'),
    );
    expect(error.hint).toBe('rename it to GATE_RUNS, GATE_STEPS, or unset it (the configuration table in README.md lists every setting)');
  });

  it('only warns about an unknown COMFYUI_ variable: other tools use that prefix', () => {
    expect(checkUnknownVariables({ COMFYUI_PROT: '8189', COMFYUI_MODEL_PATH: '/models' }, KNOWN)).toEqual([
      'COMFYUI_MODEL_PATH is not a setting the gate knows: ignored',
      'COMFYUI_PROT is not a setting the gate knows (did you mean COMFYUI_PORT?): ignored',
    ]);
  });

  it("passes over the test fakes' variables, GATE_E2E_TAG, other prefixes and empty values", () => {
    const env = {
      FAKE_COMFYUI_STEP_MS: '15',
      FAKE_GPU_MODE: 'flat',
      GATE_E2E_TAG: 'tag',
      GATE_BUDGET_S: '60',
      GATE_BUGDET_S: '',
      PATH: '/bin',
      gate_budget: '1',
    };
    expect(checkUnknownVariables(env, KNOWN)).toEqual([]);
  });
});

describe('getClosestName', () => {
  it('finds a swapped, missing, extra or wrong letter, and nothing for another name', () => {
    expect(getClosestName('GATE_BUGDET_S', KNOWN)).toBe('GATE_BUDGET_S');
    expect(getClosestName('GATE_CHECKPOINTS', KNOWN)).toBe('GATE_CHECKPOINT');
    expect(getClosestName('GATE_SEEED', KNOWN)).toBe('GATE_SEED');
    expect(getClosestName('COMFYUI_PROT', KNOWN)).toBe('COMFYUI_PORT');
    expect(getClosestName('GATE_WORKFLOWS', KNOWN)).toBe('GATE_WORKFLOW');
    expect(getClosestName('GATE_COLOUR_SCHEME', KNOWN)).toBe(undefined);
    expect(getClosestName('GATE_X', KNOWN)).toBe(undefined);
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(getEditDistance('ab', 'ba')).toBe(1);
    expect(getEditDistance('kitten', 'sitting')).toBe(3);
    expect(getEditDistance('', 'abc')).toBe(3);
    expect(getEditDistance('same', 'same')).toBe(0);
  });
});
