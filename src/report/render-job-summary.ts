import type { BenchmarkReport, GpuSamplePoint, HistoryEntry, TruthResult, Verdict } from '../truths/benchmark-report.ts';
import { codeFence, formatChange, formatCompact, isFiniteNumber, oneLine, round1 } from './format.ts';
import { TREND_CHART_MAX_RUNS, TREND_CHART_MIN_RUNS } from './render-trend-chart.ts';
import { formatVerdictWord, getPhaseWord, renderAtAGlance, resolveTruths } from './render-verdicts.ts';

// job-summary.md: what GitHub shows on the run's page. Self-contained (no links to files that
// only exist in the artifact): the verdict, ONE table of truths, the key figures, and the charts
// as Mermaid xychart-beta blocks, which GitHub draws. GitHub refuses a step summary over 1 MiB,
// so the output is capped below that: the log tail and the charts go first, then the key figures,
// and the note at the end says what was left out.

/** GitHub's limit is 1 MiB per step summary; stay clear of it. */
export const JOB_SUMMARY_MAX_BYTES = 1_000_000;
/** Points a Mermaid line gets at most: more add bytes, not information, at a summary's width. */
const MAX_CHART_POINTS = 120;
const LOG_TAIL_LINES = 20;
const MAX_WARNINGS = 20;

export interface JobSummaryOptions {
  /** The cap in bytes; JOB_SUMMARY_MAX_BYTES unless a test needs a smaller one. */
  readonly maxBytes?: number;
}

/** A part of the summary; parts with a `dropOrder` go (lowest first) when the whole is too big. */
interface Block {
  readonly text: string;
  readonly dropOrder?: number;
  readonly what?: string;
}

const VERDICT_ICONS: Readonly<Record<Verdict, string>> = { PASS: '✅', FAIL: '❌', 'NOT RUN': '⛔', SKIPPED: '⏭️' };

function renderHeadline(report: BenchmarkReport): string {
  const icon = report.interrupted !== undefined ? '⚠️' : VERDICT_ICONS[report.phaseVerdict];
  const glance = renderAtAGlance(report);
  const cut = glance.indexOf(' — ');
  const lines = [`## ${icon} Phase 5 gate: ${getPhaseWord(report)}`, '', cut < 0 ? glance : glance.slice(cut + 3)];
  if (report.simulated) {
    lines.push('', '> **SIMULATED RUN.** Measured against the built-in fake ComfyUI: this proves nothing about this machine.');
  }
  return lines.join('\n');
}

function formatTime(truth: TruthResult | undefined): string {
  return truth?.durationMs === undefined || !isFiniteNumber(truth.durationMs) ? '—' : `${(truth.durationMs / 1000).toFixed(2)} s`;
}

function renderTruthTable(report: BenchmarkReport): string {
  const rows = resolveTruths(report).map((truth) => {
    const recorded = report.setupError === undefined ? report.truths.find((candidate) => candidate.id === truth.id) : undefined;
    // Reasons and hints come out of resolveTruths already made Markdown-safe (no `|`, no HTML).
    const why = [truth.reason, truth.hint === undefined ? undefined : `**What to do:** ${truth.hint}`].filter((part) => part !== undefined).join(' — ');
    return `| ${truth.title} | ${VERDICT_ICONS[truth.verdict]} ${formatVerdictWord(truth.verdict, report.simulated)} | ${formatTime(recorded)} | ${why} |`;
  });
  return ['| Truth | Verdict | Time | Why / what to do |', '| --- | --- | ---: | --- |', ...rows].join('\n');
}

function renderSetupFailure(report: BenchmarkReport): string | undefined {
  const error = report.setupError;
  if (error === undefined) return undefined;
  const hint = error.hint.trim() === '' ? 'read the ComfyUI log below' : oneLine(error.hint);
  return [
    '### Setup failed',
    '',
    `**What happened:** ${oneLine(error.message)} (${oneLine(error.name)}, code ${oneLine(error.code)})`,
    '',
    `**What to do:** ${hint}`,
  ].join('\n');
}

function renderLogTail(report: BenchmarkReport): string | undefined {
  if (report.logTail.length === 0 || report.phaseVerdict === 'PASS') return undefined;
  const tail = report.logTail.slice(-LOG_TAIL_LINES);
  return [`<details><summary>ComfyUI log, last ${tail.length} lines</summary>`, '', codeFence(tail.join('\n')), '', '</details>'].join('\n');
}

function seconds(value: number | undefined): string | undefined {
  return isFiniteNumber(value) ? `${value.toFixed(2)} s` : undefined;
}

function joinParts(parts: ReadonlyArray<string | undefined>): string {
  return parts.filter((part): part is string => part !== undefined).join(' · ');
}

