import type { DiagnosisRule, Finding, Severity } from './finding.ts';
import { splitLogLines } from './log-lines.ts';
import { findRunningOnCpu, findX86Python } from './rules/cpu-rules.ts';
import { findCudaOnlyCode, findMpsUnavailable, findPlaceholderStorage } from './rules/device-error-rules.ts';
import { findHealthyMps, findVersions } from './rules/info-rules.ts';
import { findUnsupportedDtype } from './rules/mps-dtype-rule.ts';
import { findMpsOutOfMemory } from './rules/mps-memory-rule.ts';
import { findOpFallback, findOpNotImplemented } from './rules/mps-op-rules.ts';
import { findFp32Forced, findLowVramMode } from './rules/settings-rules.ts';

/** Every rule, in the order findings of the same severity are listed. */
export const RULES: readonly DiagnosisRule[] = [
  findMpsOutOfMemory,
  findOpNotImplemented,
  findUnsupportedDtype,
  findPlaceholderStorage,
  findCudaOnlyCode,
  findMpsUnavailable,
  findRunningOnCpu,
  findOpFallback,
  findX86Python,
  findFp32Forced,
  findLowVramMode,
  findHealthyMps,
  findVersions,
];

const RANK: Readonly<Record<Severity, number>> = { blocks: 0, slows: 1, info: 2 };

/** Says why a Mac run failed or was slow, from a ComfyUI log's text: findings sorted blocks → slows → info. */
export function diagnoseLog(text: string): Finding[] {
  const lines = splitLogLines(text);
  const findings = RULES.flatMap((rule) => rule(lines) ?? []);
  // Array.prototype.sort is stable, so rule order holds within a severity.
  return findings.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

/** Whether any finding means the run cannot succeed. */
export function hasBlockingFinding(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'blocks');
}
