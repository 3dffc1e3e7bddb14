import type { NodeTiming, TruthId } from '../truths/benchmark-report.ts';
import {
  codeFence,
  escapeTableCell,
  formatBytes,
  formatFixed,
  formatInteger,
  formatPercent,
  formatSeconds,
  formatWithUnit,
  isFiniteNumber,
  notAvailable,
  oneLine,
} from './format.ts';
import { explainWithDiagnosis } from './render-diagnosis.ts';
import { getMissingReason, hasFailure } from './render-context.ts';
import type { RenderContext } from './render-context.ts';
import { renderHistorySection } from './render-markdown-history.ts';

/** The sections after the plan's template: the evidence behind the verdicts. */
export function renderExtraSections(context: RenderContext): string[] {
  return [
    renderTimings(context),
    renderGpuActivity(context),
    renderImage(context),
    renderInstallChecks(context),
    renderHistorySection(context),
    ...renderLogTail(context),
  ];
}

function sumSeconds(nodes: readonly NodeTiming[]): number {
  return nodes.reduce((sum, node) => sum + (isFiniteNumber(node.seconds) ? node.seconds : 0), 0);
}

function renderTimings(context: RenderContext): string {
  const { benchmark, comfyui } = context.report;
  const notRun = getMissingReason(context, 'generation-under-budget', 'the generation did not record this');
  const table =
    benchmark.nodes.length === 0
      ? [`Per-node timings: ${notAvailable(notRun)}`]
      : [
          '| Phase | Node | Class | Seconds |',
          '| --- | --- | --- | ---: |',
          ...benchmark.nodes.map(
            (node) =>
              `| ${escapeTableCell(node.role)} | ${escapeTableCell(node.id)} | ${escapeTableCell(node.classType ?? 'n/a (not recorded)')} | ${formatSeconds(node.seconds, 'not recorded')} |`,
          ),
          `| **total** | | | **${sumSeconds(benchmark.nodes).toFixed(2)}** |`,
        ];
  const { elapsedS, serverElapsedS } = benchmark;
  const difference =
    isFiniteNumber(elapsedS) && isFiniteNumber(serverElapsedS) ? `${Math.round((elapsedS - serverElapsedS) * 1000)} ms` : notAvailable('needs both times');
  const ready =
    comfyui.mode === 'attach'
      ? notAvailable('attached to a running server')
      : formatWithUnit(
          comfyui.timeToReadyMs === undefined ? undefined : comfyui.timeToReadyMs / 1000,
          2,
          's',
          getMissingReason(context, 'reachable', 'not recorded'),
        );
  return [
    '## Timings',
    '',
    ...table,
    '',
    `- Server elapsed (execution_start → execution_success): ${formatWithUnit(serverElapsedS, 2, 's', notRun)}`,
    `- Client elapsed (submit → finished): ${formatWithUnit(elapsedS, 2, 's', notRun)}`,
    `- Difference (client − server): ${difference}`,
    `- Steps per second: ${formatFixed(benchmark.stepsPerSecond, 2, notRun)}`,
    `- Run followed via: ${benchmark.via ?? notAvailable(notRun)}`,
    ...(benchmark.cachedNodes === undefined || benchmark.cachedNodes.length === 0
      ? []
      : [`- Cached by the server, not run again: nodes ${benchmark.cachedNodes.join(', ')} (a warm server: these timings leave out loading the model)`]),
    `- Server ready after: ${ready}`,
  ].join('\n');
}

