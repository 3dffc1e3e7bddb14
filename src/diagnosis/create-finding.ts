import { sanitizeLine } from '../text/sanitize.ts';
import type { Evidence, Finding, FindingId, LogLine, Severity } from './finding.ts';

/** Evidence lines kept per finding; the rest are counted in `more`. */
export const MAX_EVIDENCE = 5;
/** Long enough for an error line's op name and figures, short enough for a terminal. */
const EVIDENCE_CHARS = 240;
const FIGURE_CHARS = 80;

export interface FindingText {
  readonly id: FindingId;
  readonly severity: Severity;
  readonly title: string;
  readonly cause: string;
  readonly fix: string;
}

/** A finding from its words, the matching lines (deduplicated, in log order) and its figures. */
export function createFinding(text: FindingText, matched: readonly LogLine[], figures?: Readonly<Record<string, string | number>>): Finding {
  const lines = [...new Map(matched.map((line) => [line.number, line])).values()].sort((a, b) => a.number - b.number);
  const evidence: Evidence[] = lines.slice(0, MAX_EVIDENCE).map((line) => ({ line: line.number, text: sanitizeLine(line.raw, EVIDENCE_CHARS) }));
  const more = lines.length - evidence.length;
  return {
    ...text,
    evidence,
    ...(more > 0 ? { more } : {}),
    ...(figures === undefined || Object.keys(figures).length === 0 ? {} : { figures }),
  };
}

/** A figure taken from the log, inert and short. */
export function logFigure(raw: string): string {
  return sanitizeLine(raw, FIGURE_CHARS);
}

/** The lines whose message matches any of `patterns`. */
export function findLines(lines: readonly LogLine[], patterns: readonly RegExp[]): LogLine[] {
  return lines.filter((line) => patterns.some((pattern) => pattern.test(line.message)));
}

/** Counts of each distinct value, in order of first appearance. */
export function countValues(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
