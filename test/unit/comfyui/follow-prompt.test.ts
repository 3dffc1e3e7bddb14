import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getClientTime } from '../../../src/comfyui/clock.ts';
import { ComfyStoppedError, ExecutionFailedError, ExecutionInterruptedError, RunDeadlineError } from '../../../src/comfyui/errors.ts';
import { followPrompt } from '../../../src/comfyui/follow-prompt.ts';
import type { FollowPromptOptions, RunProgress } from '../../../src/comfyui/follow-prompt.ts';
import { createComfyHttp } from '../../../src/comfyui/http-client.ts';
import { getNodeSeconds, getServerSeconds, getStepsPerSecond } from '../../../src/comfyui/run-outcome.ts';
import { connectComfySocket } from '../../../src/comfyui/socket.ts';
import type { ComfySocket } from '../../../src/comfyui/socket.ts';
import { getBenchmarkTemplate } from '../../../src/benchmark/workflow.ts';
import { startFakeComfy, waitFor } from './fake-comfy.ts';
import type { FakeComfy, ReplayOptions } from './fake-comfy.ts';
import { getRun } from './recordings.ts';
import type { RecordingName } from './recordings.ts';

const COLD_ORDER = ['4', '5', '7', '6', '3', '8', '9'];

let fake: FakeComfy;
let socket: ComfySocket | undefined;
let subscriptions = 0;
beforeEach(async () => {
  fake = await startFakeComfy();
  subscriptions = 0;
});
afterEach(async () => {
  socket?.close();
  socket = undefined;
  await fake.close();
});

// Counts live subscriptions so every test can check that followPrompt removed its handlers.
function trackSubscriptions(open: ComfySocket): ComfySocket {
  const track = (unsubscribe: () => void) => {
    subscriptions += 1;
    let active = true;
    return () => {
      if (active) subscriptions -= 1;
      active = false;
      unsubscribe();
    };
  };
  return Object.assign(Object.create(open) as ComfySocket, {
    on: ((type, handler) => track(open.on(type, handler))) as ComfySocket['on'],
    onClose: (handler: Parameters<ComfySocket['onClose']>[0]) => track(open.onClose(handler)),
  });
}

/** Connects, queues the recorded run (the fake replays it) and returns followPrompt's options. */
async function queueRecordedRun(label: string, replay: ReplayOptions = {}, name: RecordingName = '0.3.64-cuda') {
  const { run, submittedT } = getRun(name, label);
  fake.queueRun(run, submittedT, replay);
  const http = createComfyHttp(fake.baseUrl, { requestTimeoutMs: 2000 });
  socket = await connectComfySocket(fake.baseUrl, 'client-1', { connectTimeoutMs: 1000 });
  const submittedAt = getClientTime();
  const { promptId } = await http.queuePrompt(getBenchmarkTemplate(), 'client-1');
  const options = {
    http,
    socket: trackSubscriptions(socket),
    promptId,
    submittedAt,
    deadlineMs: submittedAt + 5000,
    workflow: getBenchmarkTemplate(),
    historyPollMs: 50,
  } satisfies FollowPromptOptions;
  return { options, run, socket };
}

const interrupts = () => fake.requests.filter((request) => request.method === 'POST' && request.path === '/interrupt');

