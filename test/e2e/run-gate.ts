import { stripVTControlCharacters } from 'node:util';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { createFakeEnv, getFreePort, REPO_ROOT } from '../../fixtures/fake-env.ts';
import { waitForLeftovers } from '../../fixtures/tagged-processes.ts';
import type { BenchmarkReport } from '../../src/truths/benchmark-report.ts';
import { makeTempDir } from './temp-dirs.ts';

/**
 * A quick fake: a generation takes about half a second instead of a few. The GPU is sampled every
 * 100 ms so that even so short a run gets enough samples to be judged.
 */
const FAST_FAKE = { FAKE_COMFYUI_STEP_MS: '15', FAKE_COMFYUI_BOOT_MS: '100', FAKE_COMFYUI_LOAD_MS: '20', GATE_GPU_INTERVAL_MS: '100' };

const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { test: string } };
/** The `test` script's arguments after `exec vitest`, read from package.json so the two cannot drift. */
const TEST_SCRIPT_ARGS = PACKAGE.scripts.test.replace(/^exec vitest /, '').split(' ');
const VITEST_BIN = join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

export interface GateRunOptions {
  /** Gate settings and fake knobs, on top of the fake environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Arguments after `npm test --`, e.g. a spec filter. */
  readonly args?: readonly string[];
  readonly reportDir?: string;
  readonly timeoutMs?: number;
  /**
   * How to start the gate: `npm` runs `npm test` exactly as a person does (the signal tests need
   * npm in the process tree); `vitest` (the default) runs the same command line that the `test`
   * script execs, without npm's own start-up, which the self-tests would otherwise pay fifty times.
   */
  readonly via?: 'npm' | 'vitest';
  /** Called once the process runs, e.g. to send it a signal. */
  readonly onSpawn?: (child: ResultPromise, info: { readonly port: number; readonly tag: string; readonly reportDir: string }) => void;
}

export interface GateRun {
  readonly exitCode: number | undefined;
  readonly output: string;
  readonly durationMs: number;
  /** Epoch ms when `npm test` exited. */
  readonly endedAt: number;
  readonly reportDir: string;
  readonly port: number;
  /** Processes still alive that carry this run's tag: must be none. */
  readonly leftovers: readonly string[];
  readonly markdown: string;
  readonly junit: string;
  readonly report: BenchmarkReport | undefined;
}

/**
 * Runs the gate exactly as a person does (`npm test`) against the fake ComfyUI and fake GPU tools,
 * in a report folder of its own, and collects what it left behind.
 */
export async function runGate(options: GateRunOptions = {}): Promise<GateRun> {
  const port = await getFreePort();
  const tag = randomUUID();
  const reportDir = options.reportDir ?? makeTempDir('gate-e2e');
  const env = { ...createFakeEnv({ port, reportDir, overrides: { ...FAST_FAKE, ...options.env } }), GATE_E2E_TAG: tag };
  const started = Date.now();
  const [file, args] = options.via === 'npm' ? ['npm', ['test', '--']] : [process.execPath, [VITEST_BIN, ...TEST_SCRIPT_ARGS]];
  const child = execa(file, [...args, ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env,
    extendEnv: false,
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: options.timeoutMs ?? 60_000,
    detached: true,
  });
  options.onSpawn?.(child, { port, tag, reportDir });
  const result = await child;
  const endedAt = Date.now();
  const durationMs = endedAt - started;
  const leftovers = await waitForLeftovers(tag, 5000);
  return {
    exitCode: result.exitCode,
    output: stripVTControlCharacters(result.all ?? ''),
    durationMs,
    endedAt,
    reportDir,
    port,
    leftovers,
    markdown: readText(join(reportDir, '05-BENCHMARK.md')),
    junit: readText(join(reportDir, 'junit.xml')),
    report: readJson(join(reportDir, 'benchmark.json')),
  };
}

/** The line of a verdict in the report, e.g. verdictLine(markdown, 'INFRA-04 benchmark'). */
export function verdictLine(markdown: string, startsWith: string): string {
  return markdown.split('\n').find((line) => line.startsWith(`- ${startsWith}`)) ?? `(no line starting "- ${startsWith}")`;
}

function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

function readJson(path: string): BenchmarkReport | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BenchmarkReport) : undefined;
}
