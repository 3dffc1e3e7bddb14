import type { BenchmarkReport, TruthId } from '../truths/benchmark-report.ts';
import { resolveTruths } from './render-verdicts.ts';
import type { ResolvedTruth } from './render-verdicts.ts';

/** Options of the Markdown report that are not part of the run's data. */
export interface MarkdownOptions {
  /** File name of the elapsed-time trend chart next to the report, when one was drawn. */
  readonly trendChartFile?: string;
  /** IANA time zone for local times; the system's when absent. */
  readonly timeZone?: string;
}

/** What every section renderer reads: the report, its resolved truths and the options. */
export interface RenderContext {
  readonly report: BenchmarkReport;
  readonly truths: readonly ResolvedTruth[];
  readonly options: MarkdownOptions;
}

/** Resolves the truths once so every section tells the same story. */
export function createRenderContext(report: BenchmarkReport, options: MarkdownOptions = {}): RenderContext {
  return { report, truths: resolveTruths(report), options };
}

/** Why a value that truth `id` should have produced is missing: its reason, or `fallback`. */
export function getMissingReason(context: RenderContext, id: TruthId, fallback: string): string {
  // The setup failure is told once, in full, at the top; repeating it in every field drowns it.
  if (context.report.setupError !== undefined) return 'setup failed, see above';
  const truth = context.truths.find((candidate) => candidate.id === id);
  if (truth === undefined || truth.verdict === 'PASS' || truth.reason === undefined) return fallback;
  return truth.verdict === 'SKIPPED' ? `skipped by configuration: ${truth.reason}` : truth.reason;
}

/** True when anything went wrong, so the report also shows the server's last log lines. */
export function hasFailure(context: RenderContext): boolean {
  return context.report.phaseVerdict !== 'PASS' || context.truths.some((truth) => truth.verdict === 'FAIL' || truth.verdict === 'NOT RUN');
}