describe('followPrompt over the WebSocket', () => {
  it('records a cold run: nodes in order, 20 steps, image, server time', async () => {
    const { options } = await queueRecordedRun('cold');
    const progress: RunProgress[] = [];
    const outcome = await followPrompt({ ...options, onProgress: (update) => progress.push(update) });

    expect(outcome.via).toBe('websocket');
    expect(outcome.nodes.map((node) => node.id)).toEqual(COLD_ORDER);
    expect(outcome.nodes.map((node) => node.classType)).toEqual(COLD_ORDER.map((id) => getBenchmarkTemplate()[id]?.class_type));
    for (const node of outcome.nodes) expect(node.endedAt).toBeGreaterThanOrEqual(node.startedAt);
    expect(outcome.steps.map((step) => step.value)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    expect(progress.map((update) => update.step)).toEqual(outcome.steps.map((step) => step.value));
    expect(progress[19]).toMatchObject({ maxSteps: 20, node: '3' });
    expect(progress[19]?.elapsedMs).toBeCloseTo((outcome.steps[19]?.at ?? 0) - options.submittedAt, 6);
    expect(outcome.images).toEqual([{ filename: 'bench_00001_.png', subfolder: '', type: 'output' }]);
    expect(getServerSeconds(outcome)).toBe(8.156);
    expect(getStepsPerSecond(outcome.steps)).toBeGreaterThan(100); // 17.5 steps/s replayed 20x faster
    // KSampler dominates, as in the recording (6.58 s of 8.4 s).
    const sampler = getNodeSeconds(outcome).find((node) => node.id === '3');
    expect(sampler?.seconds).toBeGreaterThan(0.2);
    // Replayed at 1/20 of 8.43 s.
    expect(outcome.completedAt - outcome.submittedAt).toBeGreaterThan(350);
    expect(outcome.completedAt - outcome.submittedAt).toBeLessThan(2000);
    expect(subscriptions).toBe(0);
  });

  it('records a fully cached run that ended before followPrompt was called: no steps', async () => {
    const { options, socket: open } = await queueRecordedRun('cached');
    await waitFor(() => open.getRecentMessages().some(({ message }) => message.type === 'execution_success'));
    const outcome = await followPrompt(options);
    expect(outcome.via).toBe('websocket'); // from the socket's recent messages, not the history fallback
    expect(outcome.cachedNodes).toEqual(['3', '4', '5', '6', '7', '8', '9']);
    expect(outcome.cachedNodeIds).toEqual(['3', '4', '5', '6', '7', '8', '9']);
    expect(outcome.executedNodeIds).toEqual([]);
    expect(outcome.suspect).toMatch(/^sampler node 3 was answered from ComfyUI's cache, so nothing was sampled; /);
    expect(outcome.steps).toEqual([]);
    expect(getStepsPerSecond(outcome.steps)).toBeUndefined();
    expect(outcome.images).toEqual([{ filename: 'bench_00003_.png', subfolder: '', type: 'output' }]);
    expect(getServerSeconds(outcome)).toBe(0.001);
    expect(subscriptions).toBe(0);
  });

  it('completes on `executing` with node null when the server sends no execution_success', async () => {
    const { run, submittedT } = getRun('0.3.64-cuda', 'warm1');
    const frames = run.messages.filter((frame) => !('msg' in frame) || frame.msg.type !== 'execution_success');
    const { options } = await queueRecordedRun('warm1', { frames });
    const outcome = await followPrompt(options);
    expect(outcome.via).toBe('websocket');
    expect(outcome.serverStart).toBeTypeOf('number');
    expect(outcome.serverEnd).toBeUndefined();
    expect(getServerSeconds(outcome)).toBeUndefined();
    expect(outcome.steps).toHaveLength(20);
    expect(submittedT).toBeGreaterThan(0);
  });

  it('ignores binary preview frames', async () => {
    const { options, socket: open } = await queueRecordedRun('cold', {}, '0.3.64-cuda-previews');
    const outcome = await followPrompt(options);
    expect(open.binaryFrames).toBe(20);
    expect(open.invalidFrames).toBe(0);
    expect(outcome.steps).toHaveLength(20);
    expect(outcome.nodes.map((node) => node.id)).toEqual(COLD_ORDER);
  });

  it('follows only its own prompt when two are queued on the same socket', async () => {
    const { run } = getRun('0.3.64-cuda', 'queued_pair');
    const open = await connectComfySocket(fake.baseUrl, 'client-1', { connectTimeoutMs: 1000 });
    socket = open;
    const submittedAt = getClientTime();
    fake.play(run.messages, run.messages[0]?.t ?? 0);
    const http = createComfyHttp(fake.baseUrl, { requestTimeoutMs: 2000 });
    const second = '36fc3c99-0447-4ef7-8f9a-e472e58ecec9';
    const outcome = await followPrompt({ http, socket: open, promptId: second, submittedAt, deadlineMs: submittedAt + 5000 });
    expect(outcome.steps).toHaveLength(60);
    expect(outcome.cachedNodes).toEqual(['4', '5', '6', '7']);
    expect(outcome.nodes.map((node) => node.id)).toEqual(['3', '8', '9']);
    expect(outcome.images).toEqual([{ filename: 'bench_00005_.png', subfolder: '', type: 'output' }]);
    expect(getServerSeconds(outcome)).toBe(3.761);
  });

  it('rejects with ExecutionFailedError naming node, class and exception', async () => {
    const { options } = await queueRecordedRun('runtime_error');
    const error = (await followPrompt(options).catch((caught: unknown) => caught)) as ExecutionFailedError;
    expect(error).toBeInstanceOf(ExecutionFailedError);
    expect(error.message).toBe(
      'ComfyUI failed while running node 4 (CheckpointLoaderSimple): safetensors._safetensors_rust.SafetensorError: Error while deserializing header: header too large',
    );
    expect(error.context).toMatchObject({ nodeId: '4', nodeType: 'CheckpointLoaderSimple' });
    expect(error.context.tracebackFirst).toMatch(/^File "\/opt\/ComfyUI\/execution\.py", line 496, in execute/);
    expect(error.context.tracebackLast).toMatch(/^File "\/opt\/ComfyUI\/comfy\/utils\.py", line 59, in load_torch_file/);
    expect(error.data?.current_inputs).toEqual({ ckpt_name: ['corrupt.safetensors'] });
    expect(subscriptions).toBe(0);
  });

  it('rejects with ExecutionInterruptedError when someone else interrupts', async () => {
    const { options } = await queueRecordedRun('interrupted');
    await expect(followPrompt(options)).rejects.toThrow(new ExecutionInterruptedError({ promptId: options.promptId, nodeId: '3', nodeType: 'KSampler' }));
    expect(interrupts()).toEqual([]);
  });
});

describe('followPrompt falling back to /history', () => {
  it('completes via history when the socket closes mid-run', async () => {
    const { options } = await queueRecordedRun('cold', { cut: { afterFrames: 30, action: 'close-socket' } });
    const outcome = await followPrompt(options);
    expect(outcome).toMatchObject({ via: 'history', fallbackReason: 'socket closed' });
    expect(getServerSeconds(outcome)).toBe(8.156);
    expect(outcome.executedNodeIds).toEqual(['4', '5', '7', '6', '3', '8', '9']);
    expect(outcome.images).toEqual([{ filename: 'bench_00001_.png', subfolder: '', type: 'output' }]);
    // What the socket saw before it closed is kept; the sampler was still running then.
    expect(outcome.nodes.map((node) => node.id)).toEqual(['4', '5', '7', '6', '3']);
    expect(outcome.steps.length).toBeGreaterThan(0);
    expect(outcome.steps.length).toBeLessThan(20);
    expect(subscriptions).toBe(0);
  });

  it('completes via history after silenceMs of a quiet socket', async () => {
    const { options, socket: open } = await queueRecordedRun('cold', { cut: { afterFrames: 30, action: 'silence' } });
    // Longer than the recorded 5.5 s model-load pause (275 ms replayed), so only the cut makes it quiet.
    const outcome = await followPrompt({ ...options, silenceMs: 300 });
    const settledAt = getClientTime();
    expect(outcome).toMatchObject({ via: 'history', fallbackReason: 'socket silent for 300 ms' });
    // The fallback waited out the silence; the run's own end comes from the server's timestamps, so
    // it may lie before that moment (the next test checks the timing itself).
    expect(settledAt - (open.lastFrameAt ?? Number.NaN)).toBeGreaterThanOrEqual(300);
    expect(getServerSeconds(outcome)).toBe(8.156);
    expect(open.isOpen).toBe(true);
  });

  it('times a run found through /history by the server timestamps: a long silence window does not inflate it', async () => {
    // Real time: warm1 ran 1.000 s on the server. The socket goes quiet after execution_cached, and the
    // fallback only starts polling after 1.5 s of silence, half a second after the run ended.
    const { options } = await queueRecordedRun('warm1', { timeScale: 1, cut: { afterFrames: 4, action: 'silence' } });
    let startReceivedAt = Number.NaN;
    const outcome = await followPrompt({
      ...options,
      silenceMs: 1500,
      onEvent: (message, receivedAt) => {
        if (message.type === 'execution_start') startReceivedAt = receivedAt;
      },
    });
    const foundAt = getClientTime();
    expect(outcome).toMatchObject({ via: 'history', fallbackReason: 'socket silent for 1500 ms' });
    expect(foundAt - options.submittedAt).toBeGreaterThan(1500);
    expect(getServerSeconds(outcome)).toBe(1);
    // The end is execution_start's arrival + the server's 1.000 s (to the ms), however late the poll found it.
    expect(outcome.completedAt - startReceivedAt).toBeGreaterThan(990);
    expect(outcome.completedAt - startReceivedAt).toBeLessThanOrEqual(1000.5);
    expect(foundAt - outcome.completedAt).toBeGreaterThan(400);
    expect(outcome.suspect).toBeUndefined();
  });

  it('follows through history alone when there is no socket', async () => {
    const { options } = await queueRecordedRun('warm1');
    const outcome = await followPrompt({ ...options, socket: undefined });
    expect(outcome).toMatchObject({ via: 'history', fallbackReason: 'no socket', nodes: [], steps: [] });
    expect(outcome.images).toEqual([{ filename: 'bench_00002_.png', subfolder: '', type: 'output' }]);
  });

  it('reports an execution_error found in history', async () => {
    const { options } = await queueRecordedRun('runtime_error', { cut: { afterFrames: 3, action: 'close-socket' } });
    await expect(followPrompt(options)).rejects.toThrow(/node 4 \(CheckpointLoaderSimple\): .*SafetensorError/);
  });

  it('rejects with ComfyStoppedError within 2 s when the server goes away mid-run', async () => {
    const { options } = await queueRecordedRun('cold', { cut: { afterFrames: 30, action: 'crash' } });
    const error = (await followPrompt({ ...options, historyPollMs: 250 }).catch((caught: unknown) => caught)) as ComfyStoppedError;
    const rejectedAt = getClientTime();
    expect(error).toBeInstanceOf(ComfyStoppedError);
    expect(error.message).toMatch(
      /^ComfyUI at http:\/\/127\.0\.0\.1:\d+ stopped answering during run e297597c-[\w-]+: the WebSocket closed and GET \/history failed twice \(connection refused\); last seen: step \d+\/20 on node 3 \(KSampler\)/,
    );
    expect(rejectedAt - (fake.cutAt ?? Number.NaN)).toBeLessThan(2000);
    expect(subscriptions).toBe(0);
  });
});

describe('followPrompt deadline and abort', () => {
  const stalled: ReplayOptions = { cut: { afterFrames: 30, action: 'silence' }, historyReadyAfterMs: 60_000 };

  it('interrupts at the deadline and rejects with RunDeadlineError', async () => {
    const { options } = await queueRecordedRun('cold', stalled);
    const deadlineMs = options.submittedAt + 700;
    const error = (await followPrompt({ ...options, deadlineMs, silenceMs: 200 }).catch((caught: unknown) => caught)) as RunDeadlineError;
    const rejectedAt = getClientTime();
    expect(error).toBeInstanceOf(RunDeadlineError);
    expect(error.message).toMatch(
      /^Run e297597c-[\w-]+ did not finish within 0\.7 s \(gave up after [\d.]+ s; last seen: step \d+\/20 on node 3 \(KSampler\) [\d.]+ s after submit\); sent POST \/interrupt$/,
    );
    expect(interrupts().map((request) => request.body)).toEqual([JSON.stringify({ prompt_id: options.promptId })]);
    expect(rejectedAt).toBeGreaterThanOrEqual(deadlineMs);
    // The interrupt gets 2 s at most: never wait much past the deadline.
    expect(rejectedAt - deadlineMs).toBeLessThan(2000);
    expect(subscriptions).toBe(0);
  });

  it('does not wait more than ~2 s past the deadline for a hanging interrupt', async () => {
    fake.route('POST /interrupt', () => {}); // never answers
    const { options } = await queueRecordedRun('cold', stalled);
    const deadlineMs = options.submittedAt + 300;
    const error = (await followPrompt({ ...options, deadlineMs }).catch((caught: unknown) => caught)) as RunDeadlineError;
    const late = getClientTime() - deadlineMs;
    expect(error).toBeInstanceOf(RunDeadlineError);
    expect(error.context.interruptSent).toBe(false);
    expect(error.message).toMatch(/; POST \/interrupt failed$/);
    expect(late).toBeGreaterThanOrEqual(1900);
    expect(late).toBeLessThan(2500);
  });

  it('interrupts and rejects with the signal reason on an external abort', async () => {
    const { options } = await queueRecordedRun('cold', stalled);
    const controller = new AbortController();
    const reason = new Error('GPU idle for 30 s while sampling');
    setTimeout(() => controller.abort(reason), 100);
    await expect(followPrompt({ ...options, signal: controller.signal })).rejects.toBe(reason);
    expect(interrupts()).toHaveLength(1);
    expect(subscriptions).toBe(0);
  });

  it('rejects at once for a signal that is already aborted', async () => {
    const { options } = await queueRecordedRun('cold', stalled);
    const reason = new Error('watchdog');
    await expect(followPrompt({ ...options, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(interrupts()).toHaveLength(1);
  });

  it('refuses a relative deadline, showing the fix', async () => {
    const { options } = await queueRecordedRun('cached');
    expect(() => followPrompt({ ...options, deadlineMs: 120_000 })).toThrow(
      `followPrompt: deadlineMs is an absolute time on the client clock and must be after submittedAt (${options.submittedAt}); got 120000. Did you mean submittedAt + 120000?`,
    );
  });
});
