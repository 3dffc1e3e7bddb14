import { getPromptPosts, loadRecording } from './recordings.ts';
import type { SocketRecorder, TextFrame } from './socket-recorder.ts';

// The recorded benchmark workflow, and submitting it to a fake.

type Prompt = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

const recordedPrompt = (getPromptPosts(loadRecording('0.3.64-cuda'))[0]?.request_json as { prompt: Prompt } | undefined)?.prompt as Prompt;

/** The benchmark workflow (default ComfyUI graph) on the install folder's checkpoint. */
export function getBenchmarkPrompt(overrides: { seed?: number; steps?: number; width?: number; height?: number } = {}): Prompt {
  const prompt = structuredClone(recordedPrompt);
  const sampler = prompt['3']?.inputs ?? {};
  const latent = prompt['5']?.inputs ?? {};
  if (prompt['4'] !== undefined) prompt['4'].inputs.ckpt_name = 'anything-v5-PrtRE.safetensors';
  if (overrides.seed !== undefined) sampler.seed = overrides.seed;
  if (overrides.steps !== undefined) sampler.steps = overrides.steps;
  if (overrides.width !== undefined) latent.width = overrides.width;
  if (overrides.height !== undefined) latent.height = overrides.height;
  return prompt;
}

/** POST /prompt with a client id; returns the prompt id. */
export async function submitPrompt(baseUrl: string, prompt: Prompt, clientId: string): Promise<string> {
  const response = await fetch(`${baseUrl}/prompt`, { method: 'POST', body: JSON.stringify({ prompt, client_id: clientId }) });
  const body = (await response.json()) as { prompt_id?: string };
  if (response.status !== 200 || body.prompt_id === undefined) throw new Error(`POST /prompt answered ${response.status}: ${JSON.stringify(body)}`);
  return body.prompt_id;
}

/** Submits and waits for the run's `executing null`; returns the frames it produced. */
export async function runToEnd(baseUrl: string, socket: SocketRecorder, prompt: Prompt): Promise<{ promptId: string; frames: TextFrame[] }> {
  const from = socket.texts().length;
  const promptId = await submitPrompt(baseUrl, prompt, clientIdOf(socket));
  await socket.waitFor((frame) => frame.type === 'executing' && frame.data.node === null && frame.data.prompt_id === promptId, 10_000, from);
  return { promptId, frames: socket.texts().slice(from) };
}

/** GET /history/<id> → the entry, or undefined while the run is not finished. */
export async function getHistoryEntry(baseUrl: string, promptId: string): Promise<Record<string, unknown> | undefined> {
  const body = (await (await fetch(`${baseUrl}/history/${promptId}`)).json()) as Record<string, Record<string, unknown>>;
  return body[promptId];
}

/** Polls history until the prompt has an entry. */
export async function waitForHistory(baseUrl: string, promptId: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const entry = await getHistoryEntry(baseUrl, promptId);
    if (entry !== undefined) return entry;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no history for ${promptId} within ${timeoutMs} ms`);
}

function clientIdOf(socket: SocketRecorder): string {
  return new URL(socket.socket.url).searchParams.get('clientId') ?? '';
}
