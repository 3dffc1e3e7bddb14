import type { GpuSample } from './gpu-sample.ts';

export interface IdleWatchdogOptions {
  /** Epoch ms the prompt was queued; the idle time counts from here. */
  readonly since: number;
  readonly idleMs: number;
  readonly thresholdPercent: number;
  /** Every sample the sampler took so far. */
  readonly samples: () => readonly GpuSample[];
  readonly onIdle: (message: string) => void;
  readonly now?: () => number;
  readonly checkEveryMs?: number;
}

/**
 * Fires once when the GPU has shown no activity for `idleMs` since queueing: that is CPU
 * fallback, and a CPU run takes 10+ minutes. Returns a function that stops watching.
 */
export function watchIdleGpu(options: IdleWatchdogOptions): () => void {
  const { since, idleMs, thresholdPercent, samples, onIdle, now = Date.now, checkEveryMs = 250 } = options;
  if (idleMs <= 0) return () => undefined;
  const timer = setInterval(() => {
    if (now() - since < idleMs) return;
    const seen = samples().filter((sample) => sample.at >= since);
    // With no samples at all the sampler is broken, not the GPU idle: that failure is reported elsewhere.
    if (seen.length === 0 || seen.some((sample) => sample.activePercent > thresholdPercent)) {
      clearInterval(timer);
      return;
    }
    clearInterval(timer);
    onIdle(`GPU idle for ${Math.round(idleMs / 1000)} s after queueing: ComfyUI is not using the GPU (CPU fallback?)`);
  }, checkEveryMs);
  return () => clearInterval(timer);
}
