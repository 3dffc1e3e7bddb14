import type { Criterion, DeviceType, SamplerChoice } from './env-schema';

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
}
