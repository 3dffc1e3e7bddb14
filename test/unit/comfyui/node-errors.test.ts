import { describe, expect, it } from 'vitest';
import { formatPromptRejection, getAllowedValues, getMissingCheckpoint } from '../../../src/comfyui/node-errors.ts';
import { promptRejectionSchema } from '../../../src/comfyui/schemas.ts';
import type { PromptRejection } from '../../../src/comfyui/schemas.ts';
import { loadRecording } from './recordings.ts';

const rejected = loadRecording('0.3.64-cuda').http.filter((exchange) => exchange.path === '/prompt' && exchange.status >= 400);

function getBody(index: number): PromptRejection {
  return promptRejectionSchema.parse(rejected[index]?.json);
}

describe('formatPromptRejection', () => {
  it('covers the seven recorded rejections', () => {
    expect(rejected.map((exchange) => exchange.status)).toEqual([400, 400, 400, 400, 400, 400, 500]);
  });

  it('names the missing checkpoint and the installed ones (value_not_in_list on ckpt_name)', () => {
    expect(formatPromptRejection(getBody(0))).toBe('checkpoint does-not-exist.safetensors not found; installed: corrupt.safetensors, sd15-random.safetensors');
    expect(getMissingCheckpoint(getBody(0))).toBe('does-not-exist.safetensors');
  });

  it('gives the plan checkpoint when that one is missing', () => {
    const body = structuredClone(getBody(0));
    const error = body.node_errors?.['4']?.errors[0];
    if (error?.extra_info === undefined) throw new Error('fixture changed');
    error.extra_info.received_value = 'anything-v5-PrtRE.safetensors';
    expect(formatPromptRejection(body)).toBe('checkpoint anything-v5-PrtRE.safetensors not found; installed: corrupt.safetensors, sd15-random.safetensors');
  });

  it('reads the installed list from details when input_config is not the list', () => {
    const body = structuredClone(getBody(0));
    const error = body.node_errors?.['4']?.errors[0];
    if (error?.extra_info === undefined) throw new Error('fixture changed');
    error.extra_info.input_config = null;
    delete error.extra_info.received_value;
    expect(getAllowedValues(error)).toEqual(['corrupt.safetensors', 'sd15-random.safetensors']);
    expect(formatPromptRejection(body)).toBe('checkpoint does-not-exist.safetensors not found; installed: corrupt.safetensors, sd15-random.safetensors');
  });

  it('explains an unknown node class (invalid_prompt)', () => {
    expect(formatPromptRejection(getBody(1))).toBe("Cannot execute because node NoSuchNode does not exist. (Node ID '#1')");
  });

  it('explains a workflow without outputs (prompt_no_outputs)', () => {
    expect(formatPromptRejection(getBody(2))).toBe('Prompt has no outputs');
  });

  it('names node, class, input and the conversion failure (invalid_input_type)', () => {
    expect(formatPromptRejection(getBody(3))).toBe(
      "node 3 (KSampler): steps: Failed to convert an input value to a INT value (steps, twenty, invalid literal for int() with base 10: 'twenty')",
    );
    expect(getMissingCheckpoint(getBody(3))).toBeUndefined();
  });

  it('shows an unknown sampler with the server details', () => {
    expect(formatPromptRejection(getBody(4))).toBe(
      "node 3 (KSampler): sampler_name: Value not in list (sampler_name: 'no_such_sampler' not in (list of length 42))",
    );
  });

  it('does not repeat details equal to the message (no_prompt)', () => {
    expect(formatPromptRejection(getBody(5))).toBe('No prompt provided');
  });

  it('shows a non-JSON body (the 500 for malformed JSON)', () => {
    expect(formatPromptRejection(rejected[6]?.text ?? '')).toBe(
      'ComfyUI answered with a non-JSON body: 500 Internal Server Error ⏎ ⏎ Server got itself in trouble',
    );
  });

  it('puts one line per node error, in node order', () => {
    const body: PromptRejection = {
      error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation' },
      node_errors: {
        '10': { errors: [{ type: 'required_input_missing', message: 'Required input is missing', details: 'vae' }], class_type: 'VAEDecode' },
        '9': { errors: [{ type: 'x', message: 'Bad', details: '' }] },
      },
    };
    expect(formatPromptRejection(body)).toBe('node 9: Bad\nnode 10 (VAEDecode): Required input is missing (vae)');
  });
});
