import { describe, expect, test } from 'vitest';
import { getSignatures, planExecution } from '../../../fixtures/fake-comfyui/run/graph.ts';
import { getBenchmarkPrompt } from './support/runs.ts';

// The order nodes run in decides the order of every executing/progress_state frame.

const prompt = getBenchmarkPrompt();
const isOutput = (id: string) => prompt[id]?.class_type === 'SaveImage';

describe('planExecution', () => {
  test('a cold benchmark run goes 4, 5, 7, 6, 3, 8, 9 as recorded', () => {
    expect(planExecution(prompt, ['9'], { isCached: () => false, isOutput })).toEqual(['4', '5', '7', '6', '3', '8', '9']);
  });

  test('with loader, latent and text cached only sampler, decoder and saver run', () => {
    const cached = new Set(['4', '5', '6', '7']);
    expect(planExecution(prompt, ['9'], { isCached: (id) => cached.has(id), isOutput })).toEqual(['3', '8', '9']);
  });

  test('a fully cached prompt still stages its output node', () => {
    expect(planExecution(prompt, ['9'], { isCached: () => true, isOutput })).toEqual(['9']);
  });
});

describe('getSignatures', () => {
  test('a new seed changes the sampler and everything after it, nothing before', () => {
    const before = getSignatures(prompt);
    const after = getSignatures(getBenchmarkPrompt({ seed: 99 }));
    const changed = [...before.keys()].filter((id) => before.get(id) !== after.get(id));
    expect(changed).toEqual(['3', '8', '9']);
  });
});
