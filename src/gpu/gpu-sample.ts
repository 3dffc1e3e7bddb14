/** One reading of how busy the GPU was, whatever tool took it. */
export interface GpuSample {
  /** Epoch ms when the sample was taken (or received, when the tool gives no time). */
  readonly at: number;
  /** 0..100: busy share of the interval. */
  readonly activePercent: number;
  readonly frequencyMHz?: number;
  readonly powerW?: number;
  readonly memoryUsedMiB?: number;
}

/** Cuts a live stream into complete records: feed chunks as they arrive, call `end()` when the stream closes. */
export interface RecordSplitter {
  /** Takes the next chunk (it may end anywhere) and returns the records it completed. */
  push(chunk: string): string[];
  /** Returns what is left (a last record with no terminator), then resets. */
  end(): string[];
}

const BYTES_PER_MIB = 1024 * 1024;

/** Bytes → MiB, the unit nvidia-smi uses, so memory reads the same across tools. */
export function bytesToMiB(bytes: number): number {
  return bytes / BYTES_PER_MIB;
}

/** Rounds away float noise from arithmetic on tool figures (100 − 98.37 = 1.6299999999999955 → 1.63). */
export function removeFloatNoise(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
