import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeProcess, startFake, stopAllFakes } from './support/fake-process.ts';
import { createNormalizer, getPromptPosts, getRun, getRunMessages, loadRecording, makeRecordedInstall } from './support/recordings.ts';
import { recordSocket, type SocketRecorder, type TextFrame } from './support/socket-recorder.ts';

// Replays the recorded session of ComfyUI 0.3.64 (cold, warm, warm, cached, queued pair,
// interrupted, failing) against one fake server and compares every WebSocket message and history
// entry with the recording, prompt ids and timestamps aside.

const recording = loadRecording('0.3.64-cuda');
const posts = getPromptPosts(recording);
const accepted = posts.filter((post) => post.status === 200);
const CLIENT_ID = recording.client_id;

let fake: FakeProcess;
let socket: SocketRecorder;
let comfyDir: string;

beforeAll(async () => {
  comfyDir = makeRecordedInstall();
  // Slow enough steps that the interrupt lands where the recorded one did (after step 3).
  fake = await startFake({ comfyDir, env: { FAKE_COMFYUI_DEVICE: 'cuda', FAKE_COMFYUI_STEP_MS: '30', FAKE_COMFYUI_NODE_MS: '3' } });
  socket = await recordSocket(fake.url, CLIENT_ID);
  await socket.waitFor((frame) => frame.type === 'status');
});

afterAll(async () => {
  socket.close();
  await stopAllFakes();
});

