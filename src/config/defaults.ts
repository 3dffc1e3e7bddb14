/** The plan's values (seed/05-04-PLAN.md): every one can be overridden by an environment variable. */
export const PLAN_DEFAULTS = {
  comfyuiDir: '~/tools/ComfyUI',
  pythonInVenv: 'venv/bin/python',
  host: '127.0.0.1',
  port: 8188,
  checkpoint: 'anything-v5-PrtRE.safetensors',
  width: 512,
  height: 512,
  steps: 20,
  sampler: 'euler_ancestral',
  scheduler: 'normal',
  cfg: 7.0,
  prompt: 'anime character, white cloak, standing, masterpiece',
  negativePrompt: '',
  budgetSeconds: 120,
  expectedDevice: 'mps',
  expectedPython: '3.11',
  kohyaDir: '~/tools/kohya_ss',
  accelerateConfig: '~/.cache/huggingface/accelerate/default_config.yaml',
} as const;

/** Flags from the plan; `--listen` is always loopback and `--port` comes from config. */
export const LAUNCH_ENV = { PYTORCH_ENABLE_MPS_FALLBACK: '1' } as const;
