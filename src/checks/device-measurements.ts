import type { GateConfig } from '../config/gate-config.ts';
import type { SystemStats } from '../comfyui/schemas.ts';
import type { TruthMeasurements } from '../truths/measurements.ts';
import { getPythonWarning } from './describe-device.ts';

/** What the device truth records from /system_stats; fields an older ComfyUI does not report stay out. */
export function getDeviceMeasurements(stats: SystemStats, config: Pick<GateConfig, 'expectedDevice' | 'expectedPython'>): TruthMeasurements['device'] {
  const { system } = stats;
  const pythonWarning = getPythonWarning(system.python_version, config.expectedPython);
  return {
    expected: config.expectedDevice,
    found: stats.devices.map((device) => device.type),
    pythonExpected: `${config.expectedPython}.x`,
    ...(system.python_version === undefined ? {} : { pythonVersion: system.python_version }),
    ...(pythonWarning === undefined ? {} : { pythonWarning }),
    ...(system.comfyui_version === undefined ? {} : { comfyuiVersion: system.comfyui_version }),
    ...(system.pytorch_version === undefined ? {} : { pytorchVersion: system.pytorch_version }),
    ...(system.argv === undefined ? {} : { argv: system.argv }),
  };
}
