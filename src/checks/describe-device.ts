interface DeviceLike {
  readonly type: string;
  readonly name: string;
}

/** Lists every device a server reports, e.g. `devices[0]: cuda (cuda:0 NVIDIA H200 : cudaMallocAsync)`. */
export function describeDevices(devices: readonly DeviceLike[]): string {
  if (devices.length === 0) return 'no devices';
  return devices.map((device, index) => `devices[${index}]: ${device.type} (${device.name})`).join(', ');
}

/** A warning when the server's Python is not the plan's (3.11.x); undefined when it matches. */
export function getPythonWarning(pythonVersion: string | undefined, expected: string): string | undefined {
  if (pythonVersion === undefined) return `python_version missing from /system_stats (expected ${expected}.x)`;
  const version = pythonVersion.split(' ')[0] ?? pythonVersion;
  if (version === expected || version.startsWith(`${expected}.`)) return undefined;
  return `python_version is ${version}, the plan expects ${expected}.x (a warning, not a failure)`;
}
