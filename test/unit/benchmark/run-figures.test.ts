import { describe, expect, it } from 'vitest';
import {
  getBreakdown,
  getFirstPromptDelay,
  getNodeIds,
  getRunFigures,
  getSamplingStepsPerSecond,
  getSpread,
  summarizeWarmRuns,
} from '../../../src/benchmark/run-figures.ts';
import { BENCHMARK_NODE_ROLES } from '../../../src/benchmark/workflow.ts';
import type { RunFigures } from '../../../src/truths/benchmark-report.ts';
import { makeOutcome, WARM_NODES } from './outcomes.ts';

const PLAN = { getRole: (id: string) => BENCHMARK_NODE_ROLES[id] ?? 'other', samplingNodeIds: ['3'] };

function figures(index: number, elapsedS: number, stepsPerSecond?: number, serverElapsedS?: number): RunFigures {
  return {
    index,
    kind: index === 1 ? 'cold' : 'warm',
    seed: index,
    elapsedS,
    ...(serverElapsedS === undefined ? {} : { serverElapsedS }),
    ...(stepsPerSecond === undefined ? {} : { stepsPerSecond }),
    nodesExecuted: 3,
    nodesCached: 4,
    breakdown: { modelLoadS: 0, samplingS: 1, decodeS: 0.1, otherS: 0.05 },
    via: 'websocket',
  };
}

describe('getRunFigures', () => {
  it('separates model load (checkpoint load, text encode) from sampling and decode, and counts what ran', () => {
    const cold = getRunFigures({ outcome: makeOutcome(), seed: 42 }, 1, PLAN);
    expect(cold).toEqual({
      index: 1,
      kind: 'cold',
      seed: 42,
      elapsedS: 3.575,
      serverElapsedS: 3.545,
      stepsPerSecond: 10,
      nodesExecuted: 7,
      nodesCached: 0,
      breakdown: { modelLoadS: 1.2, samplingS: 2, decodeS: 0.3, otherS: 0.06 },
      via: 'websocket',
    });
    const warm = getRunFigures({ outcome: makeOutcome({ nodes: WARM_NODES, cachedNodes: ['4', '5', '6', '7'] }), seed: 7 }, 2, PLAN);
    expect(warm).toMatchObject({ kind: 'warm', nodesExecuted: 3, nodesCached: 4, breakdown: { modelLoadS: 0, samplingS: 1, decodeS: 0.1, otherS: 0.05 } });
  });

  it("takes the client's node id lists and its suspect flag", () => {
    const outcome = makeOutcome({ extras: { executedNodeIds: ['3', '8'], cachedNodeIds: ['4', '5', '6', '7', '9'], suspect: '400 steps/s is not plausible' } });
    expect(getNodeIds(outcome)).toEqual({ executed: ['3', '8'], cached: ['4', '5', '6', '7', '9'] });
    expect(getRunFigures({ outcome, seed: 1 }, 1, PLAN)).toMatchObject({ nodesExecuted: 2, nodesCached: 5, suspect: '400 steps/s is not plausible' });
  });

  it('keeps a re-queue with the run it explains', () => {
    const requeued = { cachedSeed: 42, seed: 43, reason: 'cached' };
    expect(getRunFigures({ outcome: makeOutcome(), seed: 43, requeued }, 1, PLAN).requeued).toEqual(requeued);
  });
});

describe('getSamplingStepsPerSecond', () => {
  it("counts only the sampler's progress, and has none without a sampler", () => {
    expect(getSamplingStepsPerSecond(makeOutcome(), ['3'])).toBe(10);
    expect(getSamplingStepsPerSecond(makeOutcome({ stepNode: null }), ['3'])).toBe(10);
    expect(getSamplingStepsPerSecond(makeOutcome({ stepNode: '12' }), ['3'])).toBe(undefined);
    expect(getSamplingStepsPerSecond(makeOutcome(), [])).toBe(undefined);
  });
});

describe('getBreakdown', () => {
  it('puts loaders of any kind with model load', () => {
    expect(
      getBreakdown([
        { id: '1', role: 'model load', seconds: 0.5 },
        { id: '2', role: 'latent', seconds: 0.1 },
        { id: '3', role: 'upscale', seconds: 1 },
      ]),
    ).toEqual({
      modelLoadS: 0.5,
      samplingS: 0,
      decodeS: 0,
      otherS: 1.1,
    });
  });
});

describe('summarizeWarmRuns', () => {
  it('gives median, min, max and the spread of the warm runs only', () => {
    const runs = [figures(1, 9.5, 3), figures(2, 1.0, 21), figures(3, 0.9, 23), figures(4, 1.1, 20)];
    expect(summarizeWarmRuns(runs)).toEqual({
      runs: 3,
      elapsedS: { median: 1, min: 0.9, max: 1.1 },
      stepsPerSecond: { median: 21, min: 20, max: 23 },
      spreadPercent: 20,
    });
  });

  it('has nothing to say without warm runs, and no steps/s without a sampler', () => {
    expect(summarizeWarmRuns([figures(1, 9.5, 3)])).toBe(undefined);
    expect(summarizeWarmRuns([figures(1, 9.5), figures(2, 1), figures(3, 2)])).toEqual({
      runs: 2,
      elapsedS: { median: 1.5, min: 1, max: 2 },
      spreadPercent: 66.7,
    });
  });
});

describe('getFirstPromptDelay', () => {
  it('names the late delivery of the first prompt when the cold gap is 100 ms or more above every warm one', () => {
    const runs = [figures(1, 8.43, 3, 8.16), figures(2, 1.01, 21, 0.99), figures(3, 0.95, 22, 0.92)];
    expect(getFirstPromptDelay(runs)).toEqual({ delayMs: 245, coldGapMs: 270, warmGapMs: 25 });
    // One slow warm delivery (a busy machine) is noise, not ComfyUI's first-prompt delay.
    expect(getFirstPromptDelay([...runs, figures(4, 1.2, 20, 1.0)])).toBe(undefined);
  });

  it('says nothing when the gaps are alike, or without warm runs or server times', () => {
    expect(getFirstPromptDelay([figures(1, 1.05, 20, 1.0), figures(2, 1.02, 20, 1.0)])).toBe(undefined);
    expect(getFirstPromptDelay([figures(1, 8.43, 3, 8.16)])).toBe(undefined);
    expect(getFirstPromptDelay([figures(1, 8.43, 3), figures(2, 1, 20, 0.99)])).toBe(undefined);
  });
});

describe('getSpread', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(getSpread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(getSpread([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4 });
  });
});
