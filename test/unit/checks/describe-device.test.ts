import { describe, expect, it } from 'vitest';
import { describeDevices, getPythonWarning } from '../../../src/checks/describe-device.ts';

describe('describeDevices', () => {
  it('lists every device with its index, type and name', () => {
    expect(describeDevices([{ type: 'mps', name: 'mps' }])).toBe('devices[0]: mps (mps)');
    expect(
      describeDevices([
        { type: 'cuda', name: 'cuda:0 NVIDIA H200 : cudaMallocAsync' },
        { type: 'cpu', name: 'cpu' },
      ]),
    ).toBe('devices[0]: cuda (cuda:0 NVIDIA H200 : cudaMallocAsync), devices[1]: cpu (cpu)');
  });

  it('says so when there is none', () => {
    expect(describeDevices([])).toBe('no devices');
  });
});

describe('getPythonWarning', () => {
  it("says nothing when the server's Python is the plan's 3.11", () => {
    expect(getPythonWarning('3.11.9 (main, Apr  2 2024, 08:25:04) [Clang 15.0.0 (clang-1500.3.9.4)]', '3.11')).toBeUndefined();
    expect(getPythonWarning('3.11.9', '3.11')).toBeUndefined();
    expect(getPythonWarning('3.11', '3.11')).toBeUndefined();
  });

  it('warns about another version without failing', () => {
    expect(getPythonWarning('3.12.3 (main, Apr  9 2024, 08:09:14) [Clang 15.0.0 (clang-1500.3.9.4)]', '3.11')).toBe(
      'python_version is 3.12.3, the plan expects 3.11.x (a warning, not a failure)',
    );
    // A prefix match must stop at the dot: 3.110 is not 3.11.
    expect(getPythonWarning('3.110.1', '3.11')).toBe('python_version is 3.110.1, the plan expects 3.11.x (a warning, not a failure)');
  });

  it('warns when the server does not say', () => {
    expect(getPythonWarning(undefined, '3.11')).toBe('python_version missing from /system_stats (expected 3.11.x)');
  });
});
