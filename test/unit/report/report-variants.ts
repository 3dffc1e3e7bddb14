import type { BenchmarkReport } from '../../../src/truths/benchmark-report.ts';
import { TRUTH_TITLES } from '../../../src/truths/truth-titles.ts';
import { PASSING_REPORT, withTruths } from './sample-report.ts';

// Partial reports, each made from the passing one by spreading: one per way a run can go wrong.

const base = PASSING_REPORT;

/** The generation finished, but after the budget. */
export const OVER_BUDGET_REPORT: BenchmarkReport = {
  ...withTruths(base, {
    id: 'generation-under-budget',
    title: TRUTH_TITLES['generation-under-budget'],
    verdict: 'FAIL',
    reason: 'expected 131.2 to be less than 120',
    hint: 'close other GPU-heavy apps and check that --force-fp16 is set',
  }),
  benchmark: { ...base.benchmark, endedAt: '2026-02-19T13:07:12.320Z', elapsedS: 131.2, serverElapsedS: 131.01, stepsPerSecond: 0.16 },
  phaseVerdict: 'FAIL',
};

/** ComfyUI exited while booting: no truth could run. */
export const SETUP_FAILED_REPORT: BenchmarkReport = {
  ...base,
  comfyui: {
    mode: 'boot',
    url: 'http://127.0.0.1:8188',
    launchFlags: base.comfyui.launchFlags,
    launchEnv: base.comfyui.launchEnv,
    logPath: 'reports/comfyui.log',
  },
  systemStats: undefined,
  device: { expected: 'mps', found: [], pythonExpected: '3.11.x' },
  benchmark: {
    ...base.benchmark,
    startedAt: undefined,
    endedAt: undefined,
    elapsedS: undefined,
    serverElapsedS: undefined,
    via: undefined,
    stepsPerSecond: undefined,
    nodes: [],
    image: undefined,
  },
  gpu: { history: 'unknown', thresholdPercent: 5, samples: [], phases: [] },
  install: {},
  truths: [],
  phaseVerdict: 'FAIL',
  setupError: {
    name: 'ServerExitedError',
    code: 'COMFYUI_EXITED',
    message: 'ComfyUI exited with code 1 before /system_stats answered (after 3.2 s)',
    hint: 'run `venv/bin/python main.py --force-fp16` in ~/tools/ComfyUI by hand and fix the error it prints',
    context: { url: 'http://127.0.0.1:8188', exitCode: 1, signal: null },
  },
  logTail: [
    'Traceback (most recent call last):',
    '  File "/Users/dev/tools/ComfyUI/main.py", line 11, in <module>',
    '    import torch',
    "ModuleNotFoundError: No module named 'torch'",
  ],
  history: { trend: [] },
};

/** The server ran, but the prompt failed while executing. */
export const GENERATION_FAILED_REPORT: BenchmarkReport = {
  ...withTruths(
    base,
    {
      id: 'generation-under-budget',
      title: TRUTH_TITLES['generation-under-budget'],
      verdict: 'FAIL',
      reason: 'execution_error in node 3 (KSampler): MPS backend out of memory',
      hint: 'close other apps; --force-fp16 must be set',
    },
    { id: 'gpu-active', title: TRUTH_TITLES['gpu-active'], verdict: 'NOT RUN', reason: 'the generation did not finish' },
  ),
  benchmark: {
    ...base.benchmark,
    endedAt: undefined,
    elapsedS: undefined,
    serverElapsedS: undefined,
    stepsPerSecond: undefined,
    nodes: base.benchmark.nodes.slice(0, 4),
    image: undefined,
  },
  gpu: { history: 'unknown', sampler: 'powermetrics', intervalMs: 500, thresholdPercent: 5, samples: [], phases: [] },
  phaseVerdict: 'FAIL',
};

/** No GPU sampler could run (no root for powermetrics, no ioreg figures). */
export const GPU_UNKNOWN_REPORT: BenchmarkReport = {
  ...withTruths(base, {
    id: 'gpu-active',
    title: TRUTH_TITLES['gpu-active'],
    verdict: 'FAIL',
    reason: 'no GPU sampler could run on this machine',
    hint: 'add the sudoers line for powermetrics',
  }),
  gpu: {
    history: 'unknown',
    samplerReason: 'sudo -n powermetrics asks for a password and ioreg reports no Device Utilization %',
    thresholdPercent: 5,
    samples: [],
    phases: base.gpu.phases,
  },
  phaseVerdict: 'FAIL',
};

/** COMFYUI_URL was set: the gate attached to a server someone else started. */
export const ATTACH_REPORT: BenchmarkReport = {
  ...base,
  comfyui: { mode: 'attach', url: 'http://127.0.0.1:8188', launchFlags: '', launchEnv: '' },
  logTail: [],
};

/** The built-in fake ComfyUI answered (npm run demo). */
export const SIMULATED_REPORT: BenchmarkReport = { ...base, simulated: true };

/** kohya_ss switched off by configuration; everything else passed. */
export const SKIPPED_REPORT: BenchmarkReport = {
  ...withTruths(base, {
    id: 'kohya-mixed-precision',
    title: TRUTH_TITLES['kohya-mixed-precision'],
    verdict: 'SKIPPED',
    reason: 'COMFYUI_GATE_SKIP includes kohya',
  }),
  install: { ...base.install, kohya: undefined },
};

/** The same gate on an NVIDIA box with the cuda device profile. */
export const CUDA_REPORT: BenchmarkReport = {
  ...base,
  device: { ...base.device, expected: 'cuda', found: ['cuda', 'cpu'] },
  comfyui: { ...base.comfyui, launchEnv: '' },
};

/** Every variant by name, for tests that must hold for all of them. */
export const ALL_REPORTS: ReadonlyArray<readonly [string, BenchmarkReport]> = [
  ['passing', base],
  ['over budget', OVER_BUDGET_REPORT],
  ['setup failed', SETUP_FAILED_REPORT],
  ['generation failed', GENERATION_FAILED_REPORT],
  ['gpu unknown', GPU_UNKNOWN_REPORT],
  ['attach mode', ATTACH_REPORT],
  ['simulated', SIMULATED_REPORT],
  ['simulated setup failure', { ...SETUP_FAILED_REPORT, simulated: true }],
  ['skipped by configuration', SKIPPED_REPORT],
  ['cuda profile', CUDA_REPORT],
  ['attach mode without argv', { ...ATTACH_REPORT, device: { ...ATTACH_REPORT.device, argv: undefined } }],
];
