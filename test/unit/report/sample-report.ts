import type { BenchmarkReport, GpuSamplePoint, HistoryEntry, NodeTiming, PhaseMark, TruthResult } from '../../../src/truths/benchmark-report.ts';
import { TRUTH_TITLES } from '../../../src/truths/truth-titles.ts';

// A passing run on an M1 Pro, with numbers that agree with each other: the node timings add up to
// the server's 47.12 s, the client saw 47.31 s, sampling took 45.10 s for 20 steps (0.44 steps/s),
// and the GPU counts come from the samples below.

export const SAMPLE_NODES: readonly NodeTiming[] = [
  { id: '4', classType: 'CheckpointLoaderSimple', role: 'checkpoint load', seconds: 1.2 },
  { id: '6', classType: 'CLIPTextEncode', role: 'text encode', seconds: 0.2 },
  { id: '7', classType: 'CLIPTextEncode', role: 'text encode', seconds: 0.05 },
  { id: '5', classType: 'EmptyLatentImage', role: 'latent', seconds: 0.01 },
  { id: '3', classType: 'KSampler', role: 'sampling', seconds: 45.1 },
  { id: '8', classType: 'VAEDecode', role: 'decode', seconds: 0.45 },
  { id: '9', classType: 'SaveImage', role: 'save', seconds: 0.11 },
];

/** Phase bands on the submit clock: the server started 0.19 s after submit (client − server). */
export const SAMPLE_PHASES: readonly PhaseMark[] = [
  { role: 'checkpoint load', startMs: 190, endMs: 1390 },
  { role: 'text encode', startMs: 1390, endMs: 1640 },
  { role: 'sampling', startMs: 1650, endMs: 46750 },
  { role: 'decode', startMs: 46750, endMs: 47200 },
  { role: 'save', startMs: 47200, endMs: 47310 },
];

function getActivity(atMs: number): number {
  if (atMs < 190) return 0;
  if (atMs < 1650) return 22 + (atMs % 7);
  if (atMs < 46750) return 88 + ((atMs / 500) % 10) + 0.1;
  return 41;
}

/** One sample every 500 ms from 1 s before submit to the end of the run: 96 samples. */
export const SAMPLE_GPU_SAMPLES: readonly GpuSamplePoint[] = Array.from({ length: 96 }, (_, index) => {
  const atMs = -1000 + index * 500;
  return { atMs, activePercent: Math.round(getActivity(atMs) * 10) / 10, powerW: Math.round((2 + getActivity(atMs) * 0.14) * 10) / 10 };
});

const inWindow = SAMPLE_GPU_SAMPLES.filter((sample) => sample.atMs >= 0 && sample.atMs <= 47310);
const mean = (values: readonly number[]): number => Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;

export const SAMPLE_SYSTEM_STATS = {
  system: {
    os: 'posix',
    ram_total: 17179869184,
    ram_free: 6871947673,
    comfyui_version: '0.3.64',
    required_frontend_version: '1.27.10',
    installed_templates_version: null,
    required_templates_version: '0.1.95',
    python_version: '3.11.9 (main, Apr  2 2024, 08:25:04) [Clang 15.0.0 (clang-1500.3.9.4)]',
    pytorch_version: '2.5.1',
    embedded_python: false,
    argv: ['main.py', '--force-fp16', '--listen', '127.0.0.1', '--port', '8188'],
  },
  devices: [
    {
      name: 'mps',
      type: 'mps',
      index: null,
      vram_total: 17179869184,
      vram_free: 6871947673,
      torch_vram_total: 17179869184,
      torch_vram_free: 6871947673,
    },
  ],
};

function pass(id: TruthResult['id']): TruthResult {
  return { id, title: TRUTH_TITLES[id], verdict: 'PASS', durationMs: 120 };
}

function historyEntry(runId: string, date: string, elapsedS: number | undefined, overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    runId,
    date,
    machine: 'M1 Pro, macOS 15.5 arm64, 16 GB unified memory',
    comfyuiVersion: '0.3.64',
    pytorchVersion: '2.5.1',
    device: 'mps',
    ...(elapsedS === undefined ? {} : { elapsedS, stepsPerSecond: Math.round((20 / (elapsedS - 2.2)) * 100) / 100 }),
    simulated: false,
    verdicts: {},
    phaseVerdict: 'PASS',
    ...overrides,
  };
}

export const SAMPLE_PREVIOUS = historyEntry('20260218-101200-a1b2', '2026-02-18T09:12:00.000Z', 48.9);
export const SAMPLE_BEST = historyEntry('20260217-163000-c3d4', '2026-02-17T15:30:00.000Z', 46.8);
export const SAMPLE_TREND: readonly HistoryEntry[] = [
  historyEntry('20260216-090000-e5f6', '2026-02-16T08:00:00.000Z', 52.4),
  SAMPLE_BEST,
  historyEntry('20260217-180000-f7a8', '2026-02-17T17:00:00.000Z', undefined, { phaseVerdict: 'FAIL' }),
  SAMPLE_PREVIOUS,
];

