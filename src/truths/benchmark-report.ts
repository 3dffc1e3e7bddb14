import type { Finding } from '../diagnosis/finding.ts';
import type { ErrorSummary } from '../errors.ts';
import type {
  NodeTiming,
  GpuSamplePoint,
  PhaseMark,
  RunBreakdown,
  Requeue,
  RunFigures,
  WarmSummary,
  FirstPromptDelay,
  WorkflowInfo,
} from './run-measurements.ts';

export type {
  NodeTiming,
  GpuSamplePoint,
  PhaseMark,
  RunBreakdown,
  Requeue,
  RunFigures,
  FigureSpread,
  WarmSummary,
  FirstPromptDelay,
  WorkflowInfo,
} from './run-measurements.ts';

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

export interface HistoryEntry {
  readonly runId: string;
  readonly date: string;
  readonly machine: string;
  readonly comfyuiVersion?: string;
  readonly pytorchVersion?: string;
  readonly device?: string;
  readonly elapsedS?: number;
  readonly stepsPerSecond?: number;
  /** What makes two runs comparable (findRegression): the benchmark's parameters, from the workflow that ran. */
  readonly checkpoint?: string;
  readonly width?: number;
  readonly height?: number;
  readonly steps?: number;
  readonly sampler?: string;
  /** SHA-256 of a GATE_WORKFLOW file; absent for the plan's workflow. */
  readonly workflowSha256?: string;
  /** The run's timing was flagged implausible: its steps/s is never the best a later run is held to. */
  readonly suspect?: boolean;
  readonly simulated: boolean;
  readonly verdicts: Readonly<Partial<Record<TruthId, Verdict>>>;
  readonly phaseVerdict: Verdict;
}

/** This run's steps/s fell more than the allowed share below the best comparable run (see findRegression). */
export interface Regression {
  readonly stepsPerSecond: number;
  readonly bestStepsPerSecond: number;
  /** How far below the best, in percent. */
  readonly percentBelow: number;
  readonly thresholdPercent: number;
  readonly best: HistoryEntry;
  /** How many comparable runs were looked at (at most ten). */
  readonly comparedRuns: number;
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
    /** Measured around the cold generation (Mac): swap, CPU speed limit, ComfyUI's peak memory. */
    readonly pressure?: {
      readonly swapBeforeMiB?: number;
      readonly swapAfterMiB?: number;
      readonly speedLimitPercent?: number;
      readonly comfyuiPeakRssMiB?: number;
      readonly skipped?: string;
    };
    /** Findings from those measurements (swap growth, throttling), for the diagnosis. */
    readonly pressureFindings?: readonly Finding[];
    readonly nodes: readonly NodeTiming[];
    /** Nodes ComfyUI ran, and answered from its cache, in the counted (cold) run. */
    readonly nodesExecuted?: number;
    readonly nodesCached?: number;
    /** Set when the first attempt was answered from ComfyUI's cache and the run was queued again. */
    readonly requeued?: Requeue;
    /** Set when the timing looks implausible (e.g. steps/s no machine reaches): kept, but flagged. */
    readonly suspect?: string;
    readonly breakdown?: RunBreakdown;
    readonly workflow?: WorkflowInfo;
    /** Every generation: the cold one first, then the warm ones (GATE_RUNS). */
    readonly runs?: readonly RunFigures[];
    readonly warm?: WarmSummary;
    readonly firstPromptDelay?: FirstPromptDelay;
    /** Why warm runs were not made although GATE_RUNS asked for them. */
    readonly warmSkipped?: string;
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
    readonly checkpoint?: {
      readonly path: string;
      readonly sizeBytes: number;
      readonly sha256?: string;
      readonly tensorCount: number;
      /** Why ComfyUI looks in the checkpoint's folder: "ComfyUI folder", "--base-directory", "extra_model_paths.yaml section a111", … */
      readonly source?: string;
    };
    readonly kohya?: { readonly configPath: string; readonly mixedPrecision?: string; readonly pythonVersion?: string };
    readonly customNodes?: {
      readonly found: readonly string[];
      readonly missing: readonly string[];
      /** Where each found pack and model is, and why ComfyUI looks there (the same labels as the checkpoint's `source`). */
      readonly locations?: readonly { readonly name: string; readonly path: string; readonly source: string }[];
    };
  };
  readonly truths: readonly TruthResult[];
  readonly phaseVerdict: Verdict;
  /** Global setup failed: no spec could run. */
  readonly setupError?: ErrorSummary;
  /** Ctrl-C or SIGTERM ended the run: which signal, and what the gate was doing then. */
  readonly interrupted?: { readonly signal: string; readonly during: string };
  /** Why it failed or was slow, from the ComfyUI log and measurements around the generation. */
  readonly diagnosis?: {
    /** What was read: the log file, the attached server's /internal/logs, or why nothing could be. */
    readonly source: string;
    readonly lineCount?: number;
    readonly findings: readonly Finding[];
  };
  /** Configuration warnings (an unknown COMFYUI_ variable, …), in the gate's own words. */
  readonly warnings?: readonly string[];
  readonly logTail: readonly string[];
  readonly history: {
    readonly previous?: HistoryEntry;
    readonly best?: HistoryEntry;
    readonly trend: readonly HistoryEntry[];
    /** Set when steps/s fell more than 20 % below the best of the last ten comparable runs. */
    readonly regression?: Regression;
  };
}
