import { TRUTH_TITLES } from '../truths/truth-titles.ts';
import { TRUTH_IDS } from '../truths/benchmark-report.ts';
import type { BenchmarkReport, TruthId, TruthResult, Verdict } from '../truths/benchmark-report.ts';
import { formatCompact, isFiniteNumber, oneLine } from './format.ts';
import { explainWithDiagnosis } from './render-diagnosis.ts';

/** A truth as the report shows it: always present, always with a reason unless it passed. */
export interface ResolvedTruth {
  readonly id: TruthId;
  readonly title: string;
  readonly verdict: Verdict;
  readonly reason?: string;
  /** What to do about it, when the truth that did not pass knew. */
  readonly hint?: string;
}

/** The plan's INFRA-04 verdict label, with the report's budget. */
export function getBenchmarkTitle(report: BenchmarkReport): string {
  return `INFRA-04 benchmark (< ${formatCompact(report.benchmark.budgetS)} seconds)`;
}

/** The plan's device verdict label; "MPS active" on the Mac, the configured device elsewhere. */
export function getDeviceTitle(report: BenchmarkReport): string {
  const expected = report.device.expected;
  return `${expected.toUpperCase()} active (/system_stats devices[0].type == "${expected}")`;
}

function getTitle(report: BenchmarkReport, id: TruthId, recorded: string | undefined): string {
  // The template's two truth lines keep the plan's wording; the others use what the gate recorded.
  if (id === 'generation-under-budget') return getBenchmarkTitle(report);
  if (id === 'device') return getDeviceTitle(report);
  return recorded ?? TRUTH_TITLES[id];
}

function getReason(report: BenchmarkReport, truth: TruthResult): string {
  const { elapsedS, budgetS } = report.benchmark;
  // Over budget, the measurement is the reason: the same sentence whatever the assertion said.
  if (truth.id === 'generation-under-budget' && truth.verdict === 'FAIL' && isFiniteNumber(elapsedS) && elapsedS >= budgetS) {
    return `took ${elapsedS.toFixed(2)} s, over the ${formatCompact(budgetS)} s budget`;
  }
  if (truth.reason !== undefined && truth.reason.trim() !== '') return oneLine(explainWithDiagnosis(report, truth.reason));
  return truth.verdict === 'SKIPPED' ? 'skipped by the gate configuration' : 'no reason was recorded';
}

/** Every truth in TRUTH_IDS order; a missing one is NOT RUN, and a setup failure overrides them all. */
export function resolveTruths(report: BenchmarkReport): ResolvedTruth[] {
  return TRUTH_IDS.map((id): ResolvedTruth => {
    const recorded = report.truths.find((truth) => truth.id === id);
    const title = getTitle(report, id, recorded?.title);
    if (report.setupError !== undefined) {
      return { id, title, verdict: 'NOT RUN', reason: `setup failed: ${oneLine(report.setupError.message)}` };
    }
    if (recorded === undefined) return { id, title, verdict: 'NOT RUN', reason: 'no result was recorded for this truth' };
    if (recorded.verdict === 'PASS') return { id, title, verdict: 'PASS' };
    const hint = recorded.hint !== undefined && recorded.hint.trim() !== '' ? { hint: oneLine(recorded.hint) } : {};
    return { id, title, verdict: recorded.verdict, reason: getReason(report, recorded), ...hint };
  });
}

/** The verdict word as printed: SKIPPED says why it may be skipped, simulated runs are stamped. */
export function formatVerdictWord(verdict: Verdict, simulated: boolean): string {
  const skipped = verdict === 'SKIPPED' ? ' (by configuration)' : '';
  return `${verdict}${skipped}${simulated ? ' (SIMULATED)' : ''}`;
}

/**
 * One verdict list item: `- <title>: <VERDICT>`, plus ` — <reason>` unless it passed. The reason
 * is already report-safe: the gate's own words, with outside text quoted through `oneLine`.
 */
export function formatVerdictLine(title: string, verdict: Verdict, simulated: boolean, reason?: string): string {
  const tail = verdict !== 'PASS' && reason !== undefined ? ` — ${reason.replace(/\s*\n\s*/g, ' ')}` : '';
  return `- ${title}: ${formatVerdictWord(verdict, simulated)}${tail}`;
}

/** The phase gate's word: the verdict, or INTERRUPTED when a signal ended the run (which fails the gate). */
export function getPhaseWord(report: BenchmarkReport): string {
  if (report.interrupted !== undefined) return `INTERRUPTED${report.simulated ? ' (SIMULATED)' : ''}`;
  return formatVerdictWord(report.phaseVerdict, report.simulated);
}

