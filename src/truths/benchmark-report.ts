import type { ErrorSummary } from '../errors';

/** A truth's outcome as the plan writes it; SKIPPED only ever comes from configuration. */
export type Verdict = 'PASS' | 'FAIL' | 'NOT RUN' | 'SKIPPED';

/** The truths, in the order the gate checks them. */
export const TRUTH_IDS = [
  'reachable',
  'device',
  'checkpoint-installed',
  'generation-under-budget',
  'gpu-active',
  'kohya-mixed-precision',
  'custom-nodes-loaded',
] as const;
export type TruthId = (typeof TRUTH_IDS)[number];

export interface TruthResult {
  readonly id: TruthId;
  /** The plan's name for it, e.g. "INFRA-04 benchmark (< 120 seconds)". */
  readonly title: string;
  readonly verdict: Verdict;
  /** Why it failed, was not run or was skipped; absent on PASS. */
  readonly reason?: string;
  readonly hint?: string;
  readonly durationMs?: number;
}

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

export interface HistoryEntry {
  readonly runId: string;
  readonly date: string;
  readonly machine: string;
  readonly comfyuiVersion?: string;
  readonly pytorchVersion?: string;
  readonly device?: string;
  readonly elapsedS?: number;
  readonly stepsPerSecond?: number;
  readonly simulated: boolean;
  readonly verdicts: Readonly<Partial<Record<TruthId, Verdict>>>;
  readonly phaseVerdict: Verdict;
}

/** Everything one run of the gate found: built once by the reporter, rendered by pure functions. */
export interface BenchmarkReport {
  readonly runId: string;
  /** ISO time the run started. */
  readonly date: string;
  /** True when the server was the built-in fake: every verdict is then stamped SIMULATED. */
  readonly simulated: boolean;
  readonly machine: {
    readonly description: string;
    readonly os: string;
    readonly arch: string;
    readonly model?: string;
    readonly cpu: string;
    readonly memoryGiB: number;
  };
  readonly comfyui: {
    readonly mode: 'boot' | 'attach';
    readonly url: string;
    /** As the plan writes them: "--force-fp16 --listen 127.0.0.1 --port 8188". */
    readonly launchFlags: string;
    readonly launchEnv: string;
    readonly timeToReadyMs?: number;
    readonly logPath?: string;
  };
  /** The raw /system_stats JSON, as the server sent it. */
  readonly systemStats?: unknown;
  readonly device: {
    readonly expected: string;
    readonly found: readonly string[];
    readonly pythonVersion?: string;
    readonly pythonExpected: string;
    readonly pythonWarning?: string;
    readonly comfyuiVersion?: string;
    readonly pytorchVersion?: string;
    readonly argv?: readonly string[];
  };
  readonly benchmark: {
    readonly checkpoint: string;
    readonly width: number;
    readonly height: number;
    readonly steps: number;
    readonly sampler: string;
    readonly scheduler: string;
    readonly cfg: number;
    readonly prompt: string;
    /** Absent when the configuration could not be read: the seed is drawn when it is. */
    readonly seed?: number;
    readonly budgetS: number;
    readonly startedAt?: string;
    readonly endedAt?: string;
    readonly elapsedS?: number;
    readonly serverElapsedS?: number;
    /** POST /prompt, sent to answered: the part of the client's time the server's clock cannot see. */
    readonly submitRoundTripMs?: number;
    readonly via?: 'websocket' | 'history';
    /** Nodes the server answered from its cache (an attached, warm server). */
    readonly cachedNodes?: readonly string[];
    readonly stepsPerSecond?: number;
    readonly nodes: readonly NodeTiming[];
    readonly image?: { readonly path: string; readonly width: number; readonly height: number; readonly meanLuma: number; readonly stdDevLuma: number };
  };
  readonly gpu: {
    readonly history: 'active' | 'flat' | 'unknown';
    readonly sampler?: string;
    readonly samplerReason?: string;
    readonly intervalMs?: number;
    readonly thresholdPercent: number;
    readonly sampleCount?: number;
    readonly activeSampleCount?: number;
    readonly peakPercent?: number;
    readonly meanPercent?: number;
    readonly meanPowerW?: number;
    readonly watchdog?: string;
    readonly samples: readonly GpuSamplePoint[];
    readonly phases: readonly PhaseMark[];
    /** File name of the chart next to the report, when one was drawn. */
    readonly chartFile?: string;
  };
  readonly install: {
    readonly checkpoint?: { readonly path: string; readonly sizeBytes: number; readonly sha256?: string; readonly tensorCount: number };
    readonly kohya?: { readonly configPath: string; readonly mixedPrecision?: string; readonly pythonVersion?: string };
    readonly customNodes?: { readonly found: readonly string[]; readonly missing: readonly string[] };
  };
  readonly truths: readonly TruthResult[];
  readonly phaseVerdict: Verdict;
  /** Global setup failed: no spec could run. */
  readonly setupError?: ErrorSummary;
  readonly logTail: readonly string[];
  readonly history: {
    readonly previous?: HistoryEntry;
    readonly best?: HistoryEntry;
    readonly trend: readonly HistoryEntry[];
  };
}
