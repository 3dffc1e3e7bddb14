import type { DeviceType } from '../config/env-schema.ts';
import { fail, ok, warn, type CheckId, type DoctorCheck } from './doctor-check.ts';
import type { MachineReading } from './read-machine.ts';

/** The plan's machine: a 16 GB M1 Pro. Less memory makes the model swap and the budget meaningless. */
export const MIN_MEMORY_BYTES = 16 * 2 ** 30;

/** MPS arrived in macOS 12.3; torch reports it unavailable on anything older. */
const MPS_MIN_MACOS: readonly [number, number] = [12, 3];

/** The macOS version; off a Mac "n/a", a WARN only when the plan expects MPS. */
export function judgeMacos(machine: MachineReading, expectedDevice: DeviceType): DoctorCheck {
  const name = 'macOS';
  if (!machine.isMac) return notAMac('macos', name, expectedDevice);
  if ('problem' in machine.macosVersion) return warn('macos', name, machine.macosVersion.problem, 'run sw_vers by hand to see why it fails');
  const version = machine.macosVersion.value;
  if (expectedDevice === 'mps' && isOlderThan(version, MPS_MIN_MACOS)) {
    return fail(
      'macos',
      name,
      `${version}: older than ${MPS_MIN_MACOS.join('.')}, which MPS needs`,
      'update macOS (System Settings → General → Software Update)',
    );
  }
  return ok('macos', name, version);
}

/** The chip and model; a virtual Mac or a non-Apple chip cannot give the plan's numbers. */
export function judgeChip(machine: MachineReading, expectedDevice: DeviceType): DoctorCheck {
  const name = 'Chip';
  if (!machine.isMac) return notAMac('chip', name, expectedDevice);
  if (machine.chip === undefined)
    return warn('chip', name, 'sysctl could not read machdep.cpu.brand_string', 'run sysctl -n machdep.cpu.brand_string by hand to see why');
  const found = `${machine.chip} (${machine.model ?? 'model unknown'})`;
  if (machine.model?.startsWith('VirtualMac') === true) {
    return warn(
      'chip',
      name,
      `${found}: a virtual Mac, whose paravirtual GPU shows up as MPS but cannot run a real generation`,
      'run the gate on the Mac itself',
    );
  }
  if (expectedDevice === 'mps' && !machine.chip.startsWith('Apple')) {
    return warn('chip', name, `${found}: not Apple Silicon`, 'the plan expects an Apple Silicon Mac (M1 Pro); numbers from this machine do not prove that one');
  }
  return ok('chip', name, found);
}

/** Total memory, from hw.memsize on a Mac. */
export function judgeMemory(machine: MachineReading): DoctorCheck {
  const name = 'Memory';
  if (machine.memoryBytes === undefined) return warn('memory', name, 'sysctl could not read hw.memsize', 'run sysctl -n hw.memsize by hand to see why');
  const found = `${Number((machine.memoryBytes / 2 ** 30).toFixed(1))} GB`;
  if (machine.memoryBytes < MIN_MEMORY_BYTES) {
    return warn('memory', name, `${found}, less than the plan's 16 GB`, 'expect swapping and slower generations: close other apps, or raise GATE_BUDGET_S');
  }
  return ok('memory', name, found);
}

/** A Mac-only line where there is no Mac: a WARN when the plan expects MPS, else of no concern. */
export function notAMac(id: CheckId, name: string, expectedDevice: DeviceType): DoctorCheck {
  if (expectedDevice !== 'mps') return ok(id, name, 'n/a (not a Mac)');
  return warn(id, name, 'n/a (not a Mac)', 'the plan runs on an Apple Silicon Mac; on this machine set COMFYUI_EXPECT_DEVICE=cuda or cpu');
}

function isOlderThan(version: string, [major, minor]: readonly [number, number]): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version) ?? /^(\d+)$/.exec(version);
  if (match === null) return false;
  const actualMajor = Number(match[1]);
  const actualMinor = Number(match[2] ?? 0);
  return actualMajor < major || (actualMajor === major && actualMinor < minor);
}
