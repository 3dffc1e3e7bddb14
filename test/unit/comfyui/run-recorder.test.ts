import { describe, expect, it } from 'vitest';
import { getClientSeconds, getNodeSeconds, getServerSeconds, getStepsPerSecond } from '../../../src/comfyui/run-outcome.ts';
import { RunRecorder } from '../../../src/comfyui/run-recorder.ts';
import type { RunTerminal } from '../../../src/comfyui/run-recorder.ts';
import { historyEntrySchema, parseComfyMessage } from '../../../src/comfyui/schemas.ts';
import { getBenchmarkTemplate } from '../../../src/benchmark/workflow.ts';
import { getHistoryEntryOf, getRun, isTextFrame } from './recordings.ts';
import type { RecordingName } from './recordings.ts';

// Feeds a recorded run at its recorded times (seconds → ms) through the recorder: timings must match the recording.
function replay(name: RecordingName, label: string) {
  const { run, submittedT } = getRun(name, label);
  const recorder = new RunRecorder({ promptId: run.prompt_id ?? '', submittedAt: submittedT * 1000, workflow: getBenchmarkTemplate() });
  let terminal: RunTerminal | undefined;
  for (const frame of run.messages.filter(isTextFrame)) {
    const parsed = parseComfyMessage(frame.msg);
    if (!parsed.ok || !parsed.message.known || terminal !== undefined) continue;
    if (parsed.message.type !== 'status' && parsed.message.data.prompt_id !== run.prompt_id) continue;
    terminal = recorder.record(parsed.message, frame.t * 1000);
  }
  return { run, recorder, terminal, submittedT };
}

