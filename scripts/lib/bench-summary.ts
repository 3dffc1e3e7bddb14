import type { BenchRunFigures } from './bench-figures.ts';
import { renderTable } from './render-table.ts';
import type { SamplerCost } from './sampler-cost.ts';
import type { TreeMemory } from './tree-memory.ts';
import { summarize, type Summary } from './stats.ts';

type Unit = 'ms' | 's' | 'MiB' | '%';

/** One line of the final table: a figure over every run, with its target when there is one. */
export interface FigureRow {
  readonly label: string;
  readonly values: readonly (number | undefined)[];
  readonly unit: Unit;
  /** The median must be at most this (in `unit`). */
  readonly targetMax?: number;
  /** Printed instead of n/a when nothing was measured. */
  readonly missing?: string;
}

/** The rows of the final table for the runs of the main pass, in ms, s or MiB as each reads best. */
export function getFigureRows(runs: readonly BenchRunFigures[]): FigureRow[] {
  const pick = (get: (run: BenchRunFigures) => number | undefined, scale = 1) => runs.map((run) => scaled(get(run), scale));
  return [
    { label: 'total wall time of npm test', values: pick((run) => run.wallMs, 1000), unit: 's' },
    { label: 'Vitest start-up until the first spec (gate side)', values: pick((run) => run.startupMs, 1000), unit: 's' },
    { label: '  spawn → global setup runs (npm, Node, Vitest, config)', values: pick((run) => run.vitestStartMs, 1000), unit: 's' },
    { label: '  ready → first spec runs (worker, spec import)', values: pick((run) => run.readyToFirstSpecMs), unit: 'ms' },
    { label: '  (fake ComfyUI boot: process start → listening)', values: pick((run) => run.fakeBootMs), unit: 'ms' },
    { label: 'readiness lag (listening → gate ready)', values: pick((run) => run.readinessLagMs), unit: 'ms', targetMax: 100 },
    { label: 'Vitest cost per further spec file', values: pick((run) => run.perSpecMs), unit: 'ms' },
    { label: 'completion lag (execution_success → gate)', values: pick((run) => run.completionLagMs), unit: 'ms', targetMax: 20 },
    { label: 'teardown (last spec → npm exits)', values: pick((run) => run.teardownMs), unit: 'ms', targetMax: 1000 },
    { label: '  report writing (last spec → report line)', values: pick((run) => run.reportMs), unit: 'ms' },
    { label: '  server stop (fake SIGTERM → npm exits)', values: pick((run) => run.serverStopMs), unit: 'ms' },
    { label: 'gate overhead (wall − fake boot − fake run)', values: pick((run) => run.overheadMs, 1000), unit: 's', targetMax: 2 },
    { label: 'peak RSS of the gate processes', values: pick((run) => run.peakMiB), unit: 'MiB' },
  ];
}

/** Rows for the GPU sampler's CPU cost (one measurement, so min = median = max). */
export function getSamplerRows(cost: SamplerCost | Error): FigureRow[] {
  if (cost instanceof Error) return [{ label: 'GPU sampler CPU', values: [], unit: '%', targetMax: 2, missing: `n/a (${cost.message})` }];
  return [
    { label: `GPU sampler CPU, steady (gate + tool)`, values: [cost.steadyGatePercent + cost.steadyToolPercent], unit: '%', targetMax: 2 },
    { label: '  gate process (parsing)', values: [cost.steadyGatePercent], unit: '%' },
    { label: '  tool process (fake powermetrics)', values: [cost.steadyToolPercent], unit: '%' },
    { label: '  whole window incl. tool start-up', values: [cost.wholeGatePercent + cost.wholeToolPercent], unit: '%' },
  ];
}

/** The final table: median, min, max, target and ✓/✗ per figure. */
export function renderFigureTable(rows: readonly FigureRow[]): string {
  return renderTable(
    ['figure', 'median', 'min', 'max', 'target', ''],
    rows.map((row) => {
      const summary = summarize(row.values);
      if (summary === undefined) return [row.label, row.missing ?? 'n/a', '', '', formatTarget(row), row.targetMax === undefined ? '' : '?'];
      return [
        row.label,
        format(summary.median, row.unit),
        format(summary.min, row.unit),
        format(summary.max, row.unit),
        formatTarget(row),
        getMark(row, summary),
      ];
    }),
  );
}