function renderGpuActivity(context: RenderContext): string {
  const { gpu } = context.report;
  const noSamples = gpu.sampler === undefined ? 'no GPU sampler ran' : 'no samples in the generation window';
  const noPower = gpu.samples.length > 0 && gpu.sampler !== undefined ? `${gpu.sampler} reports no power` : noSamples;
  const sampler =
    gpu.sampler === undefined
      ? `none${gpu.samplerReason !== undefined ? ` — ${oneLine(gpu.samplerReason)}` : ''}`
      : `${gpu.sampler}${gpu.samplerReason !== undefined ? ` — ${oneLine(gpu.samplerReason)}` : ''}`;
  const count = (value: number | undefined): string => (isFiniteNumber(value) ? formatInteger(value) : notAvailable(noSamples));
  const chart =
    gpu.chartFile !== undefined
      ? ['', `![GPU activity during generation](${gpu.chartFile})`]
      : ['', `Chart: ${notAvailable(gpu.samples.length === 0 ? noSamples : 'no chart file was written')}`];
  return [
    '## GPU activity',
    '',
    `- Sampler: ${sampler}`,
    `- Interval: ${formatWithUnit(gpu.intervalMs, 0, 'ms', noSamples)}`,
    `- Samples during generation: ${count(gpu.sampleCount)}`,
    `- Active samples (above ${gpu.thresholdPercent} %): ${count(gpu.activeSampleCount)}`,
    `- Peak: ${formatPercent(gpu.peakPercent, noSamples)}`,
    `- Mean: ${formatPercent(gpu.meanPercent, noSamples)}`,
    `- Mean power: ${formatWithUnit(gpu.meanPowerW, 1, 'W', noPower)}`,
    `- Threshold: ${gpu.thresholdPercent} % (a sample above it counts as active)`,
    ...(gpu.watchdog !== undefined ? [`- Watchdog: ${oneLine(explainWithDiagnosis(context.report, gpu.watchdog))}`] : []),
    ...chart,
  ].join('\n');
}

function renderImage(context: RenderContext): string {
  const { image } = context.report.benchmark;
  if (image === undefined) {
    const why = getMissingReason(context, 'generation-under-budget', 'no image was recorded');
    return ['## Image', '', `- Image: ${notAvailable(why)}`].join('\n');
  }
  return [
    '## Image',
    '',
    `- Path: \`${image.path}\``,
    `- Size: ${image.width} x ${image.height}`,
    `- Mean luma: ${formatFixed(image.meanLuma, 1, 'not measured')}; std-dev luma: ${formatFixed(image.stdDevLuma, 1, 'not measured')}`,
  ].join('\n');
}

function renderInstallChecks(context: RenderContext): string {
  const { checkpoint, kohya, customNodes } = context.report.install;
  const missing = (id: TruthId): string => notAvailable(getMissingReason(context, id, 'not checked'));
  const checkpointLines =
    checkpoint === undefined
      ? [`- ${missing('checkpoint-installed')}`]
      : [
          `- Path: \`${checkpoint.path}\``,
          ...(checkpoint.source === undefined ? [] : [`- Found in: ${oneLine(checkpoint.source)}`]),
          `- Size: ${formatBytes(checkpoint.sizeBytes)}`,
          `- SHA-256: ${checkpoint.sha256 ?? notAvailable('not computed')}`,
          `- Tensors: ${formatInteger(checkpoint.tensorCount)}`,
        ];
  const kohyaLines =
    kohya === undefined
      ? [`- ${missing('kohya-mixed-precision')}`]
      : [
          `- Accelerate config: \`${kohya.configPath}\``,
          `- mixed_precision: ${kohya.mixedPrecision ?? notAvailable('not set in the config')}`,
          ...(kohya.pythonVersion !== undefined ? [`- Python: ${oneLine(kohya.pythonVersion)}`] : []),
        ];
  const list = (names: readonly string[]): string => (names.length > 0 ? oneLine(names.join(', ')) : 'none');
  const nodeLines =
    customNodes === undefined
      ? [`- ${missing('custom-nodes-loaded')}`]
      : [
          `- Found: ${list(customNodes.found)}`,
          `- Missing: ${list(customNodes.missing)}`,
          ...(customNodes.locations ?? []).map((where) => `- ${oneLine(where.name)}: \`${where.path}\` (${oneLine(where.source)})`),
        ];
  return [
    '## Install checks',
    '',
    '**Checkpoint (INFRA-02):**',
    ...checkpointLines,
    '',
    '**kohya_ss (INFRA-03):**',
    ...kohyaLines,
    '',
    '**Custom nodes (INFRA-05):**',
    ...nodeLines,
  ].join('\n');
}

function renderLogTail(context: RenderContext): string[] {
  const { report } = context;
  // A setup failure already shows the log in its own section.
  if (report.setupError !== undefined || report.logTail.length === 0 || !hasFailure(context)) return [];
  const logPath = report.comfyui.logPath !== undefined ? `Full log: \`${report.comfyui.logPath}\`` : undefined;
  return [['## ComfyUI log (last lines)', '', ...(logPath !== undefined ? [logPath, ''] : []), codeFence(report.logTail.join('\n'))].join('\n')];
}
