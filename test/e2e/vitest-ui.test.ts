import { makeTempDir } from './temp-dirs.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { z } from 'zod';
import { REPO_ROOT } from '../../fixtures/fake-env.ts';
import type { TruthId } from '../../src/truths/benchmark-report.ts';
import { TRUTH_TITLES } from '../../src/truths/truth-titles.ts';
import { countEvents, createHeldPython, endUi, expectStopsCleanly, readHeadline, readReport, startUi, type UiProcess } from './ui-session.ts';

// `npm run ui` as a person uses it: Vitest UI in a real (headless) Chromium against the fake
// ComfyUI that global setup boots. The specs are listed while ComfyUI boots, the reachable truth
// shows the boot's progress, truths carry their evidence, and a re-run measures again on the same
// server. A second session shows a boot failure as the person sees it.

const CHROMIUM_PATH = '/usr/bin/chromium';
// On this network anything Chromium opens by itself is refused; without these flags it keeps
// retrying in the background and pages take seconds longer to settle.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const RUN_TIMEOUT_MS = 30_000;
const SCREENSHOT = join(REPO_ROOT, 'reports', 'vitest-ui.png');
const FAILURE_SCREENSHOT = join(REPO_ROOT, 'reports', 'vitest-ui-failure.png');
const GENERATION_SPEC = 'specs/generation-under-budget.spec.ts';
const SPEC_FILES = readdirSync(join(REPO_ROOT, 'specs'))
  .filter((name) => name.endsWith('.spec.ts'))
  .map((name) => `specs/${name}`)
  .sort();
const ALL_PASSED = new RegExp(`^FAIL \\(0\\) / RUNNING \\(0\\) PASS \\(${SPEC_FILES.length}\\) / SKIP \\((0|--)\\)$`);

// CI must prove the UI works, so only a developer's machine without Chromium may skip.
const skipNote =
  !existsSync(CHROMIUM_PATH) && !process.env.CI
    ? `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium); with CI set this test fails instead`
    : undefined;

// Vitest UI's explorer: one row per file and per test, `data-testid="explorer-item"` with the file
// path or test title as aria-label, and a status icon `data-testid="status-icon-<state>"`.
function getRow(page: Page, label: string): Locator {
  return page.locator(`[data-testid="explorer-item"][aria-label="${label}"]`);
}

async function listFileRows(page: Page): Promise<string[]> {
  const labels = await Promise.all((await page.getByTestId('explorer-item').all()).map((row) => row.getAttribute('aria-label')));
  return labels.filter((label): label is string => label?.endsWith('.spec.ts') === true).sort();
}

async function getState(row: Locator): Promise<string> {
  const icon = await row
    .locator('[data-testid^="status-icon-"]')
    .first()
    .getAttribute('data-testid', { timeout: 1000 })
    .catch(() => null);
  return icon?.replace('status-icon-', '') ?? 'none';
}

async function listFileStates(page: Page): Promise<string[]> {
  return Promise.all(SPEC_FILES.map(async (file) => `${file}: ${await getState(getRow(page, file))}`));
}