describe('RunRecorder on recorded runs', () => {
  it('times every node of the cold run as API.md reports it', () => {
    const { recorder, terminal } = replay('0.3.64-cuda', 'cold');
    expect(terminal).toEqual({ kind: 'success', at: 22945.3 });
    const outcome = recorder.getOutcome('websocket', 22945.3);
    const seconds = getNodeSeconds(outcome).map(({ id, classType, seconds }) => [id, classType, Number(seconds.toFixed(2))]);
    expect(seconds).toEqual([
      ['4', 'CheckpointLoaderSimple', 0.81],
      ['5', 'EmptyLatentImage', 0],
      ['7', 'CLIPTextEncode', 0.4],
      ['6', 'CLIPTextEncode', 0.02],
      ['3', 'KSampler', 6.58],
      ['8', 'VAEDecode', 0.28],
      ['9', 'SaveImage', 0.06], // ends at its `executed`, not at execution_success
    ]);
    expect(getServerSeconds(outcome)).toBe(8.156);
    expect(getClientSeconds(outcome)).toBeCloseTo(8.422, 3);
    expect(outcome.steps.map((step) => step.value)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    expect(getStepsPerSecond(outcome.steps)).toBeCloseTo(19 / (22.3346 - 21.2513), 6);
    expect(outcome.images).toEqual([{ filename: 'bench_00001_.png', subfolder: '', type: 'output' }]);
    expect(outcome.cachedNodes).toEqual([]);
    expect(outcome.cachedNodeIds).toEqual([]);
    expect(outcome.executedNodeIds).toEqual(['4', '5', '7', '6', '3', '8', '9']);
    expect(outcome.via).toBe('websocket');
    expect(outcome.suspect).toBeUndefined();
  });

  it('measures a warm run at about 25 steps/s, first step excluded', () => {
    const { recorder } = replay('0.3.64-cuda', 'warm2');
    const outcome = recorder.getOutcome('websocket', 0);
    expect(outcome.cachedNodes).toEqual(['4', '5', '6', '7']);
    expect(outcome.cachedNodeIds).toEqual(['4', '5', '6', '7']);
    expect(outcome.executedNodeIds).toEqual(['3', '8', '9']);
    expect(outcome.nodes.map((node) => node.id)).toEqual(['3', '8', '9']);
    expect(outcome.steps).toHaveLength(20);
    expect(getStepsPerSecond(outcome.steps)).toBeCloseTo(25.34, 2);
  });

  it('has no steps for a fully cached run, executed nothing, and is marked suspect', () => {
    const { recorder, terminal } = replay('0.3.64-cuda', 'cached');
    const outcome = recorder.getOutcome('websocket', terminal?.at ?? 0);
    expect(outcome.steps).toEqual([]);
    expect(outcome.nodes).toEqual([]);
    expect(outcome.cachedNodes).toEqual(['3', '4', '5', '6', '7', '8', '9']);
    expect(outcome.cachedNodeIds).toEqual(['3', '4', '5', '6', '7', '8', '9']);
    expect(outcome.executedNodeIds).toEqual([]);
    expect(outcome.suspect).toBe(
      "sampler node 3 was answered from ComfyUI's cache, so nothing was sampled; the server timed a 20-step run at 0.001 s (less than 0.05 s)",
    );
    expect(getStepsPerSecond(outcome.steps)).toBeUndefined();
    expect(outcome.images).toEqual([{ filename: 'bench_00003_.png', subfolder: '', type: 'output' }]);
  });

  it('reports the failing node of the runtime error run', () => {
    const { terminal } = replay('0.3.64-cuda', 'runtime_error');
    expect(terminal).toMatchObject({ kind: 'error', data: { node_id: '4', node_type: 'CheckpointLoaderSimple' } });
  });

  it('reports the interrupted node and what it saw last', () => {
    const { terminal, recorder } = replay('0.3.64-cpu', 'interrupted');
    expect(terminal).toMatchObject({ kind: 'interrupted', data: { node_id: '3', node_type: 'KSampler' } });
    expect(recorder.describeLastSeen()).toMatch(/^step \d+\/\d+ on node 3 \(KSampler\) \d+\.\d s after submit$/);
  });

  it('reads outcome and server times from a history entry', () => {
    const { run } = getRun('0.3.64-cuda', 'cold');
    const recorder = new RunRecorder({ promptId: run.prompt_id ?? '', submittedAt: 0 });
    const terminal = recorder.applyHistory(historyEntrySchema.parse(getHistoryEntryOf(run)), 9000);
    expect(terminal).toEqual({ kind: 'success', at: 9000 });
    const outcome = recorder.getOutcome('history', 9000, 'socket closed');
    expect(outcome).toMatchObject({
      via: 'history',
      fallbackReason: 'socket closed',
      serverStart: 1795857556025,
      serverEnd: 1795857564181,
    });
    expect(outcome.images).toEqual([{ filename: 'bench_00001_.png', subfolder: '', type: 'output' }]);
    // Nothing came over a socket: every node the output needs ran, none was cached.
    expect(outcome.executedNodeIds).toEqual(['3', '4', '5', '6', '7', '8', '9']);
    expect(outcome.cachedNodeIds).toEqual([]);
  });

  it('reads the cached nodes of a fully cached run from its history entry', () => {
    const { run } = getRun('0.3.64-cuda', 'cached');
    const recorder = new RunRecorder({ promptId: run.prompt_id ?? '', submittedAt: 0 });
    recorder.applyHistory(historyEntrySchema.parse(getHistoryEntryOf(run)), 50);
    const outcome = recorder.getOutcome('history', 50);
    expect(outcome.cachedNodeIds).toEqual(['3', '4', '5', '6', '7', '8', '9']);
    expect(outcome.executedNodeIds).toEqual([]);
    expect(outcome.suspect).toMatch(/^sampler node 3 was answered from ComfyUI's cache/);
  });

  it('keeps what the socket saw running and adds the rest from history; the server time comes from history', () => {
    const { run, submittedT } = getRun('0.3.64-cuda', 'warm2');
    const recorder = new RunRecorder({ promptId: run.prompt_id ?? '', submittedAt: submittedT * 1000, workflow: getBenchmarkTemplate() });
    // The socket delivered the run up to the sampler's first step, then went silent.
    const frames = run.messages.filter(isTextFrame);
    const firstStep = frames.findIndex((frame) => frame.msg.type === 'progress');
    for (const frame of frames.slice(0, firstStep + 1)) {
      const parsed = parseComfyMessage(frame.msg);
      if (parsed.ok && parsed.message.known && parsed.message.type !== 'status') recorder.record(parsed.message, frame.t * 1000);
    }
    recorder.applyHistory(historyEntrySchema.parse(getHistoryEntryOf(run)), (submittedT + 10) * 1000);
    const outcome = recorder.getOutcome('history', 0);
    expect(outcome.executedNodeIds).toEqual(['3', '8', '9']);
    expect(outcome.cachedNodeIds).toEqual(['4', '5', '6', '7']);
  });

  it('times the end of a run found through /history from its server timestamps, not from when the poll found it', () => {
    const { run, submittedT } = getRun('0.3.64-cuda', 'warm1');
    const submittedAt = submittedT * 1000;
    const recorder = new RunRecorder({ promptId: run.prompt_id ?? '', submittedAt, workflow: getBenchmarkTemplate() });
    const start = run.messages.filter(isTextFrame).find((frame) => frame.msg.type === 'execution_start');
    const parsed = parseComfyMessage(start?.msg);
    if (!parsed.ok || !parsed.message.known) throw new Error('recording changed');
    recorder.record(parsed.message, (start?.t ?? 0) * 1000);
    // A 10 s silence window: the history poll finds the entry long after the run ended.
    const terminal = recorder.applyHistory(historyEntrySchema.parse(getHistoryEntryOf(run)), submittedAt + 10_010);
    const outcome = recorder.getOutcome('history', terminal.at);
    expect(getServerSeconds(outcome)).toBe(1);
    // execution_start arrived 2.5 ms after submit; the server's run took 1.000 s.
    expect(getClientSeconds(outcome)).toBeCloseTo(1.0025, 4);
  });

  it('reads an execution_error from a history entry', () => {
    const { run } = getRun('0.3.64-cuda', 'runtime_error');
    const recorder = new RunRecorder({ promptId: run.prompt_id ?? '', submittedAt: 0 });
    const terminal = recorder.applyHistory(historyEntrySchema.parse(getHistoryEntryOf(run)), 1);
    expect(terminal).toMatchObject({ kind: 'error', data: { node_id: '4', exception_type: 'safetensors._safetensors_rust.SafetensorError' } });
  });
});

describe('getStepsPerSecond', () => {
  it('is undefined for fewer than two steps', () => {
    expect(getStepsPerSecond([])).toBeUndefined();
    expect(getStepsPerSecond([{ at: 5 }])).toBeUndefined();
  });

  it('counts intervals between the first and the last step', () => {
    expect(getStepsPerSecond([{ at: 1000 }, { at: 1500 }, { at: 2000 }])).toBe(2);
  });
});
