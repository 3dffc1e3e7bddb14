import { getActionableFindings } from './render-diagnosis.ts';
import { escapeXml, neutraliseMarkers, sanitizeLine } from '../text/sanitize.ts';
import { TRUTH_IDS } from '../truths/benchmark-report.ts';
import type { BenchmarkReport, TruthId, TruthResult } from '../truths/benchmark-report.ts';
import { TRUTH_TITLES } from '../truths/truth-titles.ts';

// junit.xml from the gate's own report, so it always lists every truth (the report merges a
// Vitest UI re-run of one spec with the earlier results) and carries the measurements as named
// properties. Layout: <testsuites name="comfyui-gate">, then a "setup" suite only when global
// setup failed, then one suite per truth in TRUTH_IDS order, each with its properties (at suite
// level: the Jenkins schemas have no testcase properties) and one testcase.
//
// Verdicts: PASS is a bare testcase. FAIL is <failure type="TruthFailed">. NOT RUN is a
// <failure type="NotRun">, not a <skipped>: the gate fails when a truth did not run, and a CI view
// that showed it as skipped would turn green for a run that proved nothing. SKIPPED (switched off
// by configuration) is <skipped>, with the reason as the element's text: Jenkins' junit-4.xsd,
// which the tests validate against, gives <skipped> no attributes.

type Outcome =
  | { readonly kind: 'pass' }
  | { readonly kind: 'failure'; readonly type: string; readonly message: string; readonly body: string }
  | { readonly kind: 'skipped'; readonly text: string };

interface JunitSuite {
  readonly name: string;
  readonly classname: string;
  readonly caseName: string;
  readonly timeS: number;
  readonly properties: ReadonlyArray<readonly [string, string]>;
  readonly outcome: Outcome;
}

type PropertyValue = string | number | boolean | undefined;

/** Characters XML 1.0 cannot hold at all (not even escaped): most C0 controls, lone surrogates, U+FFFE/F. */
const XML_FORBIDDEN = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Text for the document: what XML forbids removed, escaped, and quoted verdict phrases neutralised (JUnit never says "gate: PASS"). */
function xml(text: string): string {
  return escapeXml(neutraliseMarkers(text.replace(XML_FORBIDDEN, '')));
}

/** One inert line for an attribute or a message: sanitised, without the characters XML forbids. */
function line(text: string, max = 1000): string {
  return sanitizeLine(text, max);
}

function seconds(ms: number | undefined): number {
  return ms === undefined || !Number.isFinite(ms) || ms < 0 ? 0 : Math.round(ms) / 1000;
}

function toProperties(entries: ReadonlyArray<readonly [string, PropertyValue]>): Array<readonly [string, string]> {
  return entries.flatMap(([name, value]): Array<readonly [string, string]> => {
    if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return [];
    return [[name, line(String(value))]];
  });
}

