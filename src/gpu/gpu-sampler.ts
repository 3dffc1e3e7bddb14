import type { GpuSample } from './gpu-sample.ts';

export type SamplerName = 'powermetrics' | 'macmon' | 'ioreg' | 'nvidia-smi';

/** One running GPU sampler, whatever tool is behind it. */
export interface GpuSampler {
  readonly name: SamplerName;
  /** How it was started, e.g. "sudo -n powermetrics --samplers gpu_power -i 250 -f plist". */
  readonly command: string;
  readonly intervalMs: number;
  /** Every sample so far, oldest first; `at` is this machine's clock when the sample arrived. */
  samples(): readonly GpuSample[];
  /** Resolves with the first sample, or rejects when the tool fails before giving one. */
  firstSample(): Promise<GpuSample>;
  /** Set once the tool died or printed what cannot be parsed; sampling has stopped then. */
  failure(): Error | undefined;
  /** Stops the tool; safe to call more than once. */
  stop(): Promise<void>;
}
