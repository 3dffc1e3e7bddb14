import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { GenerationRecord, GpuRecord } from '../../../src/run-record/generation-record.ts';
import { getGpuMeasurements } from '../../../src/benchmark/gpu-measurements.ts';

const reportDir = mkdtempSync(join(tmpdir(), 'gate-gpu-measurements-'));
afterAll(() => rmSync(reportDir, { recursive: true, force: true }));

// Threshold 1 %, two active samples needed, 250 ms interval: the defaults.
const config = loadConfig({ COMFYUI_URL: 'http://127.0.0.1:8188', GATE_REPORT_DIR: reportDir });

const SUBMITTED = 1_764_324_000_000;
const WINDOW: GenerationRecord = {
  submittedAt: SUBMITTED,
  endedAt: SUBMITTED + 10_000,
  status: 'success',
  phases: [{ role: 'sampling', startMs: 500, endMs: 9500 }],
};

const sample = (offsetMs: number, activePercent: number, powerW?: number) => ({
  at: SUBMITTED + offsetMs,
  activePercent,
  ...(powerW === undefined ? {} : { powerW }),
});

const SAMPLES = [
  sample(-600, 50), // before the chart's margin of two intervals: dropped everywhere
  sample(-400, 40), // in the chart's margin, not judged
  sample(0, 72, 10.08),
  sample(5000, 88),
  sample(10_000, 0),
  sample(10_200, 95), // lands within one interval after the end: still judged
  sample(10_400, 61), // in the chart's margin, not judged
  sample(10_600, 83), // past the margin: dropped everywhere
];

const RUNNING: GpuRecord = { sampler: 'powermetrics', reason: 'powermetrics: running as root', intervalMs: 250, samples: SAMPLES };

describe('getGpuMeasurements', () => {
  it("judges the samples inside the generation's window and charts those near it", () => {
    expect(getGpuMeasurements(config, WINDOW, RUNNING)).toEqual({
      history: 'active',
      sampleCount: 4,
      activeSampleCount: 3,
      peakPercent: 95,
      meanPercent: 63.75,
      meanPowerW: 10.08,
      thresholdPercent: 1,
      sampler: 'powermetrics',
      samplerReason: 'powermetrics: running as root',
      intervalMs: 250,
      samples: [
        { atMs: -400, activePercent: 40 },
        { atMs: 0, activePercent: 72, powerW: 10.08 },
        { atMs: 5000, activePercent: 88 },
        { atMs: 10_000, activePercent: 0 },
        { atMs: 10_200, activePercent: 95 },
        { atMs: 10_400, activePercent: 61 },
      ],
      phases: [{ role: 'sampling', startMs: 500, endMs: 9500 }],
    });
  });

  it("uses the config's interval when the record has none", () => {
    // With 500 ms the chart margin is 1000 ms: the samples at -600 and +10 600 come in.
    const wide = loadConfig({ COMFYUI_URL: 'http://127.0.0.1:8188', GATE_REPORT_DIR: reportDir, GATE_GPU_INTERVAL_MS: '500' });
    const measured = getGpuMeasurements(wide, WINDOW, { reason: 'ioreg: needs no root', samples: SAMPLES });
    expect(measured).not.toHaveProperty('intervalMs');
    expect(measured).not.toHaveProperty('sampler');
    expect(measured.samples.map((point) => point.atMs)).toEqual([-600, -400, 0, 5000, 10_000, 10_200, 10_400, 10_600]);
    // The judged window ends one interval (500 ms) after the run: 10 400 counts now.
    expect(measured.sampleCount).toBe(5);
  });

  it('calls a GPU that stayed idle flat', () => {
    const idle = [0, 250, 500, 750].map((offset) => sample(offset, 0.5));
    expect(getGpuMeasurements(config, WINDOW, { ...RUNNING, samples: idle })).toMatchObject({
      history: 'flat',
      sampleCount: 4,
      activeSampleCount: 0,
      peakPercent: 0.5,
    });
  });

  it('calls the history flat when the idle watchdog ended the run, whatever the samples', () => {
    const watchdog = 'GPU idle for 30 s after queueing: ComfyUI is not using the GPU (CPU fallback?)';
    expect(getGpuMeasurements(config, WINDOW, { ...RUNNING, watchdog })).toMatchObject({ history: 'flat', watchdog, sampleCount: 4 });
  });

  it('calls it unknown when the sampler failed before any sample in the window', () => {
    const failure = 'powermetrics stopped with exit code 1 after 0 sample(s): powermetrics must be invoked as the superuser';
    expect(getGpuMeasurements(config, WINDOW, { ...RUNNING, samples: [], failure })).toMatchObject({
      history: 'unknown',
      sampleCount: 0,
      activeSampleCount: 0,
      samples: [],
    });
    // A failure after samples were taken still lets those samples be judged.
    expect(getGpuMeasurements(config, WINDOW, { ...RUNNING, failure })).toMatchObject({ history: 'active', sampleCount: 4 });
  });
});
