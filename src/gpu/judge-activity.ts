import type { GpuSample } from './gpu-sample.ts';

export interface ActivityJudgement {
  readonly history: 'active' | 'flat' | 'unknown';
  readonly sampleCount: number;
  readonly activeSampleCount: number;
  readonly peakPercent?: number;
  readonly meanPercent?: number;
  readonly meanPowerW?: number;
}

export interface ActivityRule {
  readonly from: number;
  readonly to: number;
  /** A sample counts as active above this utilisation, in percent. */
  readonly thresholdPercent: number;
  /** How many active samples make the GPU "active" (one could be a blip). */
  readonly minActiveSamples: number;
}

/** Judges the samples inside a time window: active, flat, or unknown when there are none. */
export function judgeActivity(samples: readonly GpuSample[], rule: ActivityRule): ActivityJudgement {
  const inside = samples.filter((sample) => sample.at >= rule.from && sample.at <= rule.to);
  if (inside.length === 0) return { history: 'unknown', sampleCount: 0, activeSampleCount: 0 };
  const active = inside.filter((sample) => sample.activePercent > rule.thresholdPercent);
  const percents = inside.map((sample) => sample.activePercent);
  const powers = inside.flatMap((sample) => (sample.powerW === undefined ? [] : [sample.powerW]));
  return {
    history: active.length >= rule.minActiveSamples ? 'active' : 'flat',
    sampleCount: inside.length,
    activeSampleCount: active.length,
    peakPercent: round(Math.max(...percents)),
    meanPercent: round(mean(percents)),
    ...(powers.length === 0 ? {} : { meanPowerW: round(mean(powers)) }),
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