/** Why the phase gate did not pass: the signal, the setup error, or the truths that failed or did not run. */
export function getPhaseReason(report: BenchmarkReport, truths: readonly ResolvedTruth[]): string | undefined {
  if (report.interrupted !== undefined) return `interrupted by ${report.interrupted.signal} ${report.interrupted.during}`;
  if (report.phaseVerdict === 'PASS') return undefined;
  if (report.setupError !== undefined) return `setup failed: ${oneLine(report.setupError.message)}`;
  const failed = truths.filter((truth) => truth.verdict === 'FAIL').map((truth) => truth.title);
  const notRun = truths.filter((truth) => truth.verdict === 'NOT RUN').map((truth) => truth.title);
  const parts = [failed.length > 0 ? `failed: ${failed.join('; ')}` : undefined, notRun.length > 0 ? `not run: ${notRun.join('; ')}` : undefined].filter(
    (part): part is string => part !== undefined,
  );
  return parts.length > 0 ? parts.join('; ') : 'the gate recorded no passing result';
}

/** The template's two truth lines, in the template's order (which is not TRUTH_IDS order). */
const TEMPLATE_TRUTHS: readonly TruthId[] = ['generation-under-budget', 'device'];

/** The `## Verdict` lines: the plan's three first, then one per other truth in TRUTH_IDS order. */
export function renderVerdictLines(report: BenchmarkReport): string[] {
  const truths = resolveTruths(report);
  const format = (truth: ResolvedTruth): string => formatVerdictLine(truth.title, truth.verdict, report.simulated, truth.reason);
  return [
    ...TEMPLATE_TRUTHS.flatMap((id) => truths.filter((truth) => truth.id === id)).map(format),
    `- Phase 5 gate: ${getPhaseWord(report)}${report.phaseVerdict === 'PASS' ? '' : ` — ${getPhaseReason(report, truths) ?? ''}`}`,
    ...truths.filter((truth) => !TEMPLATE_TRUTHS.includes(truth.id)).map(format),
  ];
}

/** `- <title>: <hint>` for every truth that did not pass and knows what to do about it. */
export function renderHintLines(report: BenchmarkReport): string[] {
  return resolveTruths(report).flatMap((truth) => (truth.hint === undefined ? [] : [`- ${truth.title}: ${truth.hint}`]));
}

function describeGeneration(report: BenchmarkReport, truths: readonly ResolvedTruth[]): string {
  const { elapsedS, budgetS } = report.benchmark;
  if (isFiniteNumber(elapsedS)) {
    const { nodesExecuted, nodesCached } = report.benchmark;
    // A run answered from ComfyUI's cache measures nothing: the headline says how much really ran.
    const nodes = nodesExecuted === undefined ? '' : `; ${nodesExecuted} nodes ran, ${nodesCached ?? 0} answered from ComfyUI's cache`;
    return `generation took ${elapsedS.toFixed(2)} s (budget ${formatCompact(budgetS)} s${nodes})`;
  }
  const generation = truths.find((truth) => truth.id === 'generation-under-budget');
  return `generation did not finish (${generation?.reason ?? 'no time was recorded'})`;
}

/** The one line under the title that tells a person the outcome at a glance. */
export function renderAtAGlance(report: BenchmarkReport): string {
  const head = `> **Phase 5 gate: ${getPhaseWord(report)}**`;
  if (report.interrupted !== undefined) {
    const passed = resolveTruths(report).filter((truth) => truth.verdict === 'PASS').length;
    return `${head} — interrupted by ${report.interrupted.signal} ${report.interrupted.during}; ${passed} of ${TRUTH_IDS.length} truths passed before that, the rest did not run`;
  }
  if (report.setupError !== undefined) {
    return `${head} — setup failed before any truth could run: ${oneLine(report.setupError.message)}`;
  }
  const truths = resolveTruths(report);
  const passed = truths.filter((truth) => truth.verdict === 'PASS').length;
  const skipped = truths.filter((truth) => truth.verdict === 'SKIPPED').length;
  const skippedNote = skipped > 0 ? ` (${skipped} skipped by configuration)` : '';
  // The generation is described on its own; any other truth that failed is named here, so the
  // headline says what went wrong whichever truth it was.
  const failed = truths.filter((truth) => truth.verdict === 'FAIL' && truth.id !== 'generation-under-budget').map((truth) => truth.title);
  const failedNote = failed.length > 0 ? `; failed: ${failed.join('; ')}` : '';
  return `${head} — ${passed} of ${truths.length} truths passed${skippedNote}${failedNote}; ${describeGeneration(report, truths)}`;
}
