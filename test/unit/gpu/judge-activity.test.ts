import { describe, expect, it } from 'vitest';
import { judgeActivity, type ActivityRule } from '../../../src/gpu/judge-activity.ts';

const RULE: ActivityRule = { from: 10_000, to: 20_000, thresholdPercent: 1, minActiveSamples: 2 };

describe('judgeActivity', () => {
  it('counts, peaks and averages the samples inside the window', () => {
    const samples = [
      { at: 9_999, activePercent: 100, powerW: 30 }, // just before the window
      { at: 10_000, activePercent: 72, powerW: 10.08 },
      { at: 12_500, activePercent: 88.333, powerW: 12.3 },
      { at: 15_000, activePercent: 0.4 },
      { at: 20_000, activePercent: 61 },
      { at: 20_001, activePercent: 100 }, // just after it
    ];
    expect(judgeActivity(samples, RULE)).toEqual({
      history: 'active',
      sampleCount: 4,
      activeSampleCount: 3,
      peakPercent: 88.33,
      meanPercent: 55.43,
      meanPowerW: 11.19,
    });
  });

  it('calls one busy sample a blip, not activity', () => {
    const samples = [
      { at: 11_000, activePercent: 95 },
      { at: 12_000, activePercent: 0 },
      { at: 13_000, activePercent: 1 }, // at the threshold, not above it
    ];
    expect(judgeActivity(samples, RULE)).toEqual({ history: 'flat', sampleCount: 3, activeSampleCount: 1, peakPercent: 95, meanPercent: 32 });
  });

  it('says unknown when no sample falls inside the window', () => {
    expect(judgeActivity([], RULE)).toEqual({ history: 'unknown', sampleCount: 0, activeSampleCount: 0 });
    expect(
      judgeActivity(
        [
          { at: 5_000, activePercent: 90 },
          { at: 25_000, activePercent: 90 },
        ],
        RULE,
      ),
    ).toEqual({
      history: 'unknown',
      sampleCount: 0,
      activeSampleCount: 0,
    });
  });

  it('follows the rule it is given', () => {
    const samples = [
      { at: 11_000, activePercent: 4 },
      { at: 12_000, activePercent: 6 },
      { at: 13_000, activePercent: 7 },
    ];
    expect(judgeActivity(samples, { ...RULE, thresholdPercent: 5 })).toMatchObject({ history: 'active', activeSampleCount: 2 });
    expect(judgeActivity(samples, { ...RULE, thresholdPercent: 5, minActiveSamples: 3 })).toMatchObject({ history: 'flat', activeSampleCount: 2 });
  });
});
