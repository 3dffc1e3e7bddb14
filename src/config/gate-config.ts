import type { Criterion, DeviceType, SamplerChoice } from './env-schema.ts';

/** The benchmark's parameters: the plan's INFRA-04 values unless overridden. */
export interface BenchmarkParameters {
  readonly checkpoint: string;
  readonly width: number;
  readonly height: number;
  readonly steps: number;
  readonly sampler: string;
  readonly scheduler: string;
  readonly cfg: number;
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly seed: number;
}

/** One node of an API-format workflow: its class and its inputs (constants, or links `["<node id>", <output>]`). */
export interface WorkflowNode {
  readonly class_type: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly [field: string]: unknown;
}

/** An API-format workflow: node id → node. */
export type WorkflowGraph = Readonly<Record<string, WorkflowNode>>;

/** The workflow GATE_WORKFLOW names, read and checked once with the rest of the configuration. */
export interface CustomWorkflow {
  /** Absolute path of the file. */
  readonly path: string;
  /** SHA-256 of the file's bytes, so a report says exactly which workflow ran. */
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly graph: WorkflowGraph;
}

/** How the gate reaches ComfyUI: boot it from a folder, or attach to a server that already runs. */
export type ServerPlan =
  | {
      readonly mode: 'boot';
      readonly dir: string;
      readonly python: string;
      readonly args: readonly string[];
      readonly env: Readonly<Record<string, string>>;
      readonly url: string;
      readonly port: number;
      readonly readyTimeoutMs: number;
    }
  | { readonly mode: 'attach'; readonly url: string };

/** The validated, frozen configuration every part of the gate reads. */
export interface GateConfig {
  readonly server: ServerPlan;
  readonly expectedDevice: DeviceType;
  readonly expectedPython: string;
  readonly benchmark: BenchmarkParameters;
  /** GATE_WORKFLOW: a workflow to run instead of the plan's; absent for the plan's workflow. */
  readonly workflow?: CustomWorkflow;
  /** GATE_RUNS: generations in all; the verdict is on the first (cold), the others are warm runs. */
  readonly runs: number;
  readonly budgetMs: number;
  readonly deadlineMs: number;
  readonly socketSilenceMs: number;
  readonly reportDir: string;
  readonly gpu: {
    readonly sampler: SamplerChoice;
    readonly intervalMs: number;
    readonly thresholdPercent: number;
    readonly minActiveSamples: number;
    readonly idleWatchdogMs: number;
  };
  readonly install: {
    readonly comfyuiDir: string;
    readonly kohyaDir: string;
    readonly accelerateConfig: string;
    readonly openposeModels: readonly string[] | undefined;
  };
  readonly skip: readonly Criterion[];
  /** The run is a demo against the built-in fake (GATE_SIMULATED=1). */
  readonly simulated: boolean;
  /** Things a person should know that do not stop the run, e.g. an unknown COMFYUI_ variable. */
  readonly warnings: readonly string[];
}
