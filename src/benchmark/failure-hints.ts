import type { NodeTiming } from '../truths/benchmark-report.ts';

/** What to do when ComfyUI does not run on the expected device; `argv` is what the server says it was started with. */
export function getDeviceHint(expected: string, found: string | undefined, argv: readonly string[] | undefined): string {
  if (argv?.includes('--cpu') === true)
    return 'ComfyUI was started with --cpu: remove it from its launch arguments (COMFYUI_ARGS or your start script) and start it again';
  if (expected === 'mps') {
    return [
      'check that PyTorch sees the GPU in ComfyUI\'s venv: venv/bin/python -c "import torch; print(torch.backends.mps.is_available())" must print True',
      'the venv must be an arm64 Python, not x86_64 under Rosetta: venv/bin/python -c "import platform; print(platform.machine())" must print arm64',
      'npm run doctor checks both',
    ].join('; ');
  }
  if (expected === 'cuda') {
    return 'check that PyTorch sees the GPU in ComfyUI\'s venv: venv/bin/python -c "import torch; print(torch.cuda.is_available())" must print True (a CPU-only torch wheel prints False)';
  }
  return `the server reports ${found ?? 'no device'}; set COMFYUI_EXPECT_DEVICE to the device this machine should use`;
}

/** The usual remedies for the slowest part of a run that went over budget. */
const REMEDIES: Readonly<Record<string, string>> = {
  'checkpoint load':
    'loading the checkpoint dominates: the first run after boot reads it from disk; run again (GATE_RUNS=3 shows warm figures) and keep models on the internal SSD',
  'text encode': 'text encoding is slow: usually the model is still loading or memory is swapping; close other memory-hungry apps',
  sampling:
    'sampling dominates: check the GPU really works (the GPU truth, npm run doctor), keep --force-fp16, close other GPU-heavy apps, and check that macOS is not swapping (16 GB is tight next to a browser)',
  decode: 'VAE decode is slow: memory is likely short (swapping) or the VAE runs in fp32; close other apps and keep --force-fp16',
};

/** What to do about a generation over budget: the slowest node, its share of the time, and what commonly helps. */
export function getOverBudgetHint(nodes: readonly NodeTiming[], elapsedS: number, budgetS: number): string {
  const slowest = [...nodes].sort((a, b) => b.seconds - a.seconds)[0];
  const over = `${(elapsedS - budgetS).toFixed(2)} s over the ${budgetS} s budget`;
  if (slowest === undefined) return `${over}; no per-node timings were recorded, read the ComfyUI log for what took the time`;
  const share = elapsedS > 0 ? ` (${Math.round((100 * slowest.seconds) / elapsedS)} % of the run)` : '';
  const remedy = REMEDIES[slowest.role] ?? 'read the ComfyUI log for what this node was waiting for';
  return `${over}; slowest: ${slowest.role} (node ${slowest.id}${slowest.classType === undefined ? '' : ` ${slowest.classType}`}) ${slowest.seconds.toFixed(2)} s${share}; ${remedy}`;
}