/** A passing run on Apple Silicon with every field filled in. */
export const PASSING_REPORT: BenchmarkReport = {
  runId: '20260219-140455-9f3e',
  date: '2026-02-19T13:04:55.000Z',
  simulated: false,
  machine: {
    description: 'M1 Pro, macOS 15.5 arm64, 16 GB unified memory',
    os: 'macOS 15.5',
    arch: 'arm64',
    model: 'MacBookPro18,3',
    cpu: 'Apple M1 Pro',
    memoryGiB: 16,
  },
  comfyui: {
    mode: 'boot',
    url: 'http://127.0.0.1:8188',
    launchFlags: '--force-fp16 --listen 127.0.0.1 --port 8188',
    launchEnv: 'PYTORCH_ENABLE_MPS_FALLBACK=1',
    timeToReadyMs: 14_140,
    logPath: 'reports/comfyui.log',
  },
  systemStats: SAMPLE_SYSTEM_STATS,
  device: {
    expected: 'mps',
    found: ['mps'],
    pythonVersion: SAMPLE_SYSTEM_STATS.system.python_version,
    pythonExpected: '3.11.x',
    comfyuiVersion: '0.3.64',
    pytorchVersion: '2.5.1',
    argv: SAMPLE_SYSTEM_STATS.system.argv,
  },
  benchmark: {
    checkpoint: 'anything-v5-PrtRE.safetensors',
    width: 512,
    height: 512,
    steps: 20,
    sampler: 'euler_ancestral',
    scheduler: 'normal',
    cfg: 7,
    prompt: 'anime character, white cloak, standing, masterpiece',
    seed: 42,
    budgetS: 120,
    startedAt: '2026-02-19T13:05:01.120Z',
    endedAt: '2026-02-19T13:05:48.430Z',
    elapsedS: 47.31,
    serverElapsedS: 47.12,
    via: 'websocket',
    stepsPerSecond: 0.44,
    nodes: SAMPLE_NODES,
    image: { path: 'reports/05-benchmark_00001_.png', width: 512, height: 512, meanLuma: 118.4, stdDevLuma: 52.7 },
  },
  gpu: {
    history: 'active',
    sampler: 'powermetrics',
    samplerReason: 'sudo -n powermetrics is allowed on this Mac',
    intervalMs: 500,
    thresholdPercent: 5,
    sampleCount: inWindow.length,
    activeSampleCount: inWindow.filter((sample) => sample.activePercent >= 5).length,
    peakPercent: Math.max(...inWindow.map((sample) => sample.activePercent)),
    meanPercent: mean(inWindow.map((sample) => sample.activePercent)),
    meanPowerW: mean(inWindow.map((sample) => sample.powerW ?? 0)),
    samples: SAMPLE_GPU_SAMPLES,
    phases: SAMPLE_PHASES,
    chartFile: '05-gpu-activity.svg',
  },
  install: {
    checkpoint: {
      path: '/Users/dev/tools/ComfyUI/models/checkpoints/anything-v5-PrtRE.safetensors',
      sizeBytes: 2_132_625_894,
      sha256: '7f96a1a9ca9b3a3242a9ae95d19284f0d2da8d5282b42d2d974398bf7663a252',
      tensorCount: 1131,
    },
    kohya: { configPath: '/Users/dev/.cache/huggingface/accelerate/default_config.yaml', mixedPrecision: 'no', pythonVersion: '3.10.14' },
    customNodes: { found: ['ComfyUI-Manager', 'comfyui_controlnet_aux', 'body_pose_model.pth'], missing: [] },
  },
  truths: [
    pass('reachable'),
    pass('device'),
    pass('checkpoint-installed'),
    pass('generation-under-budget'),
    pass('gpu-active'),
    pass('kohya-mixed-precision'),
    pass('custom-nodes-loaded'),
  ],
  phaseVerdict: 'PASS',
  logTail: [
    'Total VRAM 16384 MB, total RAM 16384 MB',
    'pytorch version: 2.5.1',
    'Set vram state to: SHARED',
    'Device: mps',
    'Starting server',
    'To see the GUI go to: http://127.0.0.1:8188',
    'got prompt',
    'Prompt executed in 47.12 seconds',
  ],
  history: { previous: SAMPLE_PREVIOUS, best: SAMPLE_BEST, trend: SAMPLE_TREND },
};

/** The passing report with some truths replaced. */
export function withTruths(report: BenchmarkReport, ...changed: TruthResult[]): BenchmarkReport {
  return { ...report, truths: report.truths.map((truth) => changed.find((change) => change.id === truth.id) ?? truth) };
}
