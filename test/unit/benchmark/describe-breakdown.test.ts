import { describe, expect, it } from 'vitest';
import { describeBreakdown } from '../../../src/benchmark/describe-breakdown.ts';

describe('describeBreakdown', () => {
  it('gives one indented line per phase, with the node class when known', () => {
    expect(
      describeBreakdown([
        { id: '4', classType: 'CheckpointLoaderSimple', role: 'checkpoint load', seconds: 2.345 },
        { id: '6', role: 'text encode', seconds: 0.1 },
        { id: '3', classType: 'KSampler', role: 'sampling', seconds: 118.2 },
        { id: '8', classType: 'VAEDecode', role: 'decode', seconds: 0.004 },
      ]),
    ).toBe(
      [
        '  checkpoint load (node 4 CheckpointLoaderSimple): 2.35 s',
        '  text encode (node 6): 0.10 s',
        '  sampling (node 3 KSampler): 118.20 s',
        '  decode (node 8 VAEDecode): 0.00 s',
      ].join('\n'),
    );
  });

  it('is empty without phases', () => {
    expect(describeBreakdown([])).toBe('');
  });
});
