import { makeTempDir } from './temp-dirs.ts';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stripVTControlCharacters } from 'node:util';
import { execa, type ResultPromise } from 'execa';
import { expect } from 'vitest';
import { z } from 'zod';
import { createFakeEnv, FAKE_COMFYUI_DIR, getFreePort, REPO_ROOT } from '../../fixtures/fake-env.ts';
import { findTaggedProcesses, waitForLeftovers } from '../../fixtures/tagged-processes.ts';
import type { BenchmarkReport } from '../../src/truths/benchmark-report.ts';

// `npm run ui` as a process: started against the fakes in its own process group, stopped as a
// person does (SIGTERM), and checked for anything it left.

const UI_READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5000;
const BACKOFF_MS = [100, 250, 500, 1000];
const OUTPUT_TAIL_LINES = 80;

export interface UiProcess {
  /** The address Vitest printed, with its API token: the UI answers 403 without it. */
  readonly url: string;
  readonly tag: string;
  readonly reportDir: string;
  readonly eventsFile: string;
  /** Epoch ms when `npm run ui` was started. */
  readonly startedAt: number;
  readonly child: ResultPromise;
  /** The last lines the UI process printed. */
  getOutputTail(): string;
  /** SIGTERM to the whole group, SIGKILL after the grace period; idempotent. */
  stop(): Promise<{ readonly forced: boolean }>;
}

/** Starts `npm run ui` against the fakes in its own process group and waits until the UI answers. */
export async function startUi(overrides: Readonly<Record<string, string>>): Promise<UiProcess> {
  const comfyPort = await getFreePort();
  let uiPort = await getFreePort();
  while (uiPort === comfyPort) uiPort = await getFreePort();
  const tag = randomUUID();
  const reportDir = makeTempDir('gate-ui');
  const eventsFile = join(reportDir, 'fake-comfyui-events.jsonl');
  const env = { ...createFakeEnv({ port: comfyPort, reportDir, overrides: { FAKE_COMFYUI_EVENTS: eventsFile, ...overrides } }), GATE_E2E_TAG: tag };
  // `npm run ui` is `vitest watch --ui`: it stays open without a terminal too, as on CI.
  const args = ['run', 'ui', '--', '--open=false', `--api.port=${uiPort}`, '--api.host=127.0.0.1', '--api.strictPort'];
  const startedAt = Date.now();
  const child = execa('npm', args, { cwd: REPO_ROOT, env, extendEnv: false, detached: true, reject: false, buffer: false, all: true, stdin: 'ignore' });
  const lines: string[] = [];
  let url = '';
  child.all?.on('data', (chunk: Buffer) => {
    const text = stripVTControlCharacters(chunk.toString('utf8'));
    url ||= /UI started at (http:\/\/\S+\?token=\S+)/.exec(text)?.[1] ?? '';
    lines.push(...text.split('\n'));
    lines.splice(0, lines.length - OUTPUT_TAIL_LINES);
  });
  let stopping: Promise<{ forced: boolean }> | undefined;
  const ui: UiProcess = {
    get url() {
      return url;
    },
    tag,
    reportDir,
    eventsFile,
    startedAt,
    child,
    getOutputTail: () => lines.join('\n'),
    stop: () => (stopping ??= stopGroup(child)),
  };
  try {
    await waitForUi(ui);
    return ui;
  } catch (error) {
    await ui.stop();
    throw error;
  }
}

async function stopGroup(child: ResultPromise): Promise<{ forced: boolean }> {
  const pid = child.pid;
  if (pid === undefined || child.nodeChildProcess.exitCode !== null || child.nodeChildProcess.signalCode !== null) return { forced: false };
  signalGroup(pid, 'SIGTERM');
  const exited = await Promise.race([child.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
  signalGroup(pid, 'SIGKILL');
  await child;
  return { forced: !exited };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Polls with backoff until the UI printed its address and that address answers, the process exits, or the deadline passes. */
async function waitForUi(ui: UiProcess): Promise<void> {
  let exited = false;
  void ui.child.then(() => (exited = true));
  let status: number | undefined;
  for (let attempt = 0; ; attempt++) {
    if (exited) throw new Error(`npm run ui exited before its UI answered; its last lines:\n${ui.getOutputTail()}`);
    // A valid token is answered with a redirect that sets the UI's cookie.
    status =
      ui.url === ''
        ? undefined
        : await fetch(ui.url, { redirect: 'manual' }).then(
            (response) => response.status,
            () => undefined,
          );
    if (status === 302 || status === 200) return;
    if (Date.now() - ui.startedAt > UI_READY_TIMEOUT_MS) {
      throw new Error(
        `npm run ui did not answer within ${UI_READY_TIMEOUT_MS / 1000} s (${ui.url || 'no "UI started at" line'}: ${status ?? 'no answer'}); it printed:\n${ui.getOutputTail()}`,
      );
    }
    await sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]);
  }
}

/** Stops the UI and checks that nothing of its run is left, the fake ComfyUI included. */
export async function expectStopsCleanly(ui: UiProcess): Promise<void> {
  const { forced } = await ui.stop();
  expect(forced, `npm run ui outlived SIGTERM by ${STOP_GRACE_MS / 1000} s; it printed:\n${ui.getOutputTail()}`).toBe(false);
  // The gate's own hooks stop ComfyUI (it lives in a process group of its own).
  expect(await waitForLeftovers(ui.tag, 2000)).toEqual([]);
}

/** Stops the UI whatever happened; a failed leak check must not leak: what is left is ended by pid. */
export async function endUi(ui: UiProcess | undefined): Promise<void> {
  await ui?.stop();
  for (const entry of ui === undefined ? [] : findTaggedProcesses(ui.tag)) {
    try {
      process.kill(Number(entry.split(' ')[0]), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * A python for COMFYUI_PYTHON that holds the boot until `release()`, then runs the fake ComfyUI:
 * the test decides how long ComfyUI "boots" instead of guessing how long a page takes to load.
 */
export function createHeldPython(dir: string): { readonly path: string; release(): void } {
  const path = join(dir, 'held-python');
  const gate = join(dir, 'release-boot');
  const script = `#!/bin/sh\nwhile [ ! -e '${gate}' ]; do sleep 0.1; done\nexec '${join(FAKE_COMFYUI_DIR, 'venv', 'bin', 'python')}' "$@"\n`;
  writeFileSync(path, script, { mode: 0o755 });
  return { path, release: () => writeFileSync(gate, '') };
}

/** The fake ComfyUI's events of one kind, from its FAKE_COMFYUI_EVENTS log. */
export function countEvents(eventsFile: string, event: string): number {
  if (!existsSync(eventsFile)) return 0;
  const lines = readFileSync(eventsFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  return lines.filter((line) => z.looseObject({ event: z.string() }).parse(JSON.parse(line)).event === event).length;
}

export function readReport(reportDir: string): BenchmarkReport | undefined {
  const path = join(reportDir, 'benchmark.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BenchmarkReport) : undefined;
}

/** The report's headline: the first `> ` line after the title (a SIMULATED banner comes before it). */
export function readHeadline(reportDir: string): string {
  const path = join(reportDir, '05-BENCHMARK.md');
  if (!existsSync(path)) return '(no report)';
  const lines = readFileSync(path, 'utf8').split('\n');
  return lines.slice(lines.findIndex((line) => line.startsWith('# '))).find((line) => line.startsWith('> ')) ?? '(no headline)';
}