async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${fake.url}/prompt`, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function getHistory(promptId: string): Promise<unknown> {
  return (await fetch(`${fake.url}/history/${promptId}`)).json();
}

/** Submits a recorded request and collects frames until its `executing null`. */
async function replay(requestIndex: number): Promise<{ promptId: string; frames: TextFrame[] }> {
  const from = socket.texts().length;
  const recorded = accepted[requestIndex];
  const submitted = await post(recorded?.request_json);
  expect(submitted.status).toBe(200);
  expect(submitted.json.number).toBe((recorded?.json as { number: number } | undefined)?.number);
  const promptId = String(submitted.json.prompt_id);
  await socket.waitFor((frame) => frame.type === 'executing' && frame.data.node === null && frame.data.prompt_id === promptId, 10_000, from);
  return { promptId, frames: socket.texts().slice(from) };
}

const asMessages = (frames: readonly TextFrame[]) => frames.map(({ type, data }) => ({ type, data }));

describe('the recorded session, replayed', () => {
  test('the greeting is a status frame carrying the client id', () => {
    const [hello] = socket.texts();
    expect({ type: hello?.type, data: hello?.data }).toEqual(recording.ws_hello[0]?.msg);
  });

  test.each([
    ['cold', 0],
    ['warm1', 1],
    ['warm2', 2],
    ['cached', 3],
  ] as const)('the %s run sends exactly the recorded messages and history', async (label, index) => {
    const run = getRun(recording, label);
    const { promptId, frames } = await replay(index);
    expect(createNormalizer()(asMessages(frames))).toEqual(createNormalizer()(getRunMessages(run)));
    expect(createNormalizer()(await getHistory(promptId))).toEqual(createNormalizer()(run.history));
    if (label === 'cached') {
      // Fully cached: no progress at all, and the previous run's file is reported again.
      expect(frames.some((frame) => frame.type === 'progress')).toBe(false);
      expect(frames.find((frame) => frame.type === 'executed')?.data.output).toEqual({
        images: [{ filename: 'bench_00003_.png', subfolder: '', type: 'output' }],
      });
    }
  });

  test('a queued pair runs one after the other with the recorded messages', async () => {
    const run = getRun(recording, 'queued_pair');
    const from = socket.texts().length;
    const first = await post(accepted[4]?.request_json);
    const second = await post(accepted[5]?.request_json);
    expect([first.status, second.status]).toEqual([200, 200]);
    const queue = (await (await fetch(`${fake.url}/queue`)).json()) as { queue_running: unknown[][]; queue_pending: unknown[][] };
    expect(queue.queue_running.map((item) => item[1])).toEqual([first.json.prompt_id]);
    expect(queue.queue_pending.map((item) => item[1])).toEqual([second.json.prompt_id]);
    await socket.waitFor((frame) => frame.type === 'executing' && frame.data.node === null && frame.data.prompt_id === second.json.prompt_id, 10_000, from);
    const frames = socket.texts().slice(from);
    // When the second POST lands relative to the first run's frames is timing: compare status frames apart.
    const withoutStatus = (messages: { type: string }[]) => messages.filter((message) => message.type !== 'status');
    expect(createNormalizer()(withoutStatus(asMessages(frames)))).toEqual(createNormalizer()(withoutStatus(getRunMessages(run))));
    const remaining = frames
      .filter((frame) => frame.type === 'status')
      .map((frame) => (frame.data.status as { exec_info: { queue_remaining: number } }).exec_info.queue_remaining);
    expect(remaining).toContain(2);
    expect(remaining.at(-1)).toBe(0);
  });

  test('an interrupt lands at the next step boundary with the recorded execution_interrupted', async () => {
    const run = getRun(recording, 'interrupted');
    const from = socket.texts().length;
    const submitted = await post(accepted[6]?.request_json);
    const promptId = String(submitted.json.prompt_id);
    await socket.waitFor((frame) => frame.type === 'progress' && frame.data.value === 3, 10_000, from);
    const interrupt = await fetch(`${fake.url}/interrupt`, { method: 'POST' });
    expect([interrupt.status, interrupt.headers.get('content-type'), await interrupt.text()]).toEqual([200, null, '']);
    await socket.waitFor((frame) => frame.type === 'executing' && frame.data.node === null, 10_000, from);
    // The interrupt lands at the first step boundary after the POST: on a busy machine the fake may
    // finish a step or two more than the recording did before it reads the request.
    const stepOf = (frame: { type: string; data: Record<string, unknown> }): number =>
      frame.type === 'progress'
        ? Number(frame.data.value)
        : frame.type === 'progress_state'
          ? Number((frame.data.nodes as Record<string, { value: number }>)['3']?.value ?? 0)
          : 0;
    const frames = asMessages(socket.texts().slice(from)).filter((frame) => stepOf(frame) <= 3);
    // The recorder stopped at execution_interrupted; ComfyUI then sends status and `executing null` (recorded on CPU).
    const recorded = [
      ...getRunMessages(run),
      { type: 'status', data: { status: { exec_info: { queue_remaining: 0 } } } },
      { type: 'executing', data: { node: null, prompt_id: run.prompt_id } },
    ];
    expect(createNormalizer()(frames)).toEqual(createNormalizer()(recorded));
    expect(createNormalizer()(await getHistory(promptId))).toEqual(createNormalizer()(run.history));
  });

  test('a truncated checkpoint fails in CheckpointLoaderSimple with the recorded execution_error', async () => {
    const rejected = posts.filter((exchange) => exchange.status !== 200);
    for (const exchange of rejected) {
      // Rejected prompts use up queue numbers (recorded: the failing run is number 13).
      await fetch(`${fake.url}/prompt`, { method: 'POST', body: exchange.request_data ?? JSON.stringify(exchange.request_json) });
    }
    const run = getRun(recording, 'runtime_error');
    const { promptId, frames } = await replay(7);
    const toComparable = (messages: { type: string; data: Record<string, unknown> }[]) =>
      messages.map((message) =>
        message.type === 'execution_error'
          ? { ...message, data: { ...message.data, current_outputs: [...(message.data.current_outputs as string[])].sort() } }
          : message,
      );
    const normalizeFake = createNormalizer(comfyDir);
    expect(normalizeFake(toComparable(asMessages(frames)))).toEqual(createNormalizer()(toComparable(getRunMessages(run))));
    const history = createNormalizer(comfyDir)(await getHistory(promptId)) as Record<string, { prompt: unknown[]; status: unknown }>;
    const recordedHistory = createNormalizer()(run.history) as Record<string, { prompt: unknown[]; status: unknown }>;
    expect(history.P1?.prompt[0]).toBe(13);
    expect(history.P1?.prompt).toEqual(recordedHistory.P1?.prompt);
  });
});