function describeGeneration(report: BenchmarkReport): string {
  const { benchmark } = report;
  const elapsed = seconds(benchmark.elapsedS);
  return joinParts([
    elapsed === undefined ? 'did not finish' : `${elapsed} of the ${round1(benchmark.budgetS)} s budget`,
    benchmark.serverElapsedS === undefined ? undefined : `server ${seconds(benchmark.serverElapsedS)}`,
    isFiniteNumber(benchmark.stepsPerSecond) ? `${benchmark.stepsPerSecond.toFixed(2)} steps/s` : undefined,
    `${benchmark.width}×${benchmark.height}, ${benchmark.steps} steps, ${oneLine(benchmark.sampler)}`,
  ]);
}

function describeGpu(report: BenchmarkReport): string {
  const { gpu } = report;
  if (gpu.sampleCount === undefined) return `history ${gpu.history}${gpu.samplerReason === undefined ? '' : ` (${oneLine(gpu.samplerReason)})`}`;
  return joinParts([
    `active in ${gpu.activeSampleCount ?? 0} of ${gpu.sampleCount} samples (≥ ${round1(gpu.thresholdPercent)} %)`,
    isFiniteNumber(gpu.peakPercent) ? `peak ${round1(gpu.peakPercent)} %` : undefined,
    isFiniteNumber(gpu.meanPercent) ? `mean ${round1(gpu.meanPercent)} %` : undefined,
    gpu.sampler === undefined ? undefined : `sampler ${oneLine(gpu.sampler)}`,
  ]);
}

function describeRun(label: string, entry: HistoryEntry | undefined, elapsedS: number | undefined): string | undefined {
  if (entry === undefined || !isFiniteNumber(entry.elapsedS)) return undefined;
  const change = isFiniteNumber(elapsedS) ? ` (this run: ${formatChange(elapsedS, entry.elapsedS)})` : '';
  return `- **${label}:** ${entry.elapsedS.toFixed(2)} s, run ${oneLine(entry.runId)}${change}`;
}

function renderKeyFigures(report: BenchmarkReport): string {
  const { device, history } = report;
  const found = device.found.length > 0 ? device.found.map((name) => oneLine(name)).join(', ') : 'none reported';
  const versions = joinParts([
    device.pytorchVersion === undefined ? undefined : `PyTorch ${oneLine(device.pytorchVersion)}`,
    device.comfyuiVersion === undefined ? undefined : `ComfyUI ${oneLine(device.comfyuiVersion)}`,
  ]);
  const regression = history.regression;
  const warnings = report.warnings ?? [];
  return [
    '### Key figures',
    '',
    `- **Generation:** ${describeGeneration(report)}`,
    `- **Device:** ${found} (expected ${oneLine(device.expected)})${versions === '' ? '' : ` · ${versions}`}`,
    `- **GPU:** ${describeGpu(report)}`,
    describeRun('Previous run', history.previous, report.benchmark.elapsedS),
    describeRun('Best run', history.best, report.benchmark.elapsedS),
    regression === undefined
      ? undefined
      : `- **Regression:** ${regression.stepsPerSecond.toFixed(2)} steps/s is ${round1(regression.percentBelow)} % below the best comparable run (${regression.bestStepsPerSecond.toFixed(2)} steps/s)`,
    `- **Machine:** ${oneLine(report.machine.description)}`,
    `- **Run:** ${oneLine(report.runId)} · ${oneLine(report.date)} · ComfyUI ${report.comfyui.mode === 'attach' ? 'attached at' : 'booted at'} ${oneLine(report.comfyui.url)}`,
    ...warnings.slice(0, MAX_WARNINGS).map((warning) => `- **Warning:** ${oneLine(warning)}`),
    ...(warnings.length > MAX_WARNINGS ? [`- …and ${warnings.length - MAX_WARNINGS} more warnings`] : []),
  ]
    .filter((item): item is string => item !== undefined)
    .join('\n');
}

/** Consecutive buckets, at most MAX_CHART_POINTS of them, each the mean of its samples. */
function downsample(samples: readonly GpuSamplePoint[]): { readonly points: GpuSamplePoint[]; readonly perPoint: number } {
  const perPoint = Math.max(1, Math.ceil(samples.length / MAX_CHART_POINTS));
  const points: GpuSamplePoint[] = [];
  for (let start = 0; start < samples.length; start += perPoint) {
    const bucket = samples.slice(start, start + perPoint);
    const mean = bucket.reduce((sum, sample) => sum + sample.activePercent, 0) / bucket.length;
    points.push({ atMs: bucket[0]?.atMs ?? 0, activePercent: mean });
  }
  return { points, perPoint };
}

function mermaid(lines: readonly string[]): string {
  return ['```mermaid', 'xychart-beta', ...lines.map((text) => `  ${text}`), '```'].join('\n');
}

