import type { BenchmarkReport } from '../truths/benchmark-report.ts';
import type { ErrorContext } from '../errors.ts';
import { codeFence, formatCompact, formatDateTimeWithIso, formatFixed, formatSeconds, notAvailable, oneLine } from './format.ts';
import { createRenderContext, getMissingReason } from './render-context.ts';
import type { MarkdownOptions, RenderContext } from './render-context.ts';
import { renderExtraSections } from './render-markdown-extras.ts';
import { renderRunSections } from './render-markdown-runs.ts';
import { renderAtAGlance, renderHintLines, renderVerdictLines } from './render-verdicts.ts';
import { renderDiagnosisHints, renderDiagnosisSection } from './render-diagnosis.ts';

export type { MarkdownOptions } from './render-context.ts';

const SAMPLER_NAMES: Readonly<Record<string, string>> = {
  euler: 'Euler',
  euler_ancestral: 'Euler a',
  heun: 'Heun',
  lms: 'LMS',
  ddim: 'DDIM',
  uni_pc: 'UniPC',
  dpmpp_2m: 'DPM++ 2M',
  dpmpp_sde: 'DPM++ SDE',
  dpmpp_2m_sde: 'DPM++ 2M SDE',
};

/** The full 05-BENCHMARK.md: the plan's template filled with actual values, then the evidence. */
export function renderBenchmarkMarkdown(report: BenchmarkReport, options: MarkdownOptions = {}): string {
  const context = createRenderContext(report, options);
  const blocks = [
    ...(report.simulated ? [renderSimulatedBanner()] : []),
    '# Phase 5 Benchmark Results',
    renderAtAGlance(report),
    ...renderWarnings(report),
    ...(report.setupError !== undefined ? [renderSetupFailed(report)] : []),
    renderHeader(context),
    renderSystemStats(context),
    renderMpsConfirmation(context),
    renderBenchmark(context),
    renderVerdict(report),
    renderDiagnosisSection(report),
    ...renderRunSections(context),
    ...renderExtraSections(context),
  ];
  return `${blocks.join('\n\n')}\n`;
}

function renderSimulatedBanner(): string {
  return [
    '> **SIMULATED RUN.** This report was produced against the built-in fake ComfyUI, not a real server.',
    '> It proves nothing about this machine: every verdict below is stamped (SIMULATED).',
  ].join('\n');
}

function renderContextLines(context: ErrorContext): string[] {
  return Object.entries(context).map(([key, value]) => {
    const text = value === null ? 'n/a' : Array.isArray(value) ? value.join(', ') : String(value);
    return `- ${key}: ${oneLine(text)}`;
  });
}

function renderSetupFailed(report: BenchmarkReport): string {
  const error = report.setupError;
  if (error === undefined) return '';
  const hint = error.hint.trim() !== '' ? oneLine(error.hint) : 'no hint was recorded; read the ComfyUI log below.';
  const contextLines = renderContextLines(error.context);
  const logPath = report.comfyui.logPath !== undefined ? `; full log: \`${report.comfyui.logPath}\`` : '';
  const log =
    report.logTail.length > 0
      ? [`ComfyUI log (last ${report.logTail.length} lines${logPath}):`, '', codeFence(report.logTail.join('\n'))]
      : [`No ComfyUI log lines were captured${logPath}.`];
  return [
    '## Setup failed',
    '',
    `**What happened:** ${oneLine(error.message)} (${error.name}, code ${error.code})`,
    '',
    `**What to do:** ${hint}`,
    ...(contextLines.length > 0 ? ['', ...contextLines] : []),
    '',
    ...log,
    // The template's header fields follow without a heading: a rule keeps them out of this section.
    '',
    '---',
  ].join('\n');
}

function describeLaunch(report: BenchmarkReport): string {
  const { comfyui, device } = report;
  if (comfyui.mode === 'attach') {
    // argv[0] is the script ("main.py"); the flags follow it.
    const argv = device.argv;
    const flags =
      argv === undefined
        ? notAvailable('argv not reported by this ComfyUI version')
        : argv.filter((arg, index) => !(index === 0 && arg.endsWith('.py'))).join(' ') || 'no flags';
    return `attached to ${comfyui.url} (server started with: ${flags})`;
  }
  const launch = [comfyui.launchEnv, comfyui.launchFlags].map((part) => part.trim()).filter((part) => part !== '');
  return launch.length > 0 ? launch.join(' ') : notAvailable('no launch flags were recorded');
}

function renderHeader({ report, options }: RenderContext): string {
  const machine = report.machine.description.trim();
  return [
    `**Date:** ${formatDateTimeWithIso(report.date, options.timeZone)}`,
    '',
    `**Machine:** ${machine !== '' ? machine : notAvailable('no machine description was recorded')}`,
    '',
    `**ComfyUI launch flags:** ${describeLaunch(report)}`,
  ].join('\n');
}

