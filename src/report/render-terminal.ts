import { sanitizeLine } from '../text/sanitize.ts';
import { TRUTH_TITLES } from '../truths/truth-titles.ts';
import { TRUTH_IDS, type BenchmarkReport } from '../truths/benchmark-report.ts';
import { getPhaseWord } from './render-verdicts.ts';
import { explainWithDiagnosis, renderDiagnosisTerminal } from './render-diagnosis.ts';

const PREFIX = '[comfyui-gate]';

/**
 * What the terminal shows at the end of a run: the verdict, then every truth that did not pass
 * with why and what to do. Pure. Every line starts with the gate's own prefix or indentation, and
 * outside text is one sanitised line, so nothing a server sent can pose as one of these lines.
 */
export function renderTerminalOutcome(report: BenchmarkReport, reportPath: string): string[] {
  const lines = [`${PREFIX} Phase 5 gate: ${getPhaseWord(report)} — report: ${reportPath}`];
  if (report.interrupted !== undefined) lines.push(`${PREFIX}   interrupted by ${report.interrupted.signal} ${report.interrupted.during}`);
  if (report.setupError !== undefined) {
    lines.push(`${PREFIX}   ✗ setup failed: ${sanitizeLine(report.setupError.message, 500)}`);
    if (report.setupError.hint !== '') lines.push(`${PREFIX}     → ${sanitizeLine(report.setupError.hint, 500)}`);
  }
  for (const id of TRUTH_IDS) {
    const truth = report.truths.find((candidate) => candidate.id === id);
    if (truth === undefined || truth.verdict === 'PASS' || truth.verdict === 'SKIPPED' || report.setupError !== undefined) continue;
    const mark = truth.verdict === 'FAIL' ? '✗' : '–';
    lines.push(
      `${PREFIX}   ${mark} ${TRUTH_TITLES[id]}: ${truth.verdict} — ${sanitizeLine(explainWithDiagnosis(report, truth.reason ?? 'no reason recorded'), 500)}`,
    );
    if (truth.hint !== undefined && truth.hint.trim() !== '') lines.push(`${PREFIX}     → ${sanitizeLine(truth.hint, 500)}`);
  }
  lines.push(...renderDiagnosisTerminal(report, PREFIX));
  for (const warning of report.warnings ?? []) lines.push(`${PREFIX}   ! ${sanitizeLine(warning, 300)}`);
  return lines;
}
