import type { Finding } from '../diagnosis/finding.ts';
import { sanitizeLine } from '../text/sanitize.ts';
import type { BenchmarkReport } from '../truths/benchmark-report.ts';
import { oneLine } from './format.ts';

const SEVERITY_WORDS = { blocks: 'BLOCKS', slows: 'SLOWS', info: 'info' } as const;

/** The findings that explain a failure or a slow run: blocks first, then slows. */
export function getActionableFindings(report: BenchmarkReport): Finding[] {
  return (report.diagnosis?.findings ?? []).filter((finding) => finding.severity !== 'info');
}

/** The `## Diagnosis` section: each finding with its cause, fix and quoted evidence, or why there is none. */
export function renderDiagnosisSection(report: BenchmarkReport): string {
  const diagnosis = report.diagnosis;
  const lines = ['## Diagnosis', ''];
  if (diagnosis === undefined) return [...lines, 'n/a (no ComfyUI log was read in this run)'].join('\n');
  const actionable = getActionableFindings(report);
  const read = `${oneLine(diagnosis.source, 300)}${diagnosis.lineCount === undefined ? '' : `, ${diagnosis.lineCount} lines`}`;
  if (actionable.length === 0) lines.push(`No known cause of failure or slowness found (read: ${read}).`);
  else lines.push(`From ${read}:`, '');
  for (const finding of actionable) {
    lines.push(`- **${SEVERITY_WORDS[finding.severity]}** \`${finding.id}\` ${oneLine(finding.title, 200)}: ${oneLine(finding.cause, 600)}`);
    if (finding.fix !== '') lines.push(`  - Fix: ${oneLine(finding.fix, 600)}`);
    for (const evidence of finding.evidence) lines.push(`  - Line ${evidence.line}: ${oneLine(evidence.text, 300)}`);
    if (finding.more !== undefined) lines.push(`  - … and ${finding.more} more matching lines`);
  }
  lines.push('', renderPressureLine(report));
  const info = (diagnosis.findings ?? []).filter((finding) => finding.severity === 'info');
  if (info.length > 0) lines.push('', `Also seen: ${info.map((finding) => oneLine(`${finding.title} (${finding.cause})`, 300)).join('; ')}`);
  return lines.join('\n');
}

/** What to do lines from the diagnosis, for the report's **What to do** list. */
export function renderDiagnosisHints(report: BenchmarkReport): string[] {
  return getActionableFindings(report)
    .filter((finding) => finding.fix !== '')
    .map((finding) => `- ${oneLine(finding.title, 200)} (\`${finding.id}\`): ${oneLine(finding.fix, 600)}`);
}

/** Terminal lines for the blocks/slows findings, each one sanitised line under the gate's prefix. */
export function renderDiagnosisTerminal(report: BenchmarkReport, prefix: string): string[] {
  return getActionableFindings(report).flatMap((finding) => [
    `${prefix}   ${SEVERITY_WORDS[finding.severity]} ${finding.id}: ${sanitizeLine(finding.title, 200)} — ${sanitizeLine(finding.cause, 400)}`,
    ...(finding.fix === '' ? [] : [`${prefix}     → ${sanitizeLine(finding.fix, 400)}`]),
    ...finding.evidence.slice(0, 2).map((evidence) => `${prefix}     log line ${evidence.line}: ${sanitizeLine(evidence.text, 200)}`),
  ]);
}

/**
 * The idle-GPU watchdog can only guess "CPU fallback?"; when the log shows ComfyUI runs on the
 * CPU, the reason says so with the evidence.
 */
export function explainWithDiagnosis(report: BenchmarkReport, reason: string): string {
  const cpu = report.diagnosis?.findings.find((finding) => finding.id === 'running-on-cpu');
  if (cpu === undefined || !reason.includes('(CPU fallback?)')) return reason;
  const where = cpu.evidence[0] === undefined ? '' : ` (log line ${cpu.evidence[0].line}: ${cpu.evidence[0].text})`;
  return reason.replace('(CPU fallback?)', `(ComfyUI runs on the CPU${where})`);
}

/** The measurements around the generation, or why there are none. */
function renderPressureLine(report: BenchmarkReport): string {
  const pressure = report.benchmark.pressure;
  if (pressure === undefined) return 'Measured during the generation: n/a (the generation did not run)';
  if (pressure.skipped !== undefined) return `Measured during the generation: n/a (${oneLine(pressure.skipped)})`;
  const parts = [
    pressure.swapBeforeMiB === undefined || pressure.swapAfterMiB === undefined
      ? undefined
      : `swap in use ${pressure.swapBeforeMiB} → ${pressure.swapAfterMiB} MiB`,
    pressure.speedLimitPercent === undefined ? undefined : `CPU speed limit ${pressure.speedLimitPercent} %`,
    pressure.comfyuiPeakRssMiB === undefined
      ? "ComfyUI's peak memory n/a (attach mode: the gate does not know its process)"
      : `ComfyUI's peak memory ${pressure.comfyuiPeakRssMiB} MiB`,
  ].filter((part): part is string => part !== undefined);
  return `Measured during the generation: ${parts.join('; ')}`;
}
