import { fail, ok, warn, type DoctorCheck } from './doctor-check.ts';
import type { DeviceType } from '../config/env-schema.ts';
import type { PythonProbe } from './python-probe.ts';
import type { MachineReading } from './read-machine.ts';

/** What the device line needs besides the probe. */
export interface DeviceContext {
  readonly python: string;
  readonly expectedDevice: DeviceType;
  readonly machine: MachineReading;
}

/** The device line's name: what the plan expects ComfyUI to run on. */
export function getDeviceName(device: DeviceType): string {
  return device === 'mps' ? 'MPS' : device === 'cuda' ? 'CUDA' : 'Device (cpu)';
}

/** Whether torch offers the device the plan expects: MPS on the Mac, CUDA on an NVIDIA box. */
export function judgeDevice(probe: PythonProbe, context: DeviceContext): DoctorCheck {
  const name = getDeviceName(context.expectedDevice);
  if (probe.torchVersion === null) return warn('device', name, 'not checked: torch is not importable', 'see the PyTorch line');
  switch (context.expectedDevice) {
    case 'mps':
      return judgeMps(probe, context, name);
    case 'cuda':
      return probe.cudaAvailable === true
        ? ok('device', name, 'available (torch.cuda.is_available() is True)')
        : fail(
            'device',
            name,
            `not available (torch ${probe.torchVersion}: torch.cuda.is_available() is False)`,
            'install a CUDA build of torch (pytorch.org/get-started/locally) and check that nvidia-smi sees the GPU',
          );
    case 'cpu':
      return ok('device', name, `cpu expected; MPS available: ${yesNo(probe.mpsAvailable)}, CUDA available: ${yesNo(probe.cudaAvailable)}`);
  }
}

function judgeMps(probe: PythonProbe, context: DeviceContext, name: string): DoctorCheck {
  if (probe.mpsAvailable === true) return ok('device', name, `available (torch ${probe.torchVersion}: is_built() and is_available() are True)`);
  const found =
    probe.mpsBuilt === true
      ? `not available (torch ${probe.torchVersion} is built with MPS, but is_available() is False)`
      : `not available (torch ${probe.torchVersion} is built without MPS)`;
  return fail('device', name, found, getMpsFix(probe, context));
}

function getMpsFix(probe: PythonProbe, context: DeviceContext): string {
  if (!context.machine.isMac) return 'MPS exists only on a Mac: run the gate there, or set COMFYUI_EXPECT_DEVICE=cuda or cpu for this machine';
  if (probe.machine === 'x86_64') return 'an x86_64 Python never gets MPS: recreate the venv with an arm64 Python (see the Python architecture line)';
  return `MPS needs Apple Silicon, macOS 12.3 or later and an arm64 torch: reinstall it with ${context.python} -m pip install --upgrade torch torchvision torchaudio`;
}

function yesNo(value: boolean | null): string {
  return value === null ? 'unknown' : value ? 'yes' : 'no';
}
