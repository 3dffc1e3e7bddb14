import { expect, test } from 'vitest';
import { GENERATION_STATE, GPU_STATE, type GenerationRecord, type GpuRecord } from '../src/run-record/generation-record';
import { getConfig, readRunState, recordMeasurements, skipAsNotRun, skipIfConfigured } from '../src/checks/spec-support';
import { TRUTH_TITLES } from '../src/truths/truth-titles';
import { getGpuMeasurements } from '../src/benchmark/gpu-measurements';

test(TRUTH_TITLES['gpu-active'], (context) => {
  skipIfConfigured(context, 'gpu');
  const config = getConfig();
  const window = readRunState<GenerationRecord>(GENERATION_STATE);
  const gpu = readRunState<GpuRecord>(GPU_STATE);
  if (window === undefined || gpu === undefined) skipAsNotRun(context, 'NOT RUN: the generation did not start, so there was nothing to watch');
  if (gpu.skipped !== undefined) {
    context.task.meta.skipKind = 'config';
    context.skip(gpu.skipped);
  }
  if (window.status === 'failed' && gpu.watchdog === undefined) {
    skipAsNotRun(context, `NOT RUN: the generation failed, so its GPU activity proves nothing (${window.error ?? 'no reason recorded'})`);
  }
  const measurements = getGpuMeasurements(config, window, gpu);
  recordMeasurements(context, 'gpu-active', measurements);
  if (gpu.hint !== undefined) context.task.meta.hint = gpu.hint;
  context.annotate(`GPU ${measurements.history}: ${measurements.activeSampleCount ?? 0} of ${measurements.sampleCount ?? 0} samples above ${config.gpu.thresholdPercent} % (${gpu.sampler ?? 'no sampler'})`);

  expect(gpu.watchdog, gpu.watchdog ?? '').toBeUndefined();
  expect(gpu.failure, `GPU activity could not be measured: ${gpu.failure ?? ''}`).toBeUndefined();
  expect(
    measurements.history,
    `GPU ${measurements.history} during generation: ${measurements.activeSampleCount ?? 0} of ${measurements.sampleCount ?? 0} samples above ${config.gpu.thresholdPercent} % (at least ${config.gpu.minActiveSamples} needed)`,
  ).toBe('active');
});
