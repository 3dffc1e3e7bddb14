import { makeTempDir } from './temp-dirs';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { z } from 'zod';
import { createFakeEnv, getFreePort, REPO_ROOT } from '../../fixtures/fake-env';
import type { BenchmarkReport } from '../../src/truths/benchmark-report';
import { findTaggedProcesses, waitForLeftovers } from '../../fixtures/tagged-processes';

// `npm run ui` as a person uses it: Vitest UI in a real (headless) Chromium, the gate's specs run
// once at start against the fake ComfyUI that global setup boots, and a re-run from the UI
// measures again on that same server.

const CHROMIUM_PATH = '/usr/bin/chromium';
// On this network anything Chromium opens by itself is refused; without these flags it keeps
// retrying in the background and pages take seconds longer to settle.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const UI_READY_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5000;
const BACKOFF_MS = [100, 250, 500, 1000];
const OUTPUT_TAIL_LINES = 50;
const SCREENSHOT = join(REPO_ROOT, 'reports', 'vitest-ui.png');
const FAILURE_SCREENSHOT = join(REPO_ROOT, 'reports', 'vitest-ui-failure.png');
const GENERATION_SPEC = 'specs/generation-under-budget.spec.ts';
const SPEC_FILES = readdirSync(join(REPO_ROOT, 'specs'))
  .filter((name) => name.endsWith('.spec.ts'))
  .map((name) => `specs/${name}`)
  .sort();

// CI must prove the UI works, so only a developer's machine without Chromium may skip.
const skipNote = !existsSync(CHROMIUM_PATH) && !process.env.CI ? `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium); with CI set this test fails instead` : undefined;

interface UiProcess {
  readonly url: string;
  readonly tag: string;
  readonly reportDir: string;
  readonly eventsFile: string;
  readonly child: ResultPromise;
  /** The last lines the UI process printed. */
  getOutputTail(): string;
  /** SIGTERM to the whole group, SIGKILL after the grace period; idempotent. */
  stop(): Promise<{ readonly forced: boolean }>;
}

/** Starts `npm run ui` against the fakes in its own process group and waits until the UI answers. */
async function startUi(): Promise<UiProcess> {
  const comfyPort = await getFreePort();
  let uiPort = await getFreePort();
  while (uiPort === comfyPort) uiPort = await getFreePort();
  const tag = randomUUID();
  const reportDir = makeTempDir('gate-ui');
  const eventsFile = join(reportDir, 'fake-comfyui-events.jsonl');
  const env = { ...createFakeEnv({ port: comfyPort, reportDir, overrides: { FAKE_COMFYUI_EVENTS: eventsFile } }), GATE_E2E_TAG: tag };
  // `npm run ui` is `vitest watch --ui`: it stays open without a terminal too, as on CI.
  const args = ['run', 'ui', '--', '--open=false', `--api.port=${uiPort}`, '--api.host=127.0.0.1', '--api.strictPort'];
  const child = execa('npm', args, { cwd: REPO_ROOT, env, extendEnv: false, detached: true, reject: false, buffer: false, all: true, stdin: 'ignore' });
  const lines: string[] = [];
  child.all?.on('data', (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n'));
    lines.splice(0, lines.length - OUTPUT_TAIL_LINES);
  });
  let stopping: Promise<{ forced: boolean }> | undefined;
  const ui: UiProcess = {
    url: `http://127.0.0.1:${uiPort}/__vitest__/`,
    tag,
    reportDir,
    eventsFile,
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

/** Polls the UI's page with backoff until it answers 200, the process exits, or the deadline passes. */
async function waitForUi(ui: UiProcess): Promise<void> {
  const started = Date.now();
  let exited = false;
  void ui.child.then(() => (exited = true));
  for (let attempt = 0; ; attempt++) {
    if (exited) throw new Error(`npm run ui exited before ${ui.url} answered; its last lines:\n${ui.getOutputTail()}`);
    const status = await fetch(ui.url).then(
      (response) => response.status,
      () => undefined,
    );
    if (status === 200) return;
    if (Date.now() - started > UI_READY_TIMEOUT_MS) {
      throw new Error(`${ui.url} did not answer 200 within ${UI_READY_TIMEOUT_MS / 1000} s (last: ${status ?? 'no connection'}); npm run ui printed:\n${ui.getOutputTail()}`);
    }
    await sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]);
  }
}

/** The fake ComfyUI's events of one kind, from its FAKE_COMFYUI_EVENTS log. */
function countEvents(eventsFile: string, event: string): number {
  if (!existsSync(eventsFile)) return 0;
  const lines = readFileSync(eventsFile, 'utf8').split('\n').filter((line) => line !== '');
  return lines.filter((line) => z.looseObject({ event: z.string() }).parse(JSON.parse(line)).event === event).length;
}

