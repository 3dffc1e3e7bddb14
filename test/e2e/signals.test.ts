import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './temp-dirs.ts';
import { describe, expect, test } from 'vitest';
import { findTaggedProcesses } from '../../fixtures/tagged-processes.ts';
import { startAttachedFake } from './attached-fake.ts';
import { readEvents, waitForEvent } from './events.ts';
import { runGate, verdictLine } from './run-gate.ts';

const SHUTDOWN_LIMIT_MS = 5000;

interface SignalScenario {
  readonly name: string;
  readonly signal: NodeJS.Signals;
  /** 'group': like Ctrl-C in a terminal, every process of npm's group; 'npm': npm's pid only. */
  readonly target: 'group' | 'npm';
  /** The fake ComfyUI event to wait for before signalling. */
  readonly after: string;
  readonly env: Readonly<Record<string, string>>;
}

const scenarios: SignalScenario[] = [
  { name: 'Ctrl-C during boot', signal: 'SIGINT', target: 'group', after: 'start', env: { FAKE_COMFYUI_BOOT_MS: '8000' } },
  { name: 'Ctrl-C during generation', signal: 'SIGINT', target: 'group', after: 'execution_start', env: { FAKE_COMFYUI_STEP_MS: '300' } },
  { name: 'SIGTERM to npm during generation', signal: 'SIGTERM', target: 'npm', after: 'execution_start', env: { FAKE_COMFYUI_STEP_MS: '300' } },
  { name: 'SIGTERM to npm during boot', signal: 'SIGTERM', target: 'npm', after: 'start', env: { FAKE_COMFYUI_BOOT_MS: '8000' } },
];

// Real signals to the real process tree: afterwards no process of the run may be left.
describe.concurrent('signals', () => {
  test.each(scenarios)('$name: every child of the gate is gone within 5 s', async ({ signal, target, after, env }) => {
    const events = join(makeTempDir('gate-signal'), 'events.jsonl');
    let signalledAt = 0;
    let tag = '';
    const run = await runGate({
      via: 'npm',
      env: { ...env, FAKE_COMFYUI_EVENTS: events },
      onSpawn: (child, info) => {
        tag = info.tag;
        void waitForEvent(events, after, 30_000).then(() => {
          signalledAt = Date.now();
          if (child.pid !== undefined) process.kill(target === 'group' ? -child.pid : child.pid, signal);
        });
      },
    });
    expect(signalledAt).toBeGreaterThan(0);
    expect(run.exitCode).not.toBe(0);
    expect(run.leftovers).toEqual([]);
    expect(findTaggedProcesses(tag)).toEqual([]);
    expect(Date.now() - signalledAt).toBeLessThan(SHUTDOWN_LIMIT_MS);
  });
});

describe('reports are never lost', () => {
  test('Ctrl-C writes an INTERRUPTED report and JUnit, the previous run stays under runs/, and every run is kept', async () => {
    const reportDir = makeTempDir('gate-keep');
    const first = await runGate({ reportDir, args: ['specs/reachable'] });
    expect(first.exitCode).toBe(0);
    const before = readFileSync(join(reportDir, '05-BENCHMARK.md'), 'utf8');
    const firstRun = readdirSync(join(reportDir, 'runs'));
    const events = join(reportDir, 'events.jsonl');
    const killed = await runGate({
      via: 'npm',
      reportDir,
      env: { FAKE_COMFYUI_STEP_MS: '300', FAKE_COMFYUI_EVENTS: events },
      onSpawn: (child) => void waitForEvent(events, 'execution_start', 30_000).then(() => child.pid !== undefined && process.kill(-child.pid, 'SIGINT')),
    });
    expect(killed.exitCode).not.toBe(0);
    const headline = killed.markdown.split('\n').find((line) => line.startsWith('> **Phase 5 gate'));
    expect(headline).toMatch(
      /^> \*\*Phase 5 gate: INTERRUPTED \(SIMULATED\)\*\* — interrupted by SIGINT during "INFRA-04: the benchmark generation finishes under budget"; 3 of 7 truths passed before that/,
    );
    expect(killed.markdown).not.toMatch(/gate: PASS/);
    expect(verdictLine(killed.markdown, 'the GPU is active')).toContain('NOT RUN (SIMULATED) — interrupted by SIGINT before this truth was reached');
    expect(killed.junit).toMatch(/<testsuites/);
    expect(killed.output).toContain('[comfyui-gate] Phase 5 gate: INTERRUPTED');
    expect(readFileSync(join(reportDir, 'runs', firstRun[0] ?? '', '05-BENCHMARK.md'), 'utf8')).toBe(before);
    const second = await runGate({ reportDir, args: ['specs/reachable'] });
    expect(second.exitCode).toBe(0);
    const runs = readdirSync(join(reportDir, 'runs'));
    expect(runs).toHaveLength(3);
    for (const run of runs) expect(existsSync(join(reportDir, 'runs', run, '05-BENCHMARK.md'))).toBe(true);
    expect(readFileSync(join(reportDir, 'history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
  });
});

describe('Ctrl-C in attach mode', () => {
  test("cancels only the gate's own prompt, says ComfyUI keeps running, and leaves it running", async (context) => {
    const events = join(makeTempDir('gate-attach-signal'), 'events.jsonl');
    const server = await startAttachedFake(context, { env: { FAKE_COMFYUI_EVENTS: events, FAKE_COMFYUI_STEP_MS: '300' } });
    const run = await runGate({
      env: { COMFYUI_URL: server.url },
      args: ['specs/reachable', 'specs/generation-under-budget'],
      onSpawn: (child) => void waitForEvent(events, 'execution_start', 30_000).then(() => child.pid !== undefined && process.kill(-child.pid, 'SIGINT')),
    });
    expect(run.exitCode).not.toBe(0);
    const queued = readEvents(events).find((event) => event.event === 'prompt_queued');
    const interrupts = readEvents(events).filter((event) => event.event === 'interrupt');
    expect(interrupts).toEqual([expect.objectContaining({ prompt_id: queued?.prompt_id, applied: true })]);
    expect(run.output).toContain("SIGINT: stopping the GPU sampler and the gate's own prompt (ComfyUI itself keeps running: the gate did not start it)");
    expect(run.output).toContain(`cancelling the gate's prompt ${String(queued?.prompt_id)} on ${server.url} (interrupt and dequeue, this prompt only)`);
    expect(run.markdown).toMatch(/^> \*\*Phase 5 gate: INTERRUPTED \(SIMULATED\)\*\*/m);
    expect(server.process.exitCode).toBeNull();
    expect((await fetch(`${server.url}/system_stats`)).status).toBe(200);
  });
});