/** The explorer's counters, e.g. "FAIL (0) / RUNNING (0) PASS (7) / SKIP (--)". */
async function getResultsSummary(page: Page): Promise<string> {
  return ((await page.getByTestId('results-panel').locator('> div').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Opens a truth's report panel and returns its notes (annotations) as "type: message". */
async function openNotes(page: Page, truth: TruthId): Promise<string[]> {
  // The explorer re-sorts as files are collected: a click may land on a row that just moved in.
  const header = page.getByTestId('file-detail').locator('.bg-header').getByText(TRUTH_TITLES[truth], { exact: true });
  await expect
    .poll(
      async () => {
        await getRow(page, TRUTH_TITLES[truth]).click();
        return header.isVisible();
      },
      { timeout: 10_000 },
    )
    .toBe(true);
  const notes = await page.locator('[role="note"]').all();
  return Promise.all(
    notes.map(async (note) => `${await note.locator('span.font-bold').first().textContent()}: ${await note.getByTestId('task-error').textContent()}`),
  );
}

/** The body behind a note's Download link, fetched as the browser would (the link carries the token). */
async function fetchAttachment(page: Page, messageStart: string): Promise<string> {
  const note = page.locator('[role="note"]').filter({ has: page.getByTestId('task-error').getByText(messageStart) });
  const href = await note.locator('a[download]').getAttribute('href');
  const response = await page.request.get(new URL(href ?? '', page.url()).href);
  expect(response.status(), `GET ${href}`).toBe(200);
  return response.text();
}

let browser: Browser | undefined;

/** One page per UI session; Chromium starts once and is shared. */
function usePage(getUi: () => UiProcess | undefined) {
  let page: Page | undefined;
  return {
    get page(): Page {
      if (page === undefined) throw new Error('the page was not opened');
      return page;
    },
    /** Skips with the reason when Chromium is missing off CI; keeps a screenshot of a failure. */
    prepare(context: TestContext): void {
      context.skip(skipNote !== undefined, skipNote);
      context.onTestFailed(async () => void (await page?.screenshot({ path: FAILURE_SCREENSHOT }).catch(() => undefined)));
    },
    async open(): Promise<void> {
      browser ??= await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      await page.goto(getUi()?.url ?? '', { waitUntil: 'domcontentloaded' });
    },
  };
}

async function startSession(overrides: Record<string, string>): Promise<UiProcess | undefined> {
  if (skipNote !== undefined) {
    // The default reporter does not print skip notes; a developer should see why.
    console.warn(`skipping npm run ui in a real browser: ${skipNote}`);
    return undefined;
  }
  expect(existsSync(CHROMIUM_PATH), `CI needs Chromium at ${CHROMIUM_PATH} (.ci/run installs it)`).toBe(true);
  mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
  return startUi(overrides);
}

describe('npm run ui in a real browser', () => {
  let ui: UiProcess | undefined;
  const view = usePage(() => ui);
  const held = createHeldPython(makeTempDir('held-python'));
  let firstRunId = '';

  beforeAll(async () => {
    ui = await startSession({ COMFYUI_PYTHON: held.path });
    if (ui !== undefined) await view.open();
  });
  afterAll(async () => {
    held.release();
    await endUi(ui);
  });

  test('lists the first truth while ComfyUI boots, and shows the boot progress on it', async (context) => {
    view.prepare(context);
    const { page } = view;
    // Specs share one worker, so Vitest collects (and the explorer lists) each file when its turn
    // comes: while ComfyUI boots, the first truth is listed and running, instead of "No tests found".
    await expect.poll(() => getState(getRow(page, 'specs/reachable.spec.ts')), { timeout: RUN_TIMEOUT_MS }).toBe('running');
    await expect(page.getByText('No tests found').count()).resolves.toBe(0);
    const waiting = /^boot: waiting for ComfyUI to answer: \d+ s \(up to 180 s; log: \S+\/comfyui\.log\)$/;
    await expect.poll(async () => (await openNotes(page, 'reachable')).some((note) => waiting.test(note)), { timeout: RUN_TIMEOUT_MS }).toBe(true);
    expect(countEvents(ui!.eventsFile, 'start'), 'ComfyUI is still held before its start').toBe(0);
    held.release();
    await expect.poll(() => getState(getRow(page, 'specs/reachable.spec.ts')), { timeout: RUN_TIMEOUT_MS }).toBe('pass');
    expect(await openNotes(page, 'reachable')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(waiting),
        expect.stringMatching(/^boot: ComfyUI answered http:\/\/127\.0\.0\.1:\d+\/system_stats after \d+\.\d s$/),
      ]),
    );
  });

  test('the start-up run passes, with the generated image and the GPU samples on their truths', async (context) => {
    view.prepare(context);
    const { page } = view;
    await expect.poll(() => listFileRows(page), { timeout: RUN_TIMEOUT_MS }).toEqual(SPEC_FILES);
    await expect.poll(async () => (await listFileStates(page)).filter((state) => !/: (pass|fail)$/.test(state)), { timeout: RUN_TIMEOUT_MS }).toEqual([]);
    expect(await listFileStates(page)).toEqual(SPEC_FILES.map((file) => `${file}: pass`));
    await expect.poll(() => getResultsSummary(page), { timeout: RUN_TIMEOUT_MS }).toMatch(ALL_PASSED);
    expect(countEvents(ui!.eventsFile, 'prompt_queued')).toBe(1);
    const notes = await openNotes(page, 'generation-under-budget');
    expect(notes).toContain(`evidence: report: ${join(ui!.reportDir, '05-BENCHMARK.md')} is written when this run ends`);
    const image = page.locator('[role="note"] img');
    // Loaded through Vitest UI's attachment route: the copy under the report folder's .vitest-attachments.
    await expect.poll(() => image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth), { timeout: RUN_TIMEOUT_MS }).toBe(512);
    await openNotes(page, 'gpu-active');
    const samples = z
      .object({ sampler: z.string(), samples: z.array(z.object({ atMs: z.number(), activePercent: z.number() })) })
      .parse(JSON.parse(await fetchAttachment(page, 'GPU samples during the generation')));
    expect(samples.sampler).toBe('powermetrics');
    expect(samples.samples.filter((sample) => sample.activePercent > 1).length).toBeGreaterThanOrEqual(2);
    await expect.poll(() => readReport(ui!.reportDir)?.runId, { timeout: RUN_TIMEOUT_MS }).toBeDefined();
    firstRunId = (readReport(ui!.reportDir)?.runId ?? '').replace(/-rerun-\d+$/, '');
  });

  test('re-running the generation spec measures again on the same server; the report opens from it, junit.xml and the history stay true', async (context) => {
    view.prepare(context);
    const { page } = view;
    // Counted from here: in a working tree under edit, Vitest's watcher may re-run specs by itself.
    const earlier = readReport(ui!.reportDir);
    const prompts = countEvents(ui!.eventsFile, 'prompt_queued');
    const row = getRow(page, GENERATION_SPEC);
    await row.hover();
    const rerunAt = Date.now();
    await row.getByRole('button', { name: 'Run current file' }).click();
    await expect.poll(() => countEvents(ui!.eventsFile, 'prompt_queued'), { timeout: RUN_TIMEOUT_MS }).toBeGreaterThan(prompts);
    // The reporter writes when the re-run ends; only then is the UI's state the re-run's.
    await expect.poll(() => readReport(ui!.reportDir)?.runId, { timeout: RUN_TIMEOUT_MS }).toMatch(new RegExp(`^${firstRunId}-rerun-\\d+$`));
    await expect.poll(() => readReport(ui!.reportDir)?.runId, { timeout: RUN_TIMEOUT_MS }).not.toBe(earlier?.runId);
    const rerunId = readReport(ui!.reportDir)?.runId ?? '';
    await expect.poll(() => getResultsSummary(page), { timeout: RUN_TIMEOUT_MS }).toMatch(ALL_PASSED);
    expect(await getState(row)).toBe('pass');
    expect(countEvents(ui!.eventsFile, 'start'), 'ComfyUI booted once, not per run').toBe(1);
    await page.screenshot({ path: SCREENSHOT });

    // The report this re-run replaced, attached to the truth and named as the earlier run's.
    const earlierNote = `evidence: report of the earlier run ${earlier?.runId} (started ${earlier?.date}); this run's report replaces it when this run ends`;
    await expect.poll(() => openNotes(page, 'generation-under-budget'), { timeout: RUN_TIMEOUT_MS }).toContain(earlierNote);
    const attached = await fetchAttachment(page, `report of the earlier run ${earlier?.runId}`);
    expect(attached.split('\n')).toContain('# Phase 5 Benchmark Results');
    expect(attached).toContain(`${earlier?.runId}`);

    // The re-run's report keeps the other truths' results from the first run, and its own folder.
    expect(readHeadline(ui!.reportDir)).toMatch(/^> \*\*Phase 5 gate: PASS \(SIMULATED\)\*\*/);
    expect(readdirSync(join(ui!.reportDir, 'runs'))).toContain(rerunId);
    const junit = readFileSync(join(ui!.reportDir, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g), 'junit.xml after a one-spec re-run still lists all 7 truths').toHaveLength(7);
    // Each History row carries the date of the run it describes: the re-run started after its click.
    const trend = readReport(ui!.reportDir)?.history.trend ?? [];
    const dateOf = (runId: string) => Date.parse(trend.find((entry) => entry.runId === runId)?.date ?? '');
    expect(dateOf(firstRunId)).toBeGreaterThanOrEqual(ui!.startedAt);
    expect(dateOf(firstRunId)).toBeLessThan(rerunAt);
    expect(dateOf(rerunId), "the re-run's History date is its own start").toBeGreaterThanOrEqual(rerunAt - 1000);
  });

  test('stopping the UI stops the fake ComfyUI too and leaves no process of the run', async (context) => {
    view.prepare(context);
    await expectStopsCleanly(ui!);
  });
});