/** What each truth measured, as named properties; absent values are left out, never faked. */
function getMeasurements(report: BenchmarkReport, id: TruthId): ReadonlyArray<readonly [string, PropertyValue]> {
  const { benchmark, gpu, device, comfyui, install } = report;
  switch (id) {
    case 'reachable':
      return [
        ['comfyui_url', comfyui.url],
        ['comfyui_mode', comfyui.mode],
        ['time_to_ready_s', comfyui.timeToReadyMs === undefined ? undefined : comfyui.timeToReadyMs / 1000],
      ];
    case 'device':
      return [
        ['device_expected', device.expected],
        ['device', device.found.length > 0 ? device.found.join(',') : undefined],
        ['python_version', device.pythonVersion],
        ['comfyui_version', device.comfyuiVersion],
        ['pytorch_version', device.pytorchVersion],
      ];
    case 'checkpoint-installed':
      return [
        ['checkpoint', benchmark.checkpoint],
        ['checkpoint_path', install.checkpoint?.path],
        ['checkpoint_size_bytes', install.checkpoint?.sizeBytes],
        ['checkpoint_sha256', install.checkpoint?.sha256],
        ['checkpoint_source', install.checkpoint?.source],
        ['checkpoint_tensors', install.checkpoint?.tensorCount],
      ];
    case 'generation-under-budget':
      return [
        ['budget_s', benchmark.budgetS],
        ['elapsed_s', benchmark.elapsedS],
        ['server_elapsed_s', benchmark.serverElapsedS],
        ['submit_round_trip_ms', benchmark.submitRoundTripMs],
        ['steps_per_s', benchmark.stepsPerSecond],
        ['steps', benchmark.steps],
        ['size', `${benchmark.width}x${benchmark.height}`],
        ['sampler', benchmark.sampler],
        ['scheduler', benchmark.scheduler],
        ['cfg', benchmark.cfg],
        ['seed', benchmark.seed],
        ['followed_via', benchmark.via],
        ['cached_nodes', benchmark.cachedNodes === undefined || benchmark.cachedNodes.length === 0 ? undefined : benchmark.cachedNodes.join(',')],
        ['image_mean_luma', benchmark.image?.meanLuma],
        ['image_stddev_luma', benchmark.image?.stdDevLuma],
      ];
    case 'gpu-active':
      return [
        ['gpu_history', gpu.history],
        ['gpu_sampler', gpu.sampler],
        ['gpu_interval_ms', gpu.intervalMs],
        ['gpu_threshold_percent', gpu.thresholdPercent],
        ['gpu_samples', gpu.sampleCount],
        ['gpu_active_samples', gpu.activeSampleCount],
        ['gpu_peak_percent', gpu.peakPercent],
        ['gpu_mean_percent', gpu.meanPercent],
        ['gpu_mean_power_w', gpu.meanPowerW],
        ['gpu_watchdog', gpu.watchdog],
      ];
    case 'kohya-mixed-precision':
      return [
        ['kohya_config', install.kohya?.configPath],
        ['kohya_mixed_precision', install.kohya?.mixedPrecision],
        ['kohya_python_version', install.kohya?.pythonVersion],
      ];
    case 'custom-nodes-loaded':
      return [
        ['custom_nodes_found', install.customNodes?.found.join(',')],
        ['custom_nodes_missing', install.customNodes?.missing.join(',')],
      ];
  }
}

function getRunProperties(report: BenchmarkReport): ReadonlyArray<readonly [string, PropertyValue]> {
  const { interrupted } = report;
  return [
    ['run_id', report.runId],
    ['simulated', report.simulated],
    ['interrupted', interrupted === undefined ? undefined : `${interrupted.signal} ${interrupted.during}`],
    [
      'diagnosis',
      getActionableFindings(report)
        .map((finding) => `${finding.severity}:${finding.id}`)
        .join(' ') || undefined,
    ],
  ];
}

/** The diagnosis under a failure: each blocks/slows finding with its cause, fix and first evidence line. */
function getDiagnosisLines(report: BenchmarkReport): string[] {
  const findings = getActionableFindings(report);
  if (findings.length === 0) return [];
  return [
    '',
    'Diagnosis:',
    ...findings.flatMap((finding) => [
      `- ${finding.severity.toUpperCase()} ${finding.id}: ${finding.title} — ${finding.cause}`,
      ...(finding.fix === '' ? [] : [`  fix: ${finding.fix}`]),
      ...finding.evidence.slice(0, 1).map((evidence) => `  log line ${evidence.line}: ${evidence.text}`),
    ]),
  ];
}

/** The failure text: the measurement-based sentence when there is one, the full reason, what to do. */
function getFailureBody(report: BenchmarkReport, truth: TruthResult): { message: string; body: string } {
  const reason = truth.reason?.trim() || 'no reason was recorded';
  const { elapsedS, budgetS } = report.benchmark;
  const overBudget = truth.id === 'generation-under-budget' && elapsedS !== undefined && Number.isFinite(elapsedS) && elapsedS >= budgetS;
  const lead = overBudget ? `took ${elapsedS.toFixed(2)} s, over the ${budgetS} s budget` : undefined;
  const hint = truth.hint?.trim();
  const body = [...(lead === undefined ? [] : [lead, '']), reason, ...(hint ? ['', `What to do: ${hint}`] : []), ...getDiagnosisLines(report)].join('\n');
  return { message: line(lead ?? reason.split('\n')[0] ?? reason), body };
}

function getOutcome(report: BenchmarkReport, truth: TruthResult | undefined): Outcome {
  if (report.setupError !== undefined) {
    return { kind: 'failure', type: 'NotRun', message: `NOT RUN — setup failed: ${line(report.setupError.message.split('\n')[0] ?? '')}`, body: '' };
  }
  if (truth === undefined) return { kind: 'failure', type: 'NotRun', message: 'NOT RUN — no result was recorded for this truth', body: '' };
  const why = line(truth.reason?.trim() || 'no reason was recorded');
  switch (truth.verdict) {
    case 'PASS':
      return { kind: 'pass' };
    case 'FAIL':
      return { kind: 'failure', type: 'TruthFailed', ...getFailureBody(report, truth) };
    case 'NOT RUN':
      return { kind: 'failure', type: 'NotRun', message: `NOT RUN — ${why}`, body: '' };
    case 'SKIPPED':
      return { kind: 'skipped', text: `SKIPPED by configuration (${why})` };
  }
}

