import { describe, expect, it } from 'vitest';
import { getBenchmarkTemplate } from '../../../src/benchmark/workflow.ts';
import { getPlannedSteps, getSamplerNodeIds, getSuspicion, MAX_PLAUSIBLE_STEPS_PER_SECOND } from '../../../src/comfyui/judge-plausibility.ts';

const real = { stepsPerSecond: 25.3, serverSeconds: 0.95, clientSeconds: 1.01, plannedSteps: 20, samplerNodeIds: ['3'], cachedNodeIds: ['4', '5', '6', '7'] };

describe('getSuspicion', () => {
  it('accepts a real warm run', () => {
    expect(getSuspicion(real)).toBeUndefined();
    expect(getSuspicion({ ...real, stepsPerSecond: MAX_PLAUSIBLE_STEPS_PER_SECOND })).toBeUndefined();
  });

  it('marks a speed no GPU reaches for this workflow (89,044 steps/s was once accepted)', () => {
    expect(getSuspicion({ ...real, stepsPerSecond: 89_044.2 })).toBe('89,044 steps/s is above the plausible 200 steps/s for this workflow');
  });

  it('marks a 20-step run the server finished in under 0.05 s', () => {
    expect(getSuspicion({ ...real, stepsPerSecond: undefined, serverSeconds: 0.012 })).toBe('the server timed a 20-step run at 0.012 s (less than 0.05 s)');
  });

  it('uses the client time when the server gave none', () => {
    expect(getSuspicion({ ...real, stepsPerSecond: undefined, serverSeconds: undefined, clientSeconds: 0.013 })).toBe(
      'the client timed a 20-step run at 0.013 s (less than 0.05 s)',
    );
  });

  it('names a cached sampler, with every other reason', () => {
    expect(getSuspicion({ ...real, stepsPerSecond: undefined, serverSeconds: 0.001, cachedNodeIds: ['3', '4', '5', '6', '7', '8', '9'] })).toBe(
      "sampler node 3 was answered from ComfyUI's cache, so nothing was sampled; the server timed a 20-step run at 0.001 s (less than 0.05 s)",
    );
  });

  it('does not judge the run time of a workflow without a sampler', () => {
    expect(getSuspicion({ ...real, stepsPerSecond: undefined, serverSeconds: 0.001, plannedSteps: undefined, samplerNodeIds: [] })).toBeUndefined();
  });
});

describe('samplers of a workflow', () => {
  it('finds the KSampler of the benchmark workflow and its steps', () => {
    expect(getSamplerNodeIds(getBenchmarkTemplate())).toEqual(['3']);
    expect(getPlannedSteps(getBenchmarkTemplate())).toBe(20);
    expect(getPlannedSteps(undefined)).toBeUndefined();
  });
});
