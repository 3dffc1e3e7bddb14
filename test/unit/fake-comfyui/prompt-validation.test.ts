import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeProcess, startFake, stopAllFakes } from './support/fake-process.ts';
import { getPromptPosts, loadRecording, makeRecordedInstall, RECORDINGS_DIR } from './support/recordings.ts';

// Every prompt the real server rejected, sent again: the fake must answer with the same status,
// content type and body, byte for byte where the recording has the text.

const recording = loadRecording('0.3.64-cuda');
const rejected = getPromptPosts(recording).filter((exchange) => exchange.status !== 200);

let fake: FakeProcess;

beforeAll(async () => {
  fake = await startFake({ comfyDir: makeRecordedInstall() });
});

afterAll(stopAllFakes);

async function send(body: string): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${fake.url}/prompt`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

describe('POST /prompt rejections', () => {
  test('the recording has the seven rejected prompts', () => {
    expect(rejected.map((exchange) => (exchange.json as { error?: { type: string } } | undefined)?.error?.type ?? exchange.status)).toEqual([
      'prompt_outputs_failed_validation',
      'invalid_prompt',
      'prompt_no_outputs',
      'prompt_outputs_failed_validation',
      'prompt_outputs_failed_validation',
      'no_prompt',
      500,
    ]);
  });

  test.each(rejected.map((exchange, index) => [index, exchange] as const))('rejection %i answers exactly as recorded', async (_index, exchange) => {
    const answer = await send(exchange.request_data ?? JSON.stringify(exchange.request_json));
    expect(answer.status).toBe(exchange.status);
    expect(answer.type).toBe(exchange.content_type);
    if (exchange.text !== undefined) expect(answer.text).toBe(exchange.text);
    else expect(JSON.parse(answer.text)).toEqual(exchange.json);
  });

  test('bodies are Python json.dumps text, not compact JSON', async () => {
    const answer = await send('{}');
    expect(answer.text).toBe(
      '{"error": {"type": "no_prompt", "message": "No prompt provided", "details": "No prompt provided", "extra_info": {}}, "node_errors": {}}',
    );
  });

  test('the server log explains each rejection with the recorded lines', () => {
    const recordedLog = readFileSync(join(RECORDINGS_DIR, '0.3.64-cuda', 'comfyui.log'), 'utf8').split('\n');
    const first = recordedLog.findIndex((line) => line.startsWith('Failed to validate prompt'));
    const last = recordedLog.findIndex((line) => line.startsWith('Error handling request'));
    const expected = recordedLog.slice(first, last).filter((line) => line !== 'got prompt');
    expect(expected).toHaveLength(17);
    const actual = fake.stderr().split('\n');
    let cursor = 0;
    for (const line of expected) {
      const found = actual.indexOf(line, cursor);
      expect(found, `log line missing or out of order: ${line}`).toBeGreaterThanOrEqual(0);
      cursor = found + 1;
    }
  });

  test('a number, a missing input and an unknown link are rejected in ComfyUI style', async () => {
    const prompt = {
      '3': {
        class_type: 'KSampler',
        inputs: {
          seed: 1,
          steps: 0,
          cfg: 7,
          sampler_name: 'euler',
          scheduler: 'normal',
          denoise: 1,
          model: ['4', 0],
          positive: ['6', 0],
          negative: ['6', 0],
          latent_image: ['5', 0],
        },
      },
      '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd15-random.safetensors' } },
      '5': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512 } },
      '6': { class_type: 'CLIPTextEncode', inputs: { text: 'x', clip: ['99', 1] } },
      '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
      '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'x', images: ['8', 0] } },
    };
    const answer = await send(JSON.stringify({ prompt }));
    const body = JSON.parse(answer.text) as {
      error: { type: string };
      node_errors: Record<string, { errors: { type: string; message: string; details: string }[] }>;
    };
    expect(answer.status).toBe(400);
    expect(body.error.type).toBe('prompt_outputs_failed_validation');
    expect(body.node_errors['3']?.errors.map(({ type, message, details }) => ({ type, message, details }))).toEqual([
      { type: 'value_smaller_than_min', message: 'Value 0 smaller than min of 1', details: 'steps' },
    ]);
    expect(body.node_errors['5']?.errors.map((error) => error.type)).toEqual(['required_input_missing']);
    expect(body.node_errors['6']?.errors.map((error) => error.type)).toEqual(['exception_during_inner_validation']);
  });

  test('rejections use up queue numbers like ComfyUI, a malformed body does not', async () => {
    const own = await startFake({ comfyDir: fake.comfyDir });
    const post = async (body: string) => {
      const response = await fetch(`${own.url}/prompt`, { method: 'POST', body });
      return { status: response.status, json: (await response.json().catch(() => undefined)) as { number?: number } | undefined };
    };
    const valid = structuredClone(rejected[0]?.request_json) as { prompt: Record<string, { inputs: Record<string, unknown> }> };
    (valid.prompt['4'] as { inputs: Record<string, unknown> }).inputs.ckpt_name = 'sd15-random.safetensors';
    expect((await post('{}')).status).toBe(400); // number 0
    expect((await post('{not json')).status).toBe(500); // fails before a number is taken
    expect((await post('{"prompt": {}}')).status).toBe(400); // number 1
    const accepted = await post(JSON.stringify(valid));
    expect([accepted.status, accepted.json?.number]).toEqual([200, 2]);
  });
});