describe('a boot failure in npm run ui', () => {
  let ui: UiProcess | undefined;
  const view = usePage(() => ui);

  beforeAll(async () => {
    ui = await startSession({ FAKE_COMFYUI_FAULT: 'exit-during-boot', FAKE_COMFYUI_BOOT_MS: '1000' });
    if (ui !== undefined) await view.open();
  });
  afterAll(async () => {
    await endUi(ui);
    await browser?.close();
  });

  test('fails the reachable truth with the reason and the log, in lines that fit the panel; the truths that ask the server are NOT RUN; the report says why', async (context) => {
    view.prepare(context);
    const { page } = view;
    await expect.poll(() => getState(getRow(page, 'specs/reachable.spec.ts')), { timeout: RUN_TIMEOUT_MS }).toBe('fail');
    await expect.poll(() => listFileRows(page), { timeout: RUN_TIMEOUT_MS }).toEqual(SPEC_FILES);
    await openNotes(page, 'reachable');
    const error = page.locator('.task-error').filter({ hasText: 'BootFailedError' });
    const text = await error.textContent();
    expect(text).toMatch(/^BootFailedError: ComfyUI exited during boot with exit code 1 before answering\n/);
    expect(text).toContain("ModuleNotFoundError: No module named 'torch'");
    // Vitest UI shows the message in a <pre> that never wraps: the lines themselves must fit.
    const widths = await page.locator('.task-error').evaluateAll((elements) => elements.map((element) => element.scrollWidth - element.clientWidth));
    expect(
      widths.filter((overflow) => overflow > 0),
      'pixels of failure text running off the panel',
    ).toEqual([]);
    await expect.poll(() => readHeadline(ui!.reportDir), { timeout: RUN_TIMEOUT_MS }).toContain('ComfyUI exited during boot with exit code 1');
    // The truths that ask the server are NOT RUN (skipped in the UI), not failed with a connection
    // error: the reachable truth is the one failure.
    const asksServer = ['device', 'checkpoint-installed', 'generation-under-budget', 'gpu-active', 'custom-nodes-loaded'];
    await expect.poll(() => getResultsSummary(page), { timeout: RUN_TIMEOUT_MS }).toMatch(/^FAIL \(1\) \/ RUNNING \(0\) /);
    const verdicts = readReport(ui!.reportDir)?.truths.filter((truth) => asksServer.includes(truth.id));
    expect(verdicts?.map((truth) => `${truth.id}: ${truth.verdict}`)).toEqual(asksServer.map((id) => `${id}: NOT RUN`));
    expect(verdicts?.find((truth) => truth.id === 'device')?.reason).toContain('ComfyUI did not start, so there was no server to ask');
  });

  test('stopping the UI leaves no process of the run', async (context) => {
    view.prepare(context);
    await expectStopsCleanly(ui!);
  });
});

describe('stopping npm run ui while ComfyUI still boots', () => {
  test('ends the boot too: nothing of the run is left', async () => {
    const held = createHeldPython(makeTempDir('held-python'));
    const ui = await startUi({ COMFYUI_PYTHON: held.path });
    try {
      // Global setup has returned, and ComfyUI's process runs: the boot goes on in the background.
      const boot = z.object({ status: z.string(), message: z.string() });
      const readBoot = () =>
        existsSync(join(ui.reportDir, '.state', 'boot.json'))
          ? boot.parse(JSON.parse(readFileSync(join(ui.reportDir, '.state', 'boot.json'), 'utf8'))).message
          : '';
      await expect.poll(readBoot, { timeout: RUN_TIMEOUT_MS }).toMatch(/^waiting for ComfyUI to answer: [1-9]\d* s/);
      await expectStopsCleanly(ui);
    } finally {
      await endUi(ui);
    }
  });
});