function getSetupSuite(report: BenchmarkReport): JunitSuite | undefined {
  const error = report.setupError;
  if (error === undefined) return undefined;
  const context = Object.entries(error.context).map(
    ([key, value]) => `${key}: ${value === null ? 'n/a' : Array.isArray(value) ? value.join(', ') : String(value)}`,
  );
  const log = report.logTail.length > 0 ? ['', `ComfyUI log (last ${report.logTail.length} lines):`, ...report.logTail] : [];
  const body = [error.message, ...(error.hint.trim() === '' ? [] : ['', `What to do: ${error.hint}`]), '', `code: ${error.code}`, ...context, ...log].join(
    '\n',
  );
  return {
    name: 'setup',
    classname: 'comfyui-gate.global-setup',
    caseName: 'global setup: configuration, then ComfyUI booted or attached',
    timeS: 0,
    properties: toProperties([['comfyui_url', report.comfyui.url], ['comfyui_mode', report.comfyui.mode], ...getRunProperties(report)]),
    outcome: { kind: 'failure', type: error.name, message: line(error.message.split('\n')[0] ?? error.message), body },
  };
}

function getTruthSuite(report: BenchmarkReport, id: TruthId): JunitSuite {
  const truth = report.truths.find((candidate) => candidate.id === id);
  return {
    name: `${id}: ${TRUTH_TITLES[id]}`,
    // The last part names the spec file: action-junit-report finds specs/<id>.spec.ts from it.
    classname: `comfyui-gate.${id}`,
    caseName: TRUTH_TITLES[id],
    timeS: report.setupError === undefined ? seconds(truth?.durationMs) : 0,
    properties: toProperties([...getMeasurements(report, id), ...getRunProperties(report)]),
    outcome: getOutcome(report, truth),
  };
}

function renderOutcome(outcome: Outcome): string[] {
  if (outcome.kind === 'pass') return [];
  if (outcome.kind === 'skipped') return [`      <skipped>${xml(outcome.text)}</skipped>`];
  const open = `      <failure message="${xml(outcome.message)}" type="${xml(line(outcome.type, 100))}"`;
  return outcome.body === '' ? [`${open}/>`] : [`${open}>${xml(outcome.body)}</failure>`];
}

function renderSuite(suite: JunitSuite, report: BenchmarkReport): string[] {
  const failures = suite.outcome.kind === 'failure' ? 1 : 0;
  const skipped = suite.outcome.kind === 'skipped' ? 1 : 0;
  const time = suite.timeS.toFixed(3);
  const simulated = report.simulated
    ? ['      <system-out>SIMULATED: measured against the built-in fake ComfyUI; this proves nothing about this machine.</system-out>']
    : [];
  return [
    `  <testsuite name="${xml(line(suite.name))}" tests="1" failures="${failures}" errors="0" skipped="${skipped}" time="${time}" timestamp="${xml(line(report.date, 100))}">`,
    ...(suite.properties.length === 0
      ? []
      : ['    <properties>', ...suite.properties.map(([name, value]) => `      <property name="${xml(name)}" value="${xml(value)}"/>`), '    </properties>']),
    `    <testcase classname="${xml(suite.classname)}" name="${xml(line(suite.caseName))}" time="${time}">`,
    ...renderOutcome(suite.outcome),
    ...simulated,
    '    </testcase>',
    '  </testsuite>',
  ];
}

/** junit.xml for CI test views, rendered from the whole report: every truth, every measurement. */
export function renderJunit(report: BenchmarkReport): string {
  const setup = getSetupSuite(report);
  const suites = [...(setup === undefined ? [] : [setup]), ...TRUTH_IDS.map((id) => getTruthSuite(report, id))];
  const failures = suites.filter((suite) => suite.outcome.kind === 'failure').length;
  const time = suites.reduce((sum, suite) => sum + suite.timeS, 0).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="comfyui-gate" tests="${suites.length}" failures="${failures}" errors="0" time="${time}">`,
    ...suites.flatMap((suite) => renderSuite(suite, report)),
    '</testsuites>',
    '',
  ].join('\n');
}
