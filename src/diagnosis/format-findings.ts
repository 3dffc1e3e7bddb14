import type { Finding } from './finding.ts';

// Findings for a terminal and for JSON. Everything taken from the log was sanitised when the
// finding was made; the words around it are the gate's own.

/** Plain-text lines for a terminal: `BLOCKS id: title`, then cause, fix and evidence, indented. */
export function formatFindings(findings: readonly Finding[]): string[] {
  return findings.flatMap((finding) => [
    `${finding.severity.toUpperCase()} ${finding.id}: ${finding.title}`,
    `  cause: ${finding.cause}`,
    ...(finding.fix === '' ? [] : [`  fix: ${finding.fix}`]),
    ...finding.evidence.map((entry) => `  line ${entry.line}: ${entry.text}`),
    ...(finding.more === undefined ? [] : [`  … ${finding.more} more line(s)`]),
  ]);
}

/** The whole terminal output for one log: a headline, then the findings. */
export function formatDiagnosis(name: string, lineCount: number, findings: readonly Finding[]): string[] {
  const problems = findings.filter((finding) => finding.severity !== 'info');
  if (problems.length === 0) return [`No known problem found in ${name} (${lineCount} lines).`, ...formatFindings(findings)];
  const blocks = problems.filter((finding) => finding.severity === 'blocks').length;
  const headline = `${name} (${lineCount} lines): ${blocks} finding(s) block the run, ${problems.length - blocks} slow it.`;
  return [headline, ...formatFindings(findings)];
}

export interface FindingJson {
  readonly id: string;
  readonly severity: string;
  readonly title: string;
  readonly evidence: readonly { readonly line: number; readonly text: string }[];
  readonly cause: string;
  readonly fix: string;
  readonly figures?: Readonly<Record<string, string | number>>;
}

/** The `--json` document: `{"findings":[{id, severity, title, evidence, cause, fix, figures?}]}`. */
export function toFindingsJson(findings: readonly Finding[]): { findings: FindingJson[] } {
  return {
    findings: findings.map(({ id, severity, title, evidence, cause, fix, figures }) => ({
      id,
      severity,
      title,
      evidence: evidence.map(({ line, text }) => ({ line, text })),
      cause,
      fix,
      ...(figures === undefined ? {} : { figures }),
    })),
  };
}
