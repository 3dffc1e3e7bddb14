import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAKE_COMFYUI_DIR } from '../../../fixtures/fake-env.ts';
import { PROBE_SCRIPT } from '../../../src/doctor/python-probe.ts';
import { readPython } from '../../../src/doctor/read-python.ts';
import { runCommand } from '../../../src/processes/run-command.ts';
import { HEALTHY_PROBE } from './doctor-fixtures.ts';

const FAKE_PYTHON = join(FAKE_COMFYUI_DIR, 'venv', 'bin', 'python');
const scratch = mkdtempSync(join(tmpdir(), 'doctor-python-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function probeFake(knobs: Record<string, string> = {}) {
  return readPython({ python: FAKE_PYTHON, dir: FAKE_COMFYUI_DIR, env: { PYTORCH_ENABLE_MPS_FALLBACK: '1', ...knobs } });
}

function writeScript(name: string, body: string): string {
  const path = join(scratch, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('readPython against the fake venv python', () => {
  it('answers like a healthy arm64 venv by default', async () => {
    expect(await probeFake()).toEqual({ kind: 'probed', probe: HEALTHY_PROBE });
  });

  it('FAKE_PYTHON_ARCH=x86_64 is a Rosetta Python with the last x86_64 torch, MPS built but unavailable', async () => {
    expect(await probeFake({ FAKE_PYTHON_ARCH: 'x86_64' })).toEqual({
      kind: 'probed',
      probe: { ...HEALTHY_PROBE, machine: 'x86_64', torchVersion: '2.2.2', mpsAvailable: false },
    });
  });

  it('FAKE_MPS=unavailable and FAKE_PYTHON_VERSION change only what they name', async () => {
    expect(await probeFake({ FAKE_MPS: 'unavailable', FAKE_PYTHON_VERSION: '3.12.4' })).toEqual({
      kind: 'probed',
      probe: { ...HEALTHY_PROBE, pythonVersion: '3.12.4', mpsAvailable: false },
    });
  });

  it('FAKE_MPS=no-torch fails the import as Python would', async () => {
    expect(await probeFake({ FAKE_MPS: 'no-torch' })).toEqual({
      kind: 'probed',
      probe: {
        ...HEALTHY_PROBE,
        torchVersion: null,
        mpsBuilt: null,
        mpsAvailable: null,
        cudaAvailable: null,
        error: "ModuleNotFoundError: No module named 'torch'",
      },
    });
  });

  it('refuses any other -c script and bad knobs with exit code 2', async () => {
    const other = await runCommand(FAKE_PYTHON, ['-c', 'print(1)'], { timeoutMs: 5000 });
    const badKnob = await runCommand(FAKE_PYTHON, ['-c', PROBE_SCRIPT], { timeoutMs: 5000, env: { FAKE_MPS: 'maybe' } });
    expect(other).toMatchObject({ exitCode: 2, stdout: '', stderr: 'fake python: only the doctor probe is supported' });
    expect(badKnob).toMatchObject({ exitCode: 2, stdout: '', stderr: "fake python: FAKE_MPS must be available, unavailable or no-torch, got 'maybe'" });
    expect(await probeFake({ FAKE_PYTHON_ARCH: 'ppc' })).toEqual({
      kind: 'failed',
      detail: `${FAKE_PYTHON} -c <probe> exited with code 2: fake python: FAKE_PYTHON_ARCH must be arm64 or x86_64, got 'ppc'`,
    });
  });
});

describe('readPython failures', () => {
  it('names a python that does not exist', async () => {
    const python = join(scratch, 'no-such-python');
    expect(await readPython({ python, dir: scratch, env: {} })).toEqual({ kind: 'failed', detail: `${python} -c <probe>: command not found` });
  });

  it('stops a probe that outlives its deadline', async () => {
    const python = writeScript('hanging-python', 'exec sleep 30');
    expect(await readPython({ python, dir: scratch, env: {} }, 300)).toEqual({ kind: 'failed', detail: `${python} -c <probe> did not finish within 0.3 s` });
  });
});

describe('PROBE_SCRIPT under a real Python', () => {
  it('prints its JSON line also when torch cannot be imported', async (context) => {
    const reading = await readPython({ python: 'python3', dir: scratch, env: {} }, 15_000);
    if (reading.kind === 'failed' && reading.detail === 'python3 -c <probe>: command not found') context.skip('no python3 on this machine');
    expect(reading.kind).toBe('probed');
    if (reading.kind !== 'probed') return;
    expect(reading.probe.pythonVersion).toMatch(/^3\.\d+\.\d+/);
    expect(reading.probe.machine).not.toBe('');
    // This machine's python3 may or may not have torch; either way the fields are consistent.
    if (reading.probe.torchVersion === null) {
      expect(reading.probe).toMatchObject({ mpsBuilt: null, mpsAvailable: null, cudaAvailable: null, error: "ModuleNotFoundError: No module named 'torch'" });
    } else {
      expect(typeof reading.probe.mpsAvailable).toBe('boolean');
    }
  });
});
