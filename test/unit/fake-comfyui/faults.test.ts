import { afterEach, describe, expect, test } from 'vitest';
import { type FakeProcess, startFake, stopAllFakes, waitUntilReady } from './support/fake-process.ts';
import { createNormalizer, getRun, getRunMessages, loadRecording } from './support/recordings.ts';
import { readPng } from './support/read-png.ts';
import { getBenchmarkPrompt, getHistoryEntry, runToEnd, submitPrompt, waitForHistory } from './support/runs.ts';
import { recordSocket } from './support/socket-recorder.ts';

// Each FAKE_COMFYUI_FAULT does what the README says, and the rest of the server stays truthful.

afterEach(stopAllFakes);

const recording = loadRecording('0.3.64-cuda');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function expectRefused(fake: FakeProcess): Promise<void> {
  await expect(fetch(`${fake.url}/system_stats`)).rejects.toThrow();
}

describe('boot faults', () => {
  test('exit-during-boot: a missing-torch traceback, exit code 1, the port never opens', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'exit-during-boot', FAKE_COMFYUI_BOOT_MS: '200' }, waitReady: false });
    expect(await fake.exited).toEqual({ code: 1, signal: null });
    const lines = fake.stderr().trimEnd().split('\n');
    expect(lines[0]).toBe('Traceback (most recent call last):');
    expect(lines.at(-1)).toBe("ModuleNotFoundError: No module named 'torch'");
    expect(fake.events().map((event) => event.event)).not.toContain('listening');
  });

  test('never-ready: alive and logging the device, but the port stays shut', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'never-ready', FAKE_COMFYUI_BOOT_MS: '50' }, waitReady: false });
    await sleep(1200);
    expect(fake.child.exitCode).toBeNull();
    await expectRefused(fake);
    expect(fake.stderr()).toContain('Device: mps');
    expect(fake.stderr()).not.toContain('Starting server');
  });

  test('non-json: /system_stats answers 200 with an HTML page', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'non-json' } });
    const response = await fetch(`${fake.url}/system_stats`);
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'text/html']);
    expect(await response.text()).toMatch(/^<!DOCTYPE html>/);
  });

  test('bad-schema: /system_stats is JSON without devices', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'bad-schema' } });
    const body = (await (await fetch(`${fake.url}/system_stats`)).json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['system']);
  });

  test('http-500: POST /prompt answers the recorded bare 500', async () => {
    const recorded = recording.http.find((exchange) => exchange.status === 500);
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'http-500' } });
    const response = await fetch(`${fake.url}/prompt`, { method: 'POST', body: JSON.stringify({ prompt: getBenchmarkPrompt() }) });
    expect([response.status, response.headers.get('content-type'), await response.text()]).toEqual([500, recorded?.content_type, recorded?.text]);
  });
});