function readBenchmarkStart(reportDir: string): string | undefined {
  const path = join(reportDir, 'benchmark.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BenchmarkReport).benchmark.startedAt : undefined;
}

// Vitest UI's explorer: one row per file and per test, `data-testid="explorer-item"` with the
// file path or test title as aria-label. The status icon is an attributify element,
// `i-carbon:checkmark` for passed and `i-carbon:close` for failed.
function getFileRow(page: Page, file: string): Locator {
  return page.locator(`[data-testid="explorer-item"][aria-label="${file}"]`);
}

async function listFileRows(page: Page): Promise<string[]> {
  const labels = await Promise.all((await page.getByTestId('explorer-item').all()).map((row) => row.getAttribute('aria-label')));
  return labels.filter((label): label is string => label?.endsWith('.spec.ts') === true).sort();
}

async function getFileState(row: Locator): Promise<'pass' | 'fail' | 'other'> {
  if ((await row.locator('[i-carbon\\:checkmark]').count()) > 0) return 'pass';
  if ((await row.locator('[i-carbon\\:close]').count()) > 0) return 'fail';
  return 'other';
}

async function listFileStates(page: Page): Promise<string[]> {
  return Promise.all(SPEC_FILES.map(async (file) => `${file}: ${await getFileState(getFileRow(page, file))}`));
}

/** The explorer's counters, e.g. "FAIL (0) / RUNNING (0) PASS (7) / SKIP (--)". */
async function getResultsSummary(page: Page): Promise<string> {
  return (await page.getByTestId('results-panel').locator('> div').first().innerText()).replace(/\s+/g, ' ').trim();
}

describe('npm run ui in a real browser', () => {
  let ui: UiProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;

  /** Skips with the reason when Chromium is missing off CI; keeps a screenshot of a failure. */
  const prepare = (context: TestContext) => {
    context.skip(skipNote !== undefined, skipNote);
    context.onTestFailed(async () => void (await page.screenshot({ path: FAILURE_SCREENSHOT }).catch(() => undefined)));
  };

  beforeAll(async () => {
    if (skipNote !== undefined) {
      // The default reporter does not print skip notes; a developer should see why.
      console.warn(`skipping npm run ui in a real browser: ${skipNote}`);
      return;
    }
    expect(existsSync(CHROMIUM_PATH), `CI needs Chromium at ${CHROMIUM_PATH} (.ci/run installs it)`).toBe(true);
    mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
    ui = await startUi();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    // A failed leak check must not leak: end what is left of this run, by pid.
    for (const entry of ui === undefined ? [] : findTaggedProcesses(ui.tag)) signalPid(Number(entry.split(' ')[0]));
  });

  test('lists every spec and shows the start-up run passing', async (context) => {
    prepare(context);
    await page.goto(ui!.url, { waitUntil: 'domcontentloaded' });
    await expect.poll(() => listFileRows(page), { timeout: RUN_TIMEOUT_MS }).toEqual(SPEC_FILES);
    // Wait for the run to end, then judge it: a failed spec shows at once, not after a timeout.
    await expect.poll(async () => (await listFileStates(page)).filter((state) => state.endsWith(': other')), { timeout: RUN_TIMEOUT_MS }).toEqual([]);
    expect(await listFileStates(page)).toEqual(SPEC_FILES.map((file) => `${file}: pass`));
    expect(await getResultsSummary(page)).toBe(`FAIL (0) / RUNNING (0) PASS (${SPEC_FILES.length}) / SKIP (--)`);
    expect(countEvents(ui!.eventsFile, 'prompt_queued')).toBe(1);
  });

  test('re-running the generation spec from the UI queues a second prompt on the same server', async (context) => {
    prepare(context);
    const firstStart = readBenchmarkStart(ui!.reportDir);
    const row = getFileRow(page, GENERATION_SPEC);
    await row.hover();
    await row.getByRole('button', { name: 'Run current file' }).click();
    await expect.poll(() => countEvents(ui!.eventsFile, 'prompt_queued'), { timeout: RUN_TIMEOUT_MS }).toBe(2);
    // The reporter writes when the re-run ends; only then is the UI's state the re-run's.
    await expect.poll(() => readBenchmarkStart(ui!.reportDir), { timeout: RUN_TIMEOUT_MS }).not.toBe(firstStart);
    await expect.poll(() => getResultsSummary(page)).toBe(`FAIL (0) / RUNNING (0) PASS (${SPEC_FILES.length}) / SKIP (--)`);
    expect(await getFileState(row)).toBe('pass');
    expect(countEvents(ui!.eventsFile, 'start'), 'ComfyUI booted once, not per run').toBe(1);
    // The re-run's report keeps the other truths' results from the first run, and its own folder.
    const markdown = readFileSync(join(ui!.reportDir, '05-BENCHMARK.md'), 'utf8');
    expect(markdown).toContain('- Phase 5 gate: PASS (SIMULATED)');
    expect(readdirSync(join(ui!.reportDir, 'runs')).filter((name) => name.endsWith('-rerun-1'))).toHaveLength(1);
    await page.screenshot({ path: SCREENSHOT });
  });

  test('stopping the UI stops the fake ComfyUI too and leaves no process of the run', async (context) => {
    prepare(context);
    const { forced } = await ui!.stop();
    expect(forced, `npm run ui outlived SIGTERM by ${STOP_GRACE_MS / 1000} s; it printed:\n${ui!.getOutputTail()}`).toBe(false);
    // The gate's own hooks stop ComfyUI (it lives in a process group of its own): nothing of this
    // run may be left, the fake ComfyUI included.
    expect(await waitForLeftovers(ui!.tag, 2000)).toEqual([]);
  });
});

function signalPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
