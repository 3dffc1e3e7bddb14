import type { TruthId } from './benchmark-report.ts';

/** The plan's names for the truths, used by specs, the report and JUnit alike. */
export const TRUTH_TITLES: Readonly<Record<TruthId, string>> = {
  reachable: 'INFRA-01: ComfyUI answers /system_stats',
  device: 'INFRA-01: ComfyUI runs on the expected device',
  'checkpoint-installed': 'INFRA-02: the checkpoint is installed and complete',
  'generation-under-budget': 'INFRA-04: the benchmark generation finishes under budget',
  'gpu-active': 'the GPU is active during generation (no CPU fallback)',
  'kohya-mixed-precision': 'INFRA-03: kohya_ss venv with mixed_precision: no',
  'custom-nodes-loaded': 'INFRA-05: ComfyUI-Manager, ControlNet-Aux and the OpenPose model',
};
