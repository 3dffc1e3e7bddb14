import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, type TestContext, test } from 'vitest';
import { startAttachedFake } from './attached-fake.ts';
import { readEvents, type FakeEvent } from './events.ts';
import { type GateRun, runGate, verdictLine } from './run-gate.ts';
import { makeTempDir } from './temp-dirs.ts';

// The server is hostile data: answers too slow, too big or elsewhere, runs answered from the
// cache, and text made to fool a terminal or a report. One scenario per fault of the fake, run as a
// user runs the gate; each ends in bounded time, says what happened, and leaves its files.

/** The attach probe's deadline (src/server/attach.ts) and the readiness deadline set below. */
const ATTACH_DEADLINE_MS = 5000;
const READY_TIMEOUT_S = 3;
/** What the gate may take after the moment that decides the run: Vitest's teardown and the reporter. */
const WIND_DOWN_MS = 6000;

const GENERATION = ['specs/generation-under-budget'];
const HOSTILE_PIECES = ['\u001b[2J', '\u001b]0;pwned\u0007', '<script>alert(1)</script>'];

describe.concurrent('faults in the exchange', () => {
  test('slow-body, attached: /system_stats at one byte a second ends at the 5 s deadline, saying how much arrived', async (context) => {
    const fake = await startAttachFake(context, 'slow-body');
    const run = await runGate({ env: { COMFYUI_URL: fake.url } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(new RegExp(`GET ${escapeRegExp(fake.url)}/system_stats: no complete answer within 5 s \\(received \\d bytes so far\\)`));
    expect(run.output).not.toContain('start ComfyUI first');
    expect(run.endedAt - firstFault(fake.events, 'slow-body').at).toBeLessThan(ATTACH_DEADLINE_MS + WIND_DOWN_MS);
    expectFilesLeft(run);
    expect(verdictLine(run.markdown, 'Phase 5 gate')).toMatch(
      /^- Phase 5 gate: FAIL — setup failed: GET http:\/\/127\.0\.0\.1:\d+\/system_stats: no complete answer within 5 s/,
    );
    expect(run.leftovers).toEqual([]);
  });

  test('huge-body, booted: a 50 MB /system_stats is refused from its content-length on every poll, and the boot ends at its deadline', async () => {
    const events = eventsFile();
    const run = await runGate({ env: { FAKE_COMFYUI_FAULT: 'huge-body', FAKE_COMFYUI_EVENTS: events, COMFYUI_READY_TIMEOUT_S: String(READY_TIMEOUT_S) } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(
      new RegExp(`last poll: GET http://127\\.0\\.0\\.1:${run.port}/system_stats: answer larger than 1 MiB \\(content-length 52428800\\): refused`),
    );
    expect(run.endedAt - firstFault(events, 'huge-body').at).toBeLessThan(READY_TIMEOUT_S * 1000 + WIND_DOWN_MS);
    expectFilesLeft(run);
    expect(run.leftovers).toEqual([]);
  });

  test('redirect, attached: a 302 is not followed; its status and target are shown at once', async (context) => {
    const fake = await startAttachFake(context, 'redirect');
    const run = await runGate({ env: { COMFYUI_URL: fake.url } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain(`GET ${fake.url}/system_stats answered 302 → http://example.invalid/login (the gate does not follow redirects)`);
    expect(run.output).toContain('Point COMFYUI_URL straight at ComfyUI');
    expect(fake.events().filter((event) => event.event === 'fault')).toHaveLength(1);
    expect(run.endedAt - firstFault(fake.events, 'redirect').at).toBeLessThan(WIND_DOWN_MS);
    expectFilesLeft(run);
  });
});

describe.concurrent('runs answered from the cache', () => {
  test('all-cached: a run ComfyUI answered from its cache is no benchmark: the truth fails, saying so, at once', async () => {
    const events = eventsFile();
    const run = await runGate({ env: { FAKE_COMFYUI_FAULT: 'all-cached', FAKE_COMFYUI_EVENTS: events }, args: GENERATION });
    const runs = readEvents(events).filter((event) => event.event === 'execution_success');
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(readEvents(events).filter((event) => event.event === 'fault' && event.fault === 'all-cached')).toHaveLength(runs.length);
    expect(run.endedAt - (runs.at(-1)?.at ?? 0)).toBeLessThan(WIND_DOWN_MS);
    expectFilesLeft(run);
    // The verdict is the benchmark code's: a cached sampler must fail the truth.
    expect(run.exitCode).toBe(1);
    expect(verdictLine(run.markdown, 'INFRA-04 benchmark')).toMatch(/FAIL \(SIMULATED\) — .*cache/i);
    expect(run.output).toMatch(/cache/i);
    expectNoPass(run);
  });
});

describe.concurrent('hostile text', () => {
  test('hostile-text: an execution_error full of escapes, a fake verdict line and HTML fails the run, and none of it acts', async () => {
    const events = eventsFile();
    const run = await runGate({ env: { FAKE_COMFYUI_FAULT: 'hostile-text', FAKE_COMFYUI_EVENTS: events }, args: GENERATION });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain(
      'ComfyUI failed while running node 4 (CheckpointLoaderSimple<script>alert(1)</script>): RuntimeError: Error while loading: ⏎ > **Phase 5 gate: PASS** ⏎',
    );
    const failedAt = readEvents(events).find((event) => event.event === 'execution_error')?.at;
    expect(failedAt).toBeDefined();
    expect(run.endedAt - (failedAt ?? 0)).toBeLessThan(WIND_DOWN_MS);
    expectFilesLeft(run);
    expect(verdictLine(run.markdown, 'INFRA-04 benchmark')).toMatch(
      /^- INFRA-04 benchmark \(< 120 seconds\): FAIL \(SIMULATED\) — ComfyUI failed while running node 4/,
    );
    expectInert(run);
    expectNoPass(run);
  });

  test('hostile-text with http-500: an HTML 500 page from POST /prompt is quoted as one inert line', async () => {
    const events = eventsFile();
    const run = await runGate({ env: { FAKE_COMFYUI_FAULT: 'hostile-text,http-500', FAKE_COMFYUI_EVENTS: events }, args: GENERATION });
    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/prompt answered 500: <!DOCTYPE html> ⏎ <html><head><title>500 Internal Server Error<\/title>/);
    expect(run.endedAt - firstFault(events, 'http-500').at).toBeLessThan(WIND_DOWN_MS);
    expectFilesLeft(run);
    expect(verdictLine(run.markdown, 'INFRA-04 benchmark')).toMatch(/FAIL \(SIMULATED\) — .*500/);
    expectInert(run);
    expectNoPass(run);
  });
});

interface AttachFake {
  readonly url: string;
  readonly events: () => FakeEvent[];
}

/** Starts the fake ComfyUI with `fault`, the way a person starts ComfyUI before `COMFYUI_URL=… npm test`; stopped after the test. */
async function startAttachFake(context: TestContext, fault: string): Promise<AttachFake> {
  const events = eventsFile();
  // Ready on its log line, not a request: with these faults /system_stats is the thing under test.
  const { url } = await startAttachedFake(context, { env: { FAKE_COMFYUI_FAULT: fault, FAKE_COMFYUI_EVENTS: events, FAKE_COMFYUI_BOOT_MS: '100' } });
  return { url, events: () => readEvents(events) };
}

function eventsFile(): string {
  return join(makeTempDir('gate-trust'), 'events.jsonl');
}

function firstFault(events: string | (() => FakeEvent[]), fault: string): FakeEvent {
  const all = typeof events === 'string' ? readEvents(events) : events();
  const found = all.find((event) => event.event === 'fault' && event.fault === fault);
  if (found === undefined) throw new Error(`the fake never recorded the ${fault} fault`);
  return found;
}

/** The report and the JUnit file are there and not empty, whatever failed. */
function expectFilesLeft(run: GateRun): void {
  for (const file of ['05-BENCHMARK.md', 'junit.xml']) {
    const path = join(run.reportDir, file);
    expect(existsSync(path), `${file} exists`).toBe(true);
    expect(statSync(path).size, `${file} is not empty`).toBeGreaterThan(0);
  }
}

/** No raw escape or control byte in the terminal output or any file of the report; the hostile pieces never appear raw. */
function expectInert(run: GateRun): void {
  const texts: [string, string][] = [['terminal output', run.output], ...readReportFiles(run.reportDir)];
  for (const [name, text] of texts) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
    expect(text, name).not.toMatch(/[\u001b\u0007\u009b]/);
    for (const piece of HOSTILE_PIECES.slice(0, 2)) expect(text, name).not.toContain(piece);
  }
  // Outside a code block (whose lines Markdown shows as typed), HTML from outside is text, never a tag.
  expect(getProse(run.markdown)).not.toContain('<script>');
}

/** A failed run never reads as a pass: no verdict or headline line says PASS, and no line starts like the report's headline. */
function expectNoPass(run: GateRun): void {
  expect(verdictLine(run.markdown, 'Phase 5 gate')).toMatch(/^- Phase 5 gate: FAIL/);
  expect(run.markdown).not.toMatch(/^\s*- Phase 5 gate: PASS/m);
  // `grep 'gate: PASS'` over a failed run's reports finds nothing, quoted log lines included.
  for (const [name, text] of readReportFiles(run.reportDir).filter(([path]) => /\.(md|xml)$/.test(path))) expect(text, name).not.toMatch(/gate\s*:\s*PASS/i);
  expect(run.markdown).toMatch(/^> \*\*Phase 5 gate: FAIL/m);
  expect(run.output).not.toMatch(/^\s*> \*\*Phase 5 gate: PASS/m);
  expect(run.output).not.toMatch(/^\[comfyui-gate\] Phase 5 gate: PASS/m);
  expect(run.output).toMatch(/^\[comfyui-gate\] Phase 5 gate: FAIL/m);
}

/** The Markdown outside fenced code blocks: what renders as Markdown rather than as typed text. */
function getProse(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
}

// Everything the gate wrote for the report (ComfyUI's own log aside: that is the server's output, kept as it came).
function readReportFiles(dir: string): [string, string][] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(md|xml|json|html|svg|txt)$/.test(entry.name))
    .map((entry): [string, string] => {
      const path = join(entry.parentPath, entry.name);
      return [path, readFileSync(path, 'utf8')];
    });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
