import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { TruthSequencer } from '../../../src/checks/truth-sequencer.ts';

// The sequencer only reads `moduleId`; a real TestSpecification needs a running Vitest.
const spec = (moduleId: string) => ({ moduleId }) as TestSpecification;
const sequencer = new TruthSequencer({} as Vitest);

describe('TruthSequencer', () => {
  it("runs the specs in the plan's order, whatever order they were found in", async () => {
    const found = [
      '/repo/specs/gpu-active.spec.ts',
      '/repo/specs/custom-nodes-loaded.spec.ts',
      '/repo/specs/reachable.spec.ts',
      '/repo/specs/generation-under-budget.spec.ts',
      '/repo/specs/kohya-mixed-precision.spec.ts',
      '/repo/specs/device.spec.ts',
      '/repo/specs/checkpoint-installed.spec.ts',
    ].map(spec);
    const sorted = await sequencer.sort(found);
    expect(sorted.map((file) => file.moduleId)).toEqual([
      '/repo/specs/reachable.spec.ts',
      '/repo/specs/device.spec.ts',
      '/repo/specs/checkpoint-installed.spec.ts',
      '/repo/specs/generation-under-budget.spec.ts',
      '/repo/specs/gpu-active.spec.ts',
      '/repo/specs/kohya-mixed-precision.spec.ts',
      '/repo/specs/custom-nodes-loaded.spec.ts',
    ]);
    // Sorting returns a new array and leaves the input as it was.
    expect(found[0]?.moduleId).toBe('/repo/specs/gpu-active.spec.ts');
  });

  it('puts specs that are not truths last, in the order found', async () => {
    const sorted = await sequencer.sort([spec('/repo/specs/zz-extra.spec.ts'), spec('/repo/specs/device.spec.ts'), spec('/repo/specs/aa-extra.spec.ts')]);
    expect(sorted.map((file) => file.moduleId)).toEqual(['/repo/specs/device.spec.ts', '/repo/specs/zz-extra.spec.ts', '/repo/specs/aa-extra.spec.ts']);
  });
});
