import { expect, test } from 'vitest';
import { getGpuWindowOrSkip } from '../src/checks/gpu-window.ts';
import { getConfig, recordMeasurements, skipIfConfigured } from '../src/checks/spec-support.ts';
import { TRUTH_TITLES } from '../src/truths/truth-titles.ts';
import { getGpuMeasurements } from '../src/benchmark/gpu-measurements.ts';
import { getDeviceHint } from '../src/benchmark/failure-hints.ts';
import { attachGpuEvidence } from '../src/checks/evidence.ts';
import { toAssertionMessage } from '../src/checks/wrap-message.ts';

test(TRUTH_TITLES['gpu-active'], async (context) => {
  skipIfConfigured(context, 'gpu');
  const config = getConfig();
  const { window, gpu } = getGpuWindowOrSkip(context);
  const measurements = getGpuMeasurements(config, window, gpu);
  recordMeasurements(context, 'gpu-active', measurements);
  if (gpu.hint !== undefined) context.task.meta.hint = gpu.hint;
  // An idle GPU during the run is the device truth's problem seen from the other side: the same fix.
  else if (gpu.watchdog !== undefined) context.task.meta.hint = getDeviceHint(config.expectedDevice, undefined, undefined);
  await attachGpuEvidence(context, measurements);
  await context.annotate(
    `GPU ${measurements.history}: ${measurements.activeSampleCount ?? 0} of ${measurements.sampleCount ?? 0} samples above ${config.gpu.thresholdPercent} % (${gpu.sampler ?? 'no sampler'})`,
  );

  // Compared as booleans: Vitest would otherwise repeat the whole message as the received value.
  expect(gpu.watchdog === undefined, toAssertionMessage(gpu.watchdog ?? '')).toBe(true);
  expect(gpu.failure === undefined, toAssertionMessage(`GPU activity could not be measured: ${gpu.failure ?? ''}`)).toBe(true);
  expect(
    measurements.history,
    toAssertionMessage(
      `GPU ${measurements.history} during generation: ${measurements.activeSampleCount ?? 0} of ${measurements.sampleCount ?? 0} samples above ${config.gpu.thresholdPercent} % (at least ${config.gpu.minActiveSamples} needed)`,
    ),
  ).toBe('active');
});
