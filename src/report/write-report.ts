import { join } from 'node:path';
import { writeFileAtomic } from '../run-record/write-atomic.ts';
import type { BenchmarkReport } from '../truths/benchmark-report.ts';
import { renderGpuChartSvg } from './render-gpu-chart.ts';
import { renderJobSummary } from './render-job-summary.ts';
import { renderJunit } from './render-junit.ts';
import { renderBenchmarkMarkdown } from './render-markdown.ts';
import { renderPlanSummary } from './render-summary.ts';
import { renderTrendChartSvg } from './render-trend-chart.ts';

export const REPORT_FILE = '05-BENCHMARK.md';
export const SUMMARY_FILE = '05-04-SUMMARY.md';
export const JSON_FILE = 'benchmark.json';
export const JUNIT_FILE = 'junit.xml';
/** What the CI workflow appends to GitHub's job summary. */
export const JOB_SUMMARY_FILE = 'job-summary.md';
const GPU_CHART_FILE = 'gpu-activity.svg';
const TREND_CHART_FILE = 'trend.svg';

/**
 * Renders every file of a report into runs/<run id>/, then replaces the top-level copies one by
 * one with an atomic rename: a reader never sees half a report. Returns the report's path.
 */
export function writeReportFiles(reportDir: string, report: BenchmarkReport, durationMs: number): string {
  const files = new Map<string, string>();
  const gpuChart = report.gpu.samples.length > 0 ? GPU_CHART_FILE : undefined;
  if (gpuChart !== undefined) {
    files.set(gpuChart, renderGpuChartSvg({ samples: report.gpu.samples, phases: report.gpu.phases, thresholdPercent: report.gpu.thresholdPercent }));
  }
  const trend = renderTrendChartSvg([...report.history.trend]);
  if (trend !== undefined) files.set(TREND_CHART_FILE, trend);
  const withChart: BenchmarkReport = { ...report, gpu: { ...report.gpu, ...(gpuChart === undefined ? {} : { chartFile: gpuChart }) } };
  files.set(JSON_FILE, `${JSON.stringify(withChart, null, 2)}\n`);
  files.set(SUMMARY_FILE, renderPlanSummary(withChart, durationMs));
  files.set(JUNIT_FILE, renderJunit(withChart));
  files.set(JOB_SUMMARY_FILE, renderJobSummary(withChart));
  // The report goes last, so it never points at a chart that is not there yet.
  files.set(REPORT_FILE, renderBenchmarkMarkdown(withChart, trend === undefined ? {} : { trendChartFile: TREND_CHART_FILE }));
  const runDir = join(reportDir, 'runs', report.runId);
  for (const [name, content] of files) writeFileAtomic(join(runDir, name), content);
  for (const [name, content] of files) writeFileAtomic(join(reportDir, name), content);
  return join(reportDir, REPORT_FILE);
}
