import { describe, expect, it } from 'vitest';
import { getDeviceHint, getOverBudgetHint } from '../../../src/benchmark/failure-hints.ts';

describe('getDeviceHint', () => {
  it('names --cpu when the server was started with it', () => {
    expect(getDeviceHint('mps', 'cpu', ['main.py', '--cpu'])).toBe(
      'ComfyUI was started with --cpu: remove it from its launch arguments (COMFYUI_ARGS or your start script) and start it again',
    );
  });

  it('on a Mac, says how to check MPS and the Python architecture', () => {
    const hint = getDeviceHint('mps', 'cpu', ['main.py']);
    expect(hint).toContain('torch.backends.mps.is_available()');
    expect(hint).toContain('not x86_64 under Rosetta');
    expect(hint).toContain('npm run doctor');
  });

  it('on NVIDIA, says how to check CUDA', () => {
    expect(getDeviceHint('cuda', 'cpu', undefined)).toContain('torch.cuda.is_available()');
  });
});

describe('getOverBudgetHint', () => {
  it('names the slowest node, its share and what commonly helps', () => {
    const nodes = [
      { id: '4', classType: 'CheckpointLoaderSimple', role: 'checkpoint load', seconds: 9.5 },
      { id: '3', classType: 'KSampler', role: 'sampling', seconds: 118.2 },
      { id: '8', classType: 'VAEDecode', role: 'decode', seconds: 2.1 },
    ];
    expect(getOverBudgetHint(nodes, 131.2, 120)).toBe(
      '11.20 s over the 120 s budget; slowest: sampling (node 3 KSampler) 118.20 s (90 % of the run); sampling dominates: check the GPU really works (the GPU truth, npm run doctor), keep --force-fp16, close other GPU-heavy apps, and check that macOS is not swapping (16 GB is tight next to a browser)',
    );
  });

  it('says so when no node timings were recorded', () => {
    expect(getOverBudgetHint([], 130, 120)).toBe(
      '10.00 s over the 120 s budget; no per-node timings were recorded, read the ComfyUI log for what took the time',
    );
  });
});
