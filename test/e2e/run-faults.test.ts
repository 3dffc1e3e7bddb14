import { join } from 'node:path';
import { makeTempDir } from './temp-dirs.ts';
import { describe, expect, test } from 'vitest';
import { readEvents } from './events.ts';
import { runGate, verdictLine } from './run-gate.ts';

const GENERATION = ['specs/generation-under-budget', 'specs/gpu-active', 'specs/custom-nodes-loaded'];
const eventsFile = () => join(makeTempDir('gate-events'), 'events.jsonl');

// Faults while the benchmark runs: each ends within its deadline, says why, and leaves nothing running.
describe.concurrent('faults during the generation', () => {
  test('a crash mid-run fails the generation within 2 s with the log tail; later truths say why instead of timing out', async () => {
    const events = eventsFile();
    const run = await runGate({ env: { FAKE_COMFYUI_FAULT: 'crash-mid-run', FAKE_COMFYUI_STEP_MS: '100', FAKE_COMFYUI_EVENTS: events }, args: GENERATION });
    expect(run.exitCode).toBe(1);
    const generation = verdictLine(run.markdown, 'INFRA-04 benchmark');
    expect(generation).toContain('FAIL');
    expect(run.output).toContain('Last lines of');
    const crashedAt = readEvents(events).find((event) => event.event === 'fault')?.at;
    const failedAt = run.report?.benchmark.endedAt;
    expect(crashedAt).toBeDefined();
    expect(Date.parse(failedAt ?? '') - (crashedAt ?? 0)).toBeLessThan(2000);
    expect(verdictLine(run.markdown, 'the GPU is active')).toMatch(/NOT RUN \(SIMULATED\) — NOT RUN: the generation failed/);
    expect(verdictLine(run.markdown, 'INFRA-05')).toMatch(/FAIL \(SIMULATED\) — .*(127\.0\.0\.1|unreachable|refused)/i);
    expect(run.leftovers).toEqual([]);
  });

  test('a WebSocket that closes mid-run: the run is followed to its end through /history, with server timestamps', async () => {
    const run = await runGate({ env: { FAKE_COMFYUI_FAULT: 'close-socket', FAKE_COMFYUI_STEP_MS: '50' }, args: ['specs/generation-under-budget'] });
    expect(run.exitCode).toBe(0);
    expect(run.report?.benchmark.via).toBe('history');
    expect(run.report?.benchmark.serverElapsedS).toBeGreaterThan(0.9);
  });

  test('a WebSocket that goes silent mid-run: followed through /history after the silence limit', async () => {
    const run = await runGate({
      env: { FAKE_COMFYUI_FAULT: 'silent-socket', GATE_SOCKET_SILENCE_S: '1', FAKE_COMFYUI_STEP_MS: '50' },
      args: ['specs/generation-under-budget'],
    });
    expect(run.exitCode).toBe(0);
    expect(run.report?.benchmark.via).toBe('history');
    expect(run.report?.benchmark.serverElapsedS).toBeGreaterThan(0.5);
  });

  test('a server that hangs mid-run is interrupted at the hard deadline and the run fails', async () => {
    const events = eventsFile();
    const run = await runGate({
      env: { FAKE_COMFYUI_FAULT: 'hang-mid-run', GATE_BUDGET_S: '1', GATE_DEADLINE_S: '3', FAKE_COMFYUI_EVENTS: events },
      args: ['specs/generation-under-budget'],
    });
    expect(run.exitCode).toBe(1);
    expect(verdictLine(run.markdown, 'INFRA-04 benchmark')).toMatch(/did not finish within 3\.0 s.*sent POST \/interrupt/);
    const interrupt = readEvents(events).find((event) => event.event === 'interrupt');
    const queued = readEvents(events).find((event) => event.event === 'prompt_queued');
    expect(interrupt).toBeDefined();
    expect((interrupt?.at ?? 0) - (queued?.at ?? 0)).toBeLessThan(3000 + 1000);
    expect(run.leftovers).toEqual([]);
  });

  test('HTTP 500 from /prompt fails with the status and an excerpt of the body, and the report is still written', async () => {
    const run = await runGate({ env: { FAKE_COMFYUI_FAULT: 'http-500' }, args: ['specs/generation-under-budget'] });
    expect(run.exitCode).toBe(1);
    const line = verdictLine(run.markdown, 'INFRA-04 benchmark');
    expect(line).toContain('500');
    expect(line).toContain('Server got itself in trouble');
  });

  test('a /system_stats without devices fails with the field that is wrong', async () => {
    const run = await runGate({ env: { FAKE_COMFYUI_FAULT: 'bad-schema', COMFYUI_READY_TIMEOUT_S: '5' } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain('JSON without "devices"');
  });
});
