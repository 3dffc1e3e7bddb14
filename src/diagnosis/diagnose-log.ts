import type { DiagnosisRule, Finding, Severity } from './finding';
import { splitLogLines } from './log-lines';
import { findRunningOnCpu, findX86Python } from './rules/cpu-rules';
import { findCudaOnlyCode, findMpsUnavailable, findPlaceholderStorage } from './rules/device-error-rules';
import { findHealthyMps, findVersions } from './rules/info-rules';
import { findUnsupportedDtype } from './rules/mps-dtype-rule';
import { findMpsOutOfMemory } from './rules/mps-memory-rule';
import { findOpFallback, findOpNotImplemented } from './rules/mps-op-rules';
import { findFp32Forced, findLowVramMode } from './rules/settings-rules';

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