function getStatsMissingReason(context: RenderContext): string {
  const fallback = 'the gate recorded no /system_stats response';
  return getMissingReason(context, 'reachable', getMissingReason(context, 'device', fallback));
}

function renderSystemStats(context: RenderContext): string {
  const stats = context.report.systemStats;
  const body =
    stats === undefined ? `NOT RUN — /system_stats was not fetched: ${getStatsMissingReason(context)}` : codeFence(JSON.stringify(stats, null, 2), 'json');
  return ['## System Stats (from /system_stats)', '', body].join('\n');
}

function getExpectedPython(expected: string): string {
  return /\.x$/.test(expected) || expected.split('.').length >= 3 ? expected : `${expected}.x`;
}

function renderMpsConfirmation(context: RenderContext): string {
  const { device, systemStats } = context.report;
  const missing = systemStats === undefined ? getStatsMissingReason(context) : undefined;
  const [first] = device.found;
  const others = device.found.length > 1 ? ` (all devices: ${device.found.join(', ')})` : '';
  const found = first !== undefined ? `${first}${others}` : notAvailable(missing ?? '/system_stats listed no devices');
  const value = (text: string | undefined, _field: string): string =>
    text !== undefined && text.trim() !== '' ? oneLine(text) : notAvailable(missing ?? 'not reported by this ComfyUI version');
  return [
    '## MPS Confirmation',
    '',
    `- devices[0].type: ${found} (expected: "${device.expected}")`,
    `- python_version: ${value(device.pythonVersion, 'python_version')} (expected: "${getExpectedPython(device.pythonExpected)}")`,
    ...(device.pythonWarning !== undefined ? [`- Warning: ${oneLine(device.pythonWarning)}`] : []),
    `- comfyui_version: ${value(device.comfyuiVersion, 'comfyui_version')}`,
    `- pytorch_version: ${value(device.pytorchVersion, 'pytorch_version')}`,
  ].join('\n');
}

function describeGpuHistory({ report }: RenderContext): string {
  const { history, sampler, samplerReason } = report.gpu;
  if (sampler !== undefined) return `${history} (measured with ${sampler})`;
  const why = samplerReason !== undefined ? `: ${oneLine(samplerReason)}` : '';
  return `${history} (no GPU sampler ran${why})`;
}

function renderBenchmark(context: RenderContext): string {
  const { benchmark } = context.report;
  const { timeZone } = context.options;
  const notRun = getMissingReason(context, 'generation-under-budget', 'the generation did not record this');
  const time = (iso: string | undefined): string => (iso !== undefined ? formatDateTimeWithIso(iso, timeZone) : notAvailable(notRun));
  const samplerName = SAMPLER_NAMES[benchmark.sampler];
  const prompt = oneLine(benchmark.prompt);
  return [
    '## INFRA-04 Benchmark',
    '',
    '**Parameters:**',
    `- Checkpoint: ${benchmark.checkpoint}`,
    `- Resolution: ${benchmark.width} x ${benchmark.height}`,
    `- Steps: ${benchmark.steps}`,
    `- Sampler: ${benchmark.sampler}${samplerName !== undefined ? ` (${samplerName})` : ''}`,
    `- Scheduler: ${benchmark.scheduler}`,
    `- CFG Scale: ${formatFixed(benchmark.cfg, 1, 'not a number')}`,
    `- Prompt: ${prompt !== '' ? prompt : notAvailable('empty prompt')}`,
    `- Seed: ${benchmark.seed ?? 'n/a (no run was configured)'}`,
    '',
    '**Results:**',
    `- Start time: ${time(benchmark.startedAt)}`,
    `- End time: ${time(benchmark.endedAt)}`,
    `- Elapsed seconds: ${formatSeconds(benchmark.elapsedS, notRun)} (budget ${formatCompact(benchmark.budgetS)} s)`,
    `- GPU History (Activity Monitor): ${describeGpuHistory(context)}`,
  ].join('\n');
}

function renderVerdict(report: BenchmarkReport): string {
  const hints = [...renderHintLines(report), ...renderDiagnosisHints(report)];
  return ['## Verdict', '', ...renderVerdictLines(report), ...(hints.length > 0 ? ['', '**What to do:**', ...hints] : [])].join('\n');
}

/** Configuration warnings (an unknown COMFYUI_ variable, an ignored setting), right under the outcome. */
function renderWarnings(report: BenchmarkReport): string[] {
  const warnings = report.warnings ?? [];
  return warnings.length === 0 ? [] : [['**Warnings:**', ...warnings.map((warning) => `- ${oneLine(warning)}`)].join('\n')];
}
