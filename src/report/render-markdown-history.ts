import type { HistoryEntry } from '../truths/benchmark-report.ts';
import { escapeTableCell, formatChange, formatFixed, formatLocalDateTime, isFiniteNumber, notAvailable } from './format.ts';
import type { RenderContext } from './render-context.ts';
import { formatVerdictWord } from './render-verdicts.ts';

function describeComparison(label: string, entry: HistoryEntry | undefined, context: RenderContext): string {
  if (entry === undefined) return `- ${label}: ${notAvailable('no earlier run was recorded')}`;
  const { elapsedS } = context.report.benchmark;
  const when = `${formatLocalDateTime(entry.date, context.options.timeZone)}, run ${entry.runId}${entry.simulated ? ', SIMULATED' : ''}`;
  if (!isFiniteNumber(entry.elapsedS)) return `- ${label} (${when}): ${notAvailable('that run recorded no elapsed time')}`;
  const change = isFiniteNumber(elapsedS) ? `this run is ${formatChange(elapsedS, entry.elapsedS)}` : notAvailable('this run recorded no elapsed time');
  return `- ${label} (${when}): ${entry.elapsedS.toFixed(2)} s — ${change}`;
}

function renderTrendRow(entry: HistoryEntry, context: RenderContext): string {
  const cells = [
    escapeTableCell(entry.runId),
    formatLocalDateTime(entry.date, context.options.timeZone),
    escapeTableCell(entry.device ?? 'n/a (not recorded)'),
    formatFixed(entry.elapsedS, 2, 'did not finish'),
    formatFixed(entry.stepsPerSecond, 2, 'not recorded'),
    formatVerdictWord(entry.phaseVerdict, entry.simulated),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** `## History`: this run against the previous and the best run, and a table of the last runs. */
export function renderHistorySection(context: RenderContext): string {
  const { history } = context.report;
  const { trendChartFile } = context.options;
  const trend =
    history.trend.length === 0
      ? ['No earlier runs were recorded.']
      : [
          '| Run | Date | Device | Elapsed (s) | Steps/s | Phase 5 gate |',
          '| --- | --- | --- | ---: | ---: | --- |',
          ...history.trend.map((entry) => renderTrendRow(entry, context)),
        ];
  return [
    '## History',
    '',
    describeComparison('Previous run', history.previous, context),
    describeComparison('Best run', history.best, context),
    '',
    ...trend,
    ...(trendChartFile !== undefined ? ['', `![Elapsed seconds over the last runs](${trendChartFile})`] : []),
  ].join('\n');
}
