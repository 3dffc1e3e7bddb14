import { stripVTControlCharacters } from 'node:util';
import type { TestCase, TestModule } from 'vitest/node';
import type { TruthMeasurements } from '../truths/measurements.ts';
import { TRUTH_TITLES } from '../truths/truth-titles.ts';
import { TRUTH_IDS, type TruthId, type TruthResult } from '../truths/benchmark-report.ts';
import '../truths/measurements.ts';

export interface CollectedTruth {
  readonly result: TruthResult;
  readonly measurements?: unknown;
}

/** Finds each truth's test case in the run and turns its outcome into a verdict. */
export function collectTruths(testModules: ReadonlyArray<TestModule>, notRunReason: string): Map<TruthId, CollectedTruth> {
  const cases = new Map<TruthId, TestCase>();
  for (const module of testModules) {
    for (const test of module.children.allTests()) {
      const truth = getTruthId(test);
      if (truth !== undefined) cases.set(truth, test);
    }
  }
  return new Map(TRUTH_IDS.map((id) => [id, toCollectedTruth(id, cases.get(id), notRunReason)]));
}

/** The truth a test case checks: from its meta, else from its spec file's name. */
export function getTruthId(test: TestCase): TruthId | undefined {
  return test.meta().truth ?? getTruthFromModule(test.module.moduleId);
}

/** One truth's verdict, reason, fix and measurements from its test case; NOT RUN with `notRunReason` when absent. */
export function toCollectedTruth(id: TruthId, test: TestCase | undefined, notRunReason: string): CollectedTruth {
  const title = TRUTH_TITLES[id];
  if (test === undefined) return { result: { id, title, verdict: 'NOT RUN', reason: notRunReason } };
  const meta = test.meta();
  const result = test.result();
  const durationMs = test.diagnostic()?.duration;
  const timing = durationMs === undefined ? {} : { durationMs: Math.round(durationMs) };
  const measured = meta.measurements === undefined ? {} : { measurements: meta.measurements as TruthMeasurements[TruthId] };
  switch (result.state) {
    case 'passed':
      return { result: { id, title, verdict: 'PASS', ...timing }, ...measured };
    case 'failed': {
      const error = result.errors[0];
      const message = error?.message ?? 'failed without a message';
      // A GateError thrown inside a check carries its fix; Vitest keeps it on the serialized error.
      const serializedHint: unknown = (error as { hint?: unknown } | undefined)?.hint;
      const errorHint = typeof serializedHint === 'string' ? serializedHint : undefined;
      const fix = meta.hint ?? errorHint;
      const hint = fix === undefined || fix.trim() === '' ? {} : { hint: fix };
      return { result: { id, title, verdict: 'FAIL', reason: cleanMessage(message), ...hint, ...timing }, ...measured };
    }
    case 'skipped': {
      const verdict = meta.skipKind === 'config' ? 'SKIPPED' : 'NOT RUN';
      return { result: { id, title, verdict, reason: result.note ?? 'skipped' }, ...measured };
    }
    default:
      return { result: { id, title, verdict: 'NOT RUN', reason: 'the run ended before this truth was checked' } };
  }
}

function getTruthFromModule(moduleId: string): TruthId | undefined {
  const name = moduleId
    .split('/')
    .pop()
    ?.replace(/\.spec\.ts$/, '');
  return (TRUTH_IDS as readonly string[]).includes(name ?? '') ? (name as TruthId) : undefined;
}

/** Assertion messages carry ANSI colours and expected/received diffs; the report wants the sentence. */
function cleanMessage(message: string): string {
  return stripVTControlCharacters(message)
    .replace(/: expected .*$/s, '')
    .trim();
}
