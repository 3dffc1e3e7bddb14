import type { PythonProbe } from '../../../src/doctor/python-probe.ts';
import type { MachineReading } from '../../../src/doctor/read-machine.ts';

// Readings as the doctor gets them from a healthy 16 GB M1 Pro; each test overrides what it is about.

export const M1_PRO: MachineReading = {
  isMac: true,
  macosVersion: { value: '15.5' },
  chip: 'Apple M1 Pro',
  model: 'MacBookPro18,3',
  memoryBytes: 17179869184,
};

export const LINUX_BOX: MachineReading = {
  isMac: false,
  macosVersion: { problem: 'sw_vers -productVersion: command not found' },
  chip: undefined,
  model: undefined,
  memoryBytes: 135148564480,
};

export const HEALTHY_PROBE: PythonProbe = {
  pythonVersion: '3.11.9',
  machine: 'arm64',
  torchVersion: '2.5.1',
  mpsBuilt: true,
  mpsAvailable: true,
  cudaAvailable: false,
  error: undefined,
};

export const PYTHON = '/Users/me/tools/ComfyUI/venv/bin/python';
export const COMFYUI_DIR = '/Users/me/tools/ComfyUI';
