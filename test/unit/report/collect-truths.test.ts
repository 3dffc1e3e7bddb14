import type { TaskMeta } from 'vitest';
import { describe, expect, it } from 'vitest';
import type { TestModule, TestResult } from 'vitest/node';
import { TRUTH_TITLES } from '../../../src/truths/truth-titles.ts';
import { TRUTH_IDS } from '../../../src/truths/benchmark-report.ts';
import { collectTruths } from '../../../src/report/collect-truths.ts';

// collectTruths reads four things of Vitest's reported tasks: a module's id and tests, and a test's
// module, meta, result and diagnostic. Real TestModules only exist inside a running Vitest, so these
// stand-ins offer exactly those four.

interface CaseShape {
  readonly meta?: TaskMeta;
  readonly result: TestResult;
  readonly durationMs?: number;
}

function createModule(moduleId: string, ...cases: CaseShape[]): TestModule {
  const tests = cases.map((shape) => ({
    module: { moduleId },
    meta: () => shape.meta ?? {},
    result: () => shape.result,
    diagnostic: () => (shape.durationMs === undefined ? undefined : { duration: shape.durationMs }),
  }));
  return { moduleId, children: { allTests: () => tests.values() } } as unknown as TestModule;
}

const passed: TestResult = { state: 'passed', errors: undefined };
const NOT_RUN = 'global setup failed: ComfyUI did not start';

describe('collectTruths', () => {
  it('gives every truth a result, NOT RUN with the reason when no test checked it', () => {
    const truths = collectTruths([], NOT_RUN);
    expect([...truths.keys()]).toEqual([...TRUTH_IDS]);
    expect(truths.get('gpu-active')).toEqual({ result: { id: 'gpu-active', title: TRUTH_TITLES['gpu-active'], verdict: 'NOT RUN', reason: NOT_RUN } });
  });

  it('passes a truth with its rounded duration and measurements', () => {
    const measurements = { systemStats: { devices: [] }, responseMs: 12 };
    const truths = collectTruths(
      [createModule('/repo/specs/reachable.spec.ts', { meta: { truth: 'reachable', measurements }, result: passed, durationMs: 41.6 })],
      NOT_RUN,
    );
    expect(truths.get('reachable')).toEqual({ result: { id: 'reachable', title: TRUTH_TITLES.reachable, verdict: 'PASS', durationMs: 42 }, measurements });
  });

  it("finds the truth from the spec's file name when the test does not say", () => {
    const truths = collectTruths([createModule('/repo/specs/device.spec.ts', { result: passed })], NOT_RUN);
    expect(truths.get('device')?.result.verdict).toBe('PASS');
  });

  it('fails a truth with the sentence of its assertion, without colours or the diff', () => {
    const message = '\u001b[31mgeneration took 131.20 s, over the 120 s budget\u001b[39m: expected 131.2 to be less than 120\n\n- Expected\n+ Received';
    const truths = collectTruths(
      [
        createModule('/repo/specs/generation-under-budget.spec.ts', {
          meta: { truth: 'generation-under-budget', hint: 'check that ComfyUI runs on mps' },
          result: { state: 'failed', errors: [{ message, name: 'AssertionError' } as never] },
          durationMs: 131_400.4,
        }),
      ],
      NOT_RUN,
    );
    expect(truths.get('generation-under-budget')).toEqual({
      result: {
        id: 'generation-under-budget',
        title: TRUTH_TITLES['generation-under-budget'],
        verdict: 'FAIL',
        reason: 'generation took 131.20 s, over the 120 s budget',
        hint: 'check that ComfyUI runs on mps',
        durationMs: 131_400,
      },
    });
  });

  it('tells a truth switched off by configuration from one skipped because an earlier one failed', () => {
    const truths = collectTruths(
      [
        createModule('/repo/specs/gpu-active.spec.ts', {
          meta: { skipKind: 'config' },
          result: { state: 'skipped', errors: undefined, note: 'SKIPPED by configuration (GATE_SKIP=gpu)' },
        }),
        createModule('/repo/specs/device.spec.ts', {
          meta: { skipKind: 'not-run' },
          result: { state: 'skipped', errors: undefined, note: 'ComfyUI is not reachable' },
        }),
        createModule('/repo/specs/kohya-mixed-precision.spec.ts', { result: { state: 'skipped', errors: undefined, note: undefined } }),
        createModule('/repo/specs/reachable.spec.ts', { result: { state: 'pending', errors: undefined } }),
      ],
      NOT_RUN,
    );
    expect(truths.get('gpu-active')?.result).toEqual({
      id: 'gpu-active',
      title: TRUTH_TITLES['gpu-active'],
      verdict: 'SKIPPED',
      reason: 'SKIPPED by configuration (GATE_SKIP=gpu)',
    });
    expect(truths.get('device')?.result).toMatchObject({ verdict: 'NOT RUN', reason: 'ComfyUI is not reachable' });
    expect(truths.get('kohya-mixed-precision')?.result).toMatchObject({ verdict: 'NOT RUN', reason: 'skipped' });
    expect(truths.get('reachable')?.result).toMatchObject({ verdict: 'NOT RUN', reason: 'the run ended before this truth was checked' });
  });

  it('ignores tests in files that are not truths', () => {
    const truths = collectTruths([createModule('/repo/specs/helpers.spec.ts', { result: passed })], NOT_RUN);
    expect([...truths.values()].every((truth) => truth.result.verdict === 'NOT RUN')).toBe(true);
  });
});
