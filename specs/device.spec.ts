import { expect, test } from 'vitest';
import { createComfyHttp } from '../src/comfyui/http-client';
import { getConfig, getGate, recordMeasurements } from '../src/checks/spec-support';
import { TRUTH_TITLES } from '../src/truths/truth-titles';
import { describeDevices, getPythonWarning } from '../src/checks/describe-device';
import { detectVirtualMac } from '../src/gpu/detect-virtual-mac';

test(TRUTH_TITLES.device, async (context) => {
  const config = getConfig();
  const stats = await createComfyHttp(getGate().url, { requestTimeoutMs: 10_000 }).getSystemStats();
  const found = stats.devices.map((device) => device.type);
  const pythonWarning = getPythonWarning(stats.system.python_version, config.expectedPython);
  recordMeasurements(context, 'device', {
    expected: config.expectedDevice,
    found,
    pythonExpected: `${config.expectedPython}.x`,
    ...(stats.system.python_version === undefined ? {} : { pythonVersion: stats.system.python_version }),
    ...(pythonWarning === undefined ? {} : { pythonWarning }),
    ...(stats.system.comfyui_version === undefined ? {} : { comfyuiVersion: stats.system.comfyui_version }),
    ...(stats.system.pytorch_version === undefined ? {} : { pytorchVersion: stats.system.pytorch_version }),
    ...(stats.system.argv === undefined ? {} : { argv: stats.system.argv }),
  });
  context.annotate(`devices[0].type: ${found[0] ?? 'none'}`);
  if (pythonWarning !== undefined) context.annotate(pythonWarning, 'warning');

  expect(found[0], `devices[0].type should be "${config.expectedDevice}"; ComfyUI reports ${describeDevices(stats.devices)}`).toBe(
    config.expectedDevice,
  );
  if (config.expectedDevice === 'mps') {
    const virtual = await detectVirtualMac();
    expect(virtual.isVirtual, virtual.isVirtual ? `MPS is not usable on virtual Macs (GitHub-hosted runners): use a self-hosted M-series runner (${virtual.evidence})` : '').toBe(false);
  }
});