/** "label (median x, target ≤ y)" for every row whose median misses its target or was not measured. */
export function getMissedTargets(rows: readonly FigureRow[]): string[] {
  return rows.flatMap((row) => {
    if (row.targetMax === undefined) return [];
    const summary = summarize(row.values);
    if (summary === undefined) return [`${row.label.trim()} (not measured)`];
    return meetsTarget(row, summary.median) ? [] : [`${row.label.trim()} (median ${format(summary.median, row.unit)}, target ${formatTarget(row)})`];
  });
}

/** A number with its unit, rounded as the unit reads best. */
export function format(value: number, unit: Unit): string {
  if (unit === 'ms') return `${Math.round(value)} ms`;
  if (unit === 's') return `${value.toFixed(2)} s`;
  if (unit === 'MiB') return `${Math.round(value)} MiB`;
  return `${value.toFixed(2)} %`;
}

function formatTarget(row: FigureRow): string {
  if (row.targetMax === undefined) return '';
  return row.unit === '%' ? `< ${row.targetMax} %` : `≤ ${format(row.targetMax, row.unit).replace('.00 s', ' s')}`;
}

function getMark(row: FigureRow, summary: Summary): string {
  if (row.targetMax === undefined) return '';
  return meetsTarget(row, summary.median) ? '✓' : '✗';
}

// The CPU target is written as "< 2 %" and every other one as "≤".
function meetsTarget(row: FigureRow, median: number): boolean {
  if (row.targetMax === undefined) return true;
  return row.unit === '%' ? median < row.targetMax : median <= row.targetMax;
}

function scaled(value: number | undefined, divisor: number): number | undefined {
  return value === undefined ? undefined : value / divisor;
}

/** One line per run: the figures with targets, the run's own timing accuracy, and how it ended. */
export function formatRunLine(label: string, run: BenchRunFigures): string {
  const ms = (value: number | undefined) => (value === undefined ? 'n/a' : format(value, 'ms'));
  const parts = [
    `wall ${format(run.wallMs / 1000, 's')}`,
    `ready lag ${ms(run.readinessLagMs)}`,
    `completion lag ${ms(run.completionLagMs)}`,
    `teardown ${ms(run.teardownMs)}`,
    `overhead ${run.overheadMs === undefined ? 'n/a' : format(run.overheadMs / 1000, 's')}`,
    `peak ${format(run.peakMiB, 'MiB')}`,
    formatAccuracy(run),
    `${run.specCount} specs, exit ${run.exitSignal ?? run.exitCode ?? '?'}`,
  ];
  return `${label}: ${parts.join(' · ')}`;
}

/** "elapsed 1043 ms vs server 1017 ms: Δ +26 ms (submit 18 ms) ✓" */
export function formatAccuracy(run: BenchRunFigures): string {
  const accuracy = run.accuracy;
  if (accuracy === undefined) return 'elapsed vs server n/a (no benchmark.json elapsed or no execution events)';
  const { clientMs, serverMs, diffMs, submitMs, withinTarget } = accuracy;
  const sign = diffMs >= 0 ? '+' : '−';
  return `elapsed ${clientMs.toFixed(0)} ms vs server ${serverMs.toFixed(0)} ms: Δ ${sign}${Math.abs(diffMs).toFixed(0)} ms (submit ${submitMs.toFixed(0)} ms) ${withinTarget ? '✓' : '✗'}`;
}

/** "412 MiB = Vitest main 170 MiB + spec worker 120 MiB + …", the peak's processes by role. */
export function describePeak(memory: Pick<TreeMemory, 'peakKiB' | 'peakParts'>): string {
  const parts = memory.peakParts.map((part) => `${getRole(part.command)} ${format(part.kib / 1024, 'MiB')}`);
  return `${format(memory.peakKiB / 1024, 'MiB')} = ${parts.join(' + ')}`;
}

function getRole(command: string): string {
  if (/workers\/forks\.js/.test(command)) return 'spec worker';
  if (/\.bin\/vitest|vitest\.mjs/.test(command)) return 'Vitest main';
  if (/^npm\b|npm-cli/.test(command)) return 'npm';
  if (/^(\/bin\/)?sh -c/.test(command)) return 'sh';
  if (/esbuild/.test(command)) return 'esbuild';
  return command.slice(0, 40);
}