describe('run faults', () => {
  test('crash-mid-run: the process dies with exit code 134 (abort) at step 5 after printing the device failure', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'crash-mid-run' } });
    const socket = await recordSocket(fake.url, 'c1');
    await submitPrompt(fake.url, getBenchmarkPrompt(), 'c1');
    expect(await fake.exited).toEqual({ code: 134, signal: null });
    const progress = socket
      .texts()
      .filter((frame) => frame.type === 'progress')
      .map((frame) => frame.data.value);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(fake.stderr()).toContain('failed assertion `[MPSNDArray initWithDevice:descriptor:isTextureBacked:] Error: total bytes of NDArray > 2**32');
    expect(await socket.closed()).toBe(1006);
    expect(fake.events().filter((event) => event.event === 'fault')).toMatchObject([{ fault: 'crash-mid-run' }]);
  });

  test('silent-socket: nothing after execution_start, yet history completes normally', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'silent-socket' } });
    const socket = await recordSocket(fake.url, 'c1');
    await socket.waitFor((frame) => frame.type === 'status');
    const promptId = await submitPrompt(fake.url, getBenchmarkPrompt({ steps: 4 }), 'c1');
    const entry = await waitForHistory(fake.url, promptId);
    await sleep(100);
    expect(socket.texts().map((frame) => frame.type)).toEqual(['status', 'status', 'status', 'execution_start']);
    expect(entry.status).toMatchObject({ status_str: 'success', completed: true });
    expect(fake.events().find((event) => event.event === 'execution_success')).toMatchObject({ sent: false });
  });

  test('close-socket: the socket drops mid-run; a reconnect is told the current node and sees the end', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'close-socket', FAKE_COMFYUI_STEP_MS: '30' } });
    const socket = await recordSocket(fake.url, 'c1');
    const promptId = await submitPrompt(fake.url, getBenchmarkPrompt({ steps: 20 }), 'c1');
    expect(await socket.closed()).toBe(1006);
    expect(
      socket
        .texts()
        .filter((frame) => frame.type === 'progress')
        .at(-1)?.data.value,
    ).toBe(5);
    const again = await recordSocket(fake.url, 'c1');
    await again.waitFor((frame) => frame.type === 'execution_success');
    const [greeting, current] = again.texts();
    expect(greeting?.data).toEqual({ status: { exec_info: { queue_remaining: 1 } }, sid: 'c1' });
    expect(current?.type === 'executing' ? current.data : current?.type).toEqual({ node: '3' }); // ComfyUI sends no prompt_id here
    expect((await getHistoryEntry(fake.url, promptId))?.status).toMatchObject({ status_str: 'success' });
  });

  test('hang-mid-run: progress stops at step 5 until POST /interrupt ends it as recorded', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'hang-mid-run' } });
    const socket = await recordSocket(fake.url, 'c1');
    const promptId = await submitPrompt(fake.url, getBenchmarkPrompt({ steps: 20 }), 'c1');
    await socket.waitFor((frame) => frame.type === 'progress' && frame.data.value === 5);
    const count = socket.texts().length;
    await sleep(300);
    expect(socket.texts().length).toBe(count);
    expect(await getHistoryEntry(fake.url, promptId)).toBeUndefined();
    await fetch(`${fake.url}/interrupt`, { method: 'POST' });
    await socket.waitFor((frame) => frame.type === 'executing' && frame.data.node === null);
    const tail = socket
      .texts()
      .slice(count)
      .map(({ type, data }) => ({ type, data }));
    const recordedEnd = getRunMessages(getRun(recording, 'interrupted')).at(-1);
    expect(createNormalizer()(tail)).toEqual(
      createNormalizer()([
        { ...recordedEnd, data: { ...recordedEnd?.data, prompt_id: promptId, executed: ['4', '5', '7', '6'] } },
        { type: 'status', data: { status: { exec_info: { queue_remaining: 0 } } } },
        { type: 'executing', data: { node: null, prompt_id: promptId } },
      ]),
    );
    expect(fake.events().map((event) => event.event)).toEqual(expect.arrayContaining(['fault', 'interrupt', 'execution_interrupted']));
  });

  test('execution-error: a valid checkpoint still fails in CheckpointLoaderSimple with the recorded error', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'execution-error' } });
    const socket = await recordSocket(fake.url, 'c1');
    const { frames } = await runToEnd(fake.url, socket, getBenchmarkPrompt());
    const error = frames.find((frame) => frame.type === 'execution_error')?.data;
    const recorded = getRunMessages(getRun(recording, 'runtime_error')).find((message) => message.type === 'execution_error')?.data;
    expect(error).toMatchObject({
      node_id: '4',
      node_type: 'CheckpointLoaderSimple',
      executed: [],
      exception_message: recorded?.exception_message,
      exception_type: recorded?.exception_type,
    });
    expect(createNormalizer(fake.comfyDir)(error?.traceback)).toEqual(recorded?.traceback);
    expect(frames.map((frame) => frame.type).slice(-3)).toEqual(['execution_error', 'status', 'executing']);
  });

  test('black-image: the saved PNG is all zeros', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'black-image' } });
    const socket = await recordSocket(fake.url, 'c1');
    await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 2 }));
    const png = readPng(Buffer.from(await (await fetch(`${fake.url}/view?filename=bench_00001_.png&type=output`)).arrayBuffer()));
    expect([png.width, png.height]).toEqual([512, 512]);
    expect(png.rgb.every((value) => value === 0)).toBe(true);
  });

  test('FAKE_COMFYUI_FAULT_RUN=2 lets the first run through and fails the second', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'execution-error', FAKE_COMFYUI_FAULT_RUN: '2' } });
    const socket = await recordSocket(fake.url, 'c1');
    const first = await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 2 }));
    const second = await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 2, seed: 2 }));
    expect(first.frames.map((frame) => frame.type)).toContain('execution_success');
    expect(second.frames.map((frame) => frame.type)).toContain('execution_error');
    await waitUntilReady(fake);
  });
});
