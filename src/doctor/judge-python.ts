import type { DeviceType } from '../config/env-schema.ts';
import { fail, ok, warn, type DoctorCheck } from './doctor-check.ts';
import { getDeviceName, judgeDevice, type DeviceContext } from './judge-device.ts';
import type { PythonProbe, PythonReading } from './python-probe.ts';
import type { MachineReading } from './read-machine.ts';

/** What the Python checks compare the probe with. */
export interface PythonContext extends DeviceContext {
  readonly dir: string;
  /** The plan's Python line, e.g. `3.11`. */
  readonly expectedPython: string;
}

const NAMES = { python: 'Python', arch: 'Python architecture', torch: 'PyTorch' } as const;

/** The Python, architecture, PyTorch and device lines, from one probe of the venv's Python. */
export function judgePythonChecks(reading: PythonReading, context: PythonContext): DoctorCheck[] {
  if (reading.kind === 'failed') {
    const fix = `run ${context.python} by hand in ${context.dir} to see what is wrong; recreate the venv if it is broken (python${context.expectedPython} -m venv venv && venv/bin/pip install -r requirements.txt)`;
    const notChecked = (id: DoctorCheck['id'], name: string) => warn(id, name, 'not checked: the Python probe failed', 'fix the Python line first');
    return [
      fail('python', NAMES.python, reading.detail, fix),
      notChecked('python-arch', NAMES.arch),
      notChecked('torch', NAMES.torch),
      notChecked('device', getDeviceName(context.expectedDevice)),
    ];
  }
  const { probe } = reading;
  return [judgePythonVersion(probe, context), judgeArchitecture(probe, context.machine), judgeTorch(probe, context.python), judgeDevice(probe, context)];
}

/** The same four lines when the gate attaches to a running ComfyUI and starts no Python of its own. */
export function judgeAttachedPython(url: string, expectedDevice: DeviceType): DoctorCheck[] {
  const found = `not checked: the gate attaches to ${url} (COMFYUI_URL) and starts no Python`;
  const fix = 'to check the venv too, stop that ComfyUI, unset COMFYUI_URL and run npm run doctor again';
  const skipped = 'not checked (attach mode)';
  return [
    warn('python', NAMES.python, found, fix),
    warn('python-arch', NAMES.arch, skipped, 'see the Python line'),
    warn('torch', NAMES.torch, skipped, 'see the Python line'),
    warn('device', getDeviceName(expectedDevice), skipped, 'see the Python line'),
  ];
}

function judgePythonVersion(probe: PythonProbe, context: PythonContext): DoctorCheck {
  const found = `${probe.pythonVersion} (${context.python})`;
  if (probe.pythonVersion === context.expectedPython || probe.pythonVersion.startsWith(`${context.expectedPython}.`)) {
    return ok('python', NAMES.python, found);
  }
  return warn(
    'python',
    NAMES.python,
    `${found}; the plan expects ${context.expectedPython}.x`,
    `recreate the venv with Python ${context.expectedPython}: python${context.expectedPython} -m venv venv && venv/bin/pip install -r requirements.txt`,
  );
}

function judgeArchitecture(probe: PythonProbe, machine: MachineReading): DoctorCheck {
  const onAppleSilicon = machine.isMac && (machine.chip?.includes('Apple') ?? false);
  if (probe.machine === 'x86_64' && onAppleSilicon) {
    return fail(
      'python-arch',
      NAMES.arch,
      `x86_64 Python under Rosetta on ${machine.chip}: MPS unavailable / slow`,
      'recreate the venv with an arm64 Python, e.g. /opt/homebrew/bin/python3.11 -m venv venv (python -c "import platform; print(platform.machine())" must print arm64)',
    );
  }
  return ok('python-arch', NAMES.arch, probe.machine);
}

function judgeTorch(probe: PythonProbe, python: string): DoctorCheck {
  const install = `${python} -m pip install --upgrade torch torchvision torchaudio`;
  if (probe.torchVersion === null) {
    return fail('torch', NAMES.torch, `not importable (${probe.error ?? 'import torch failed'})`, `install it into the venv: ${install}`);
  }
  if (probe.error !== undefined) {
    return warn('torch', NAMES.torch, `${probe.torchVersion}, but asking it for its devices raised ${probe.error}`, `reinstall it: ${install}`);
  }
  return ok('torch', NAMES.torch, probe.torchVersion);
}
