import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GpuSample } from '../../../src/gpu/gpu-sample.ts';
import { watchIdleGpu } from '../../../src/gpu/idle-watchdog.ts';

const IDLE_MESSAGE = 'GPU idle for 30 s after queueing: ComfyUI is not using the GPU (CPU fallback?)';

let since: number;
let samples: GpuSample[];
let stop: () => void = () => undefined;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-11-28T10:15:00.000Z'));
  since = Date.now();
  samples = [];
});

afterEach(() => {
  stop();
  vi.useRealTimers();
});

/** Adds a sample every 250 ms of fake time for `ms`, at the given utilisation. */
function sampleFor(ms: number, activePercent: number): void {
  for (let elapsed = 0; elapsed < ms; elapsed += 250) {
    vi.advanceTimersByTime(250);
    samples.push({ at: Date.now(), activePercent });
  }
}

function watch(idleMs = 30_000) {
  const onIdle = vi.fn<(message: string) => void>();
  stop = watchIdleGpu({ since, idleMs, thresholdPercent: 1, samples: () => samples, onIdle });
  return onIdle;
}

describe('watchIdleGpu', () => {
  it('fires once, after the idle time, when every sample since queueing is flat', () => {
    const onIdle = watch();
    sampleFor(29_750, 0.5);
    expect(onIdle).not.toHaveBeenCalled();
    sampleFor(250, 0);
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(onIdle).toHaveBeenCalledWith(IDLE_MESSAGE);
    sampleFor(60_000, 0);
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts only samples since queueing: activity before it does not help', () => {
    samples.push({ at: since - 1000, activePercent: 90 });
    const onIdle = watch();
    sampleFor(30_000, 0);
    expect(onIdle).toHaveBeenCalledWith(IDLE_MESSAGE);
  });

  it('stays quiet once the GPU was active, and stops checking', () => {
    const onIdle = watch();
    sampleFor(10_000, 0);
    samples.push({ at: Date.now(), activePercent: 88 });
    sampleFor(50_000, 0);
    expect(onIdle).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stays quiet with no samples at all: a broken sampler is reported elsewhere', () => {
    const onIdle = watch();
    vi.advanceTimersByTime(60_000);
    expect(onIdle).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('says the configured idle time', () => {
    const onIdle = watch(12_400);
    sampleFor(12_500, 0);
    expect(onIdle).toHaveBeenCalledWith('GPU idle for 12 s after queueing: ComfyUI is not using the GPU (CPU fallback?)');
  });

  it('is off with an idle time of 0', () => {
    const onIdle = watch(0);
    expect(vi.getTimerCount()).toBe(0);
    sampleFor(120_000, 0);
    expect(onIdle).not.toHaveBeenCalled();
  });

  it('stops watching when told to', () => {
    const onIdle = watch();
    sampleFor(10_000, 0);
    stop();
    expect(vi.getTimerCount()).toBe(0);
    sampleFor(30_000, 0);
    expect(onIdle).not.toHaveBeenCalled();
  });
});
