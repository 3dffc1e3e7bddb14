import type { TestCase, TestModule } from 'vitest/node';
import type { TruthMeasurements } from '../truths/measurements';
import { TRUTH_TITLES } from '../truths/truth-titles';
import { TRUTH_IDS, type TruthId, type TruthResult } from '../truths/benchmark-report';
import '../truths/measurements';

export interface CollectedTruth {
  readonly result: TruthResult;
  readonly measurements?: unknown;
}

/** Finds each truth's test case in the run and turns its outcome into a verdict. */
export function collectTruths(testModules: ReadonlyArray<TestModule>, notRunReason: string): Map<TruthId, CollectedTruth> {
  const cases = new Map<TruthId, TestCase>();
  for (const module of testModules) {
    for (const test of module.children.allTests()) {
      const truth = test.meta().truth ?? getTruthFromModule(module.moduleId);
      if (truth !== undefined) cases.set(truth, test);
    }
  }
  return new Map(TRUTH_IDS.map((id) => [id, toCollected(id, cases.get(id), notRunReason)]));
}

function toCollected(id: TruthId, test: TestCase | undefined, notRunReason: string): CollectedTruth {
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
      const message = result.errors[0]?.message ?? 'failed without a message';
      const hint = meta.hint === undefined ? {} : { hint: meta.hint };
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
  const name = moduleId.split('/').pop()?.replace(/\.spec\.ts$/, '');
  return (TRUTH_IDS as readonly string[]).includes(name ?? '') ? (name as TruthId) : undefined;
}

/** Assertion messages carry ANSI colours and expected/received diffs; the report wants the sentence. */
function cleanMessage(message: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = message.replace(/\u001b\[[0-9;]*m/g, '');
  return plain.replace(/: expected .*$/s, '').trim();
}
