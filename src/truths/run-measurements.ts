// What one generation measured: node timings, phases, figures of cold and warm runs, the workflow
// that ran and a regression against history. Plain JSON; the report and the benchmark both use them.

export interface NodeTiming {
  readonly id: string;
  readonly classType?: string;
  /** e.g. "checkpoint load", "text encode", "sampling", "decode", "save". */
  readonly role: string;
  readonly seconds: number;
}

export interface GpuSamplePoint {
  /** Milliseconds since the prompt was submitted (negative: before). */
  readonly atMs: number;
  readonly activePercent: number;
  readonly powerW?: number;
}

export interface PhaseMark {
  readonly role: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** One generation's seconds by what they went to: what a warm server skips is apart from the work it repeats. */
export interface RunBreakdown {
  /** Checkpoint load and text encode: a warm server answers these from its cache. */
  readonly modelLoadS: number;
  readonly samplingS: number;
  readonly decodeS: number;
  /** Everything else: the empty latent, saving, other nodes. */
  readonly otherS: number;
}

/** A run queued again because ComfyUI answered the first attempt from its cache. */
export interface Requeue {
  /** The seed whose run ComfyUI had cached. */
  readonly cachedSeed: number;
  /** The fresh seed the counted run used. */
  readonly seed: number;
  readonly reason: string;
}

/** One generation of a run: the first is cold (the verdict is on it), the rest are warm (GATE_RUNS). */
export interface RunFigures {
  /** 1-based; 1 is the cold run. */
  readonly index: number;
  readonly kind: 'cold' | 'warm';
  readonly seed: number;
  readonly elapsedS: number;
  readonly serverElapsedS?: number;
  readonly stepsPerSecond?: number;
  readonly nodesExecuted: number;
  readonly nodesCached: number;
  readonly breakdown: RunBreakdown;
  readonly via: 'websocket' | 'history';
  readonly requeued?: Requeue;
  /** Why the client marked the timing implausible; the figure is kept, flagged. */
  readonly suspect?: string;
}

/** Median, lowest and highest of a figure over the warm runs. */
export interface FigureSpread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The warm runs (GATE_RUNS > 1) summed up. */
export interface WarmSummary {
  readonly runs: number;
  readonly elapsedS: FigureSpread;
  readonly stepsPerSecond?: FigureSpread;
  /** (max − min) / median of the warm elapsed seconds, in percent. */
  readonly spreadPercent: number;
}

/** ComfyUI sends execution_success late on the first prompt after boot: the cold run's client time includes it. */
export interface FirstPromptDelay {
  /** Cold (client − server) minus the warm runs' median (client − server). */
  readonly delayMs: number;
  readonly coldGapMs: number;
  readonly warmGapMs: number;
}

/** Which workflow ran: the plan's, or a GATE_WORKFLOW file; with the figures taken from its nodes. */
export interface WorkflowInfo {
  readonly source: 'plan' | 'custom';
  readonly path: string;
  readonly sha256: string;
  /** The node steps and steps/s come from (KSampler / KSamplerAdvanced), when there is one. */
  readonly samplerNode?: { readonly id: string; readonly classType: string };
  readonly steps?: number;
  readonly sampler?: string;
  readonly checkpoint?: string;
  readonly width?: number;
  readonly height?: number;
}
