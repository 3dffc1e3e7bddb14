import type { GpuSample } from '../gpu/gpu-sample.ts';
import type { PhaseMark } from '../truths/benchmark-report.ts';

/** The generation's time window, written by the generation spec for the GPU spec. */
export interface GenerationRecord {
  /** Epoch ms on this machine's clock. */
  readonly submittedAt: number;
  readonly endedAt: number;
  readonly status: 'success' | 'failed';
  readonly error?: string;
  /** Node phases in ms since submit, for the chart. */
  readonly phases: readonly PhaseMark[];
}

/** What the GPU monitor saw during the generation. */
export interface GpuRecord {
  readonly sampler?: string;
  readonly reason: string;
  readonly hint?: string;
  readonly intervalMs?: number;
  readonly samples: readonly GpuSample[];
  /** Set when sampling was impossible (no tool, no permission) or broke (the tool died). */
  readonly failure?: string;
  /** Set when the idle watchdog ended the generation. */
  readonly watchdog?: string;
  /** Set when configuration switched the GPU truth off. */
  readonly skipped?: string;
}

export const GENERATION_STATE = 'generation';
/** The prompt the gate queued and has not seen end: on Ctrl-C in attach mode, the one to cancel. */
export const QUEUED_PROMPT_STATE = 'queued-prompt';

/** Written when the gate queues a prompt, removed when the prompt ends. */
export interface QueuedPromptRecord {
  readonly url: string;
  readonly promptId: string;
}
/** The generated image, kept in the run record until the reporter files it with its report. */
export const IMAGE_FILE = 'benchmark-output.png';
export const GPU_STATE = 'gpu';
