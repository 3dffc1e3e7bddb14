import type { BenchmarkReport } from '../truths/benchmark-report.ts';
import { formatCompact, formatDuration, formatLocalDate, formatSeconds, notAvailable } from './format.ts';
import { renderAtAGlance, renderHintLines, renderVerdictLines, resolveTruths } from './render-verdicts.ts';

/** Options of the plan summary that are not part of the run's data. */
export interface SummaryOptions {
  /** Where the full report is, as a person should read it; `05-BENCHMARK.md` (its sibling) by default. */
  readonly reportFile?: string;
  /** IANA time zone for the date; the system's when absent. */
  readonly timeZone?: string;
}

/** The frontmatter status: a simulated run never claims to have passed. */
export function getSummaryStatus(report: BenchmarkReport): 'passed' | 'failed' | 'simulated' {
  if (report.simulated) return 'simulated';
  return report.phaseVerdict === 'PASS' ? 'passed' : 'failed';
}

/** The plan's 05-04-SUMMARY.md: frontmatter, the outcome, the verdict lines and where the proof is. */
export function renderPlanSummary(report: BenchmarkReport, durationMs: number, options: SummaryOptions = {}): string {
  const reportFile = options.reportFile ?? '05-BENCHMARK.md';
  const generation = resolveTruths(report).find((truth) => truth.id === 'generation-under-budget');
  const why = report.setupError !== undefined ? 'setup failed' : (generation?.reason ?? 'not recorded');
  const hints = renderHintLines(report);
  return [
    '---',
    'phase: 05-environment-validation',
    'plan: 04',
    `status: ${getSummaryStatus(report)}`,
    `date: ${formatLocalDate(report.date, options.timeZone)}`,
    `duration: ${formatDuration(durationMs)}`,
    `run_id: ${JSON.stringify(report.runId)}`,
    '---',
    '',
    '# Phase 5 Plan 04: ComfyUI benchmark gate',
    '',
    renderAtAGlance(report),
    ...(report.simulated ? ['', 'This run used the built-in fake ComfyUI: it proves nothing about this machine.'] : []),
    '',
    '## Verdict',
    '',
    ...renderVerdictLines(report),
    ...(hints.length > 0 ? ['', '**What to do:**', ...hints] : []),
    '',
    '## Result',
    '',
    `- Elapsed seconds: ${formatSeconds(report.benchmark.elapsedS, why)} (budget ${formatCompact(report.benchmark.budgetS)} s)`,
    `- Device: ${report.device.found[0] ?? notAvailable(report.setupError !== undefined ? 'setup failed' : 'not reported')} (expected: "${report.device.expected}")`,
    `- GPU History: ${report.gpu.history}`,
    `- Gate run took: ${formatDuration(durationMs)}`,
    '',
    `Full report: \`${reportFile}\``,
    '',
  ].join('\n');
}
