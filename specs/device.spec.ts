import { expect, test } from 'vitest';
import { createComfyHttp } from '../src/comfyui/http-client.ts';
import { describeDevices } from '../src/checks/describe-device.ts';
import { getDeviceMeasurements } from '../src/checks/device-measurements.ts';
import { getDeviceHint } from '../src/benchmark/failure-hints.ts';
import { getConfig, getGate, recordMeasurements, SYSTEM_STATS_TIMEOUT_MS, skipIfBootFailed } from '../src/checks/spec-support.ts';
import { toAssertionMessage } from '../src/checks/wrap-message.ts';
import { detectVirtualMac } from '../src/gpu/detect-virtual-mac.ts';
import { TRUTH_TITLES } from '../src/truths/truth-titles.ts';

test(TRUTH_TITLES.device, async (context) => {
  skipIfBootFailed(context);
  const config = getConfig();
  const stats = await createComfyHttp(getGate().url, { requestTimeoutMs: SYSTEM_STATS_TIMEOUT_MS }).getSystemStats();
  const device = getDeviceMeasurements(stats, config);
  recordMeasurements(context, 'device', device);
  context.annotate(`devices[0].type: ${device.found[0] ?? 'none'}`);
  if (device.pythonWarning !== undefined) context.annotate(device.pythonWarning, 'warning');
  if (device.found[0] !== config.expectedDevice) context.task.meta.hint = getDeviceHint(config.expectedDevice, device.found[0], device.argv);

  expect(device.found[0], toAssertionMessage(`devices[0].type should be "${config.expectedDevice}"; ComfyUI reports ${describeDevices(stats.devices)}`)).toBe(
    config.expectedDevice,
  );
  if (config.expectedDevice === 'mps') {
    const virtual = await detectVirtualMac();
    if (virtual.isVirtual) context.task.meta.hint = 'GitHub-hosted macOS runners are virtual machines: run the gate on a self-hosted M-series runner';
    expect(
      virtual.isVirtual,
      toAssertionMessage(`MPS is not usable on virtual Macs (GitHub-hosted runners): use a self-hosted M-series runner (${virtual.evidence})`),
    ).toBe(false);
  }
});
