import { describe, expect, it } from 'vitest';
import { parsePythonProbe, PROBE_MARKER, PROBE_SCRIPT } from '../../../src/doctor/python-probe.ts';
import { HEALTHY_PROBE } from './doctor-fixtures.ts';

const HEALTHY_LINE =
  '{"python_version": "3.11.9", "machine": "arm64", "torch_version": "2.5.1", "mps_built": true, "mps_available": true, "cuda_available": false}';

describe('parsePythonProbe', () => {
  it('reads the JSON line a healthy venv prints', () => {
    expect(parsePythonProbe(HEALTHY_LINE)).toEqual({ kind: 'probed', probe: HEALTHY_PROBE });
  });

  it('takes the last non-empty line, since importing torch may print before it', () => {
    expect(parsePythonProbe(`UserWarning: something about NNPACK\n${HEALTHY_LINE}\n\n`)).toEqual({ kind: 'probed', probe: HEALTHY_PROBE });
  });

  it('keeps a missing torch as null with the error the probe caught', () => {
    const line =
      '{"python_version": "3.11.9", "machine": "arm64", "torch_version": null, "mps_built": null, "mps_available": null, "cuda_available": null, "error": "ModuleNotFoundError: No module named \'torch\'"}';
    expect(parsePythonProbe(line)).toEqual({
      kind: 'probed',
      probe: {
        pythonVersion: '3.11.9',
        machine: 'arm64',
        torchVersion: null,
        mpsBuilt: null,
        mpsAvailable: null,
        cudaAvailable: null,
        error: "ModuleNotFoundError: No module named 'torch'",
      },
    });
  });

  it('sanitises every string it passes on', () => {
    const line = JSON.stringify({
      python_version: '3.11.9\u001b[2J',
      machine: 'arm64\nFAIL',
      torch_version: '2.5.1',
      mps_built: true,
      mps_available: true,
      cuda_available: false,
    });
    expect(parsePythonProbe(line)).toEqual({ kind: 'probed', probe: { ...HEALTHY_PROBE, machine: 'arm64 ⏎ FAIL' } });
  });

  it("says what is wrong when the output is not the probe's JSON", () => {
    expect(parsePythonProbe('')).toEqual({ kind: 'failed', detail: 'the probe printed nothing' });
    expect(parsePythonProbe('Segmentation fault\u001b[0m')).toEqual({ kind: 'failed', detail: 'the probe printed Segmentation fault, not JSON' });
    expect(parsePythonProbe('{"python_version": 3, "machine": "arm64"}')).toEqual({
      kind: 'failed',
      detail: "the probe's JSON has bad or missing fields: python_version, torch_version, mps_built, mps_available, cuda_available",
    });
  });
});

describe('PROBE_SCRIPT', () => {
  it('starts with the marker the fake venv python recognises, and prints one JSON line', () => {
    expect(PROBE_SCRIPT.split('\n')[0]).toBe(PROBE_MARKER);
    expect(PROBE_MARKER).toBe('# comfyui-gate doctor probe');
    expect(PROBE_SCRIPT).toContain('print(json.dumps(out))');
    expect(PROBE_SCRIPT).toContain('except Exception as error:');
  });
});