function renderGpuChart(report: BenchmarkReport): string | undefined {
  const { samples, thresholdPercent, phases } = report.gpu;
  // From submit on: the axis starts at 0 s, and Mermaid's axis ranges are plain non-negative numbers.
  const { points, perPoint } = downsample(samples.filter((sample) => isFiniteNumber(sample.atMs) && sample.atMs >= 0 && isFiniteNumber(sample.activePercent)));
  if (points.length < 2) return undefined;
  const first = (points[0]?.atMs ?? 0) / 1000;
  const last = (points.at(-1)?.atMs ?? 0) / 1000;
  const values = points.map((point) => round1(Math.min(100, Math.max(0, point.activePercent))));
  const phaseLine = phases.map((phase) => `${oneLine(phase.role)} ${formatCompact(phase.startMs / 1000)}–${formatCompact(phase.endMs / 1000)} s`).join(' · ');
  const note = perPoint > 1 ? ` Each point is the mean of up to ${perPoint} samples.` : '';
  return [
    '### GPU activity',
    '',
    mermaid([
      `title "GPU active % by seconds since the prompt was submitted"`,
      `x-axis "seconds since submit" ${round1(first)} --> ${round1(last)}`,
      'y-axis "active %" 0 --> 100',
      `line [${values.join(', ')}]`,
      `line [${values.map(() => round1(thresholdPercent)).join(', ')}]`,
    ]),
    '',
    `The flat line is the ${round1(thresholdPercent)} % threshold a sample must reach to count as active.${note}`,
    ...(phaseLine === '' ? [] : ['', `Phases: ${phaseLine}`]),
  ].join('\n');
}

function renderTrendChart(report: BenchmarkReport): string | undefined {
  const timed = report.history.trend.filter((entry) => isFiniteNumber(entry.elapsedS)).slice(-TREND_CHART_MAX_RUNS);
  if (timed.length < TREND_CHART_MIN_RUNS) return undefined;
  const { budgetS } = report.benchmark;
  const top = Math.ceil(Math.max(budgetS, ...timed.map((entry) => entry.elapsedS ?? 0)) * 1.1);
  // Labels are the gate's own ISO dates (UTC), quoted; never server text.
  const labels = timed.map((entry) => `"${entry.date.slice(5, 16).replace('T', ' ').replace(/"/g, '')}"`);
  return [
    '### Elapsed seconds, last runs',
    '',
    mermaid([
      `title "Elapsed seconds per run (last ${timed.length}), budget ${round1(budgetS)} s"`,
      `x-axis [${labels.join(', ')}]`,
      `y-axis "seconds" 0 --> ${top}`,
      `bar [${timed.map((entry) => round1(entry.elapsedS ?? 0)).join(', ')}]`,
      `line [${timed.map(() => round1(budgetS)).join(', ')}]`,
    ]),
    '',
    `Bars: elapsed seconds per run, dates in UTC; the line is this run's budget.${timed.some((entry) => entry.simulated) ? ' Simulated runs are included.' : ''}`,
  ].join('\n');
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cuts text at a line boundary so it, plus the note, fits in `maxBytes`. */
function cutToBytes(text: string, maxBytes: number, note: string): string {
  const budget = maxBytes - byteLength(note) - 2;
  const lines = text.split('\n');
  const kept: string[] = [];
  let used = 0;
  for (const current of lines) {
    const size = byteLength(current) + 1;
    if (used + size > budget) break;
    kept.push(current);
    used += size;
  }
  return `${kept.join('\n')}\n\n${note}`;
}

function assemble(blocks: readonly Block[], dropped: readonly string[]): string {
  const note =
    dropped.length === 0
      ? []
      : [`> Left out to stay under GitHub's 1 MiB summary limit: ${dropped.join(', ')}. The full report is in the comfyui-gate-reports artifact.`];
  return `${[...blocks.map((block) => block.text), ...note].join('\n\n')}\n`;
}

/** The job summary for GitHub: verdict, one table of truths, key figures, Mermaid charts; under 1 MiB. */
export function renderJobSummary(report: BenchmarkReport, options: JobSummaryOptions = {}): string {
  const maxBytes = options.maxBytes ?? JOB_SUMMARY_MAX_BYTES;
  const optional = (text: string | undefined, dropOrder: number, what: string): Block[] => (text === undefined ? [] : [{ text, dropOrder, what }]);
  let blocks: Block[] = [
    { text: renderHeadline(report) },
    ...optional(renderSetupFailure(report), 5, 'the setup failure'),
    { text: renderTruthTable(report), dropOrder: 6, what: 'the table of truths' },
    ...optional(renderLogTail(report), 1, 'the ComfyUI log'),
    { text: renderKeyFigures(report), dropOrder: 4, what: 'the key figures' },
    ...optional(renderGpuChart(report), 2, 'the GPU chart'),
    ...optional(renderTrendChart(report), 3, 'the trend chart'),
  ];
  const dropped: string[] = [];
  while (byteLength(assemble(blocks, dropped)) > maxBytes) {
    const next = blocks.filter((block) => block.dropOrder !== undefined).sort((a, b) => (a.dropOrder ?? 0) - (b.dropOrder ?? 0))[0];
    if (next === undefined) break;
    blocks = blocks.filter((block) => block !== next);
    dropped.push(next.what ?? 'a section');
  }
  const text = assemble(blocks, dropped);
  return byteLength(text) <= maxBytes ? text : cutToBytes(text, maxBytes, "> …cut here to stay under GitHub's 1 MiB summary limit.\n");
}
