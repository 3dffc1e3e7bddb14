import { describe, expect, it } from 'vitest';
import { judgeAttachedPython, judgePythonChecks, type PythonContext } from '../../../src/doctor/judge-python.ts';
import { COMFYUI_DIR, HEALTHY_PROBE, LINUX_BOX, M1_PRO, PYTHON } from './doctor-fixtures.ts';

const MAC: PythonContext = { python: PYTHON, dir: COMFYUI_DIR, expectedPython: '3.11', expectedDevice: 'mps', machine: M1_PRO };
const PIP = `${PYTHON} -m pip install --upgrade torch torchvision torchaudio`;

describe('judgePythonChecks', () => {
  it('passes a healthy arm64 venv with MPS', () => {
    expect(judgePythonChecks({ kind: 'probed', probe: HEALTHY_PROBE }, MAC)).toEqual([
      { id: 'python', status: 'OK', name: 'Python', found: `3.11.9 (${PYTHON})`, fix: null },
      { id: 'python-arch', status: 'OK', name: 'Python architecture', found: 'arm64', fix: null },
      { id: 'torch', status: 'OK', name: 'PyTorch', found: '2.5.1', fix: null },
      { id: 'device', status: 'OK', name: 'MPS', found: 'available (torch 2.5.1: is_built() and is_available() are True)', fix: null },
    ]);
  });

  it('fails an x86_64 Python on Apple Silicon as Rosetta, and its MPS with a pointer to that line', () => {
    const probe = { ...HEALTHY_PROBE, machine: 'x86_64', torchVersion: '2.2.2', mpsAvailable: false };
    const [, arch, , device] = judgePythonChecks({ kind: 'probed', probe }, MAC);
    expect(arch).toEqual({
      id: 'python-arch',
      status: 'FAIL',
      name: 'Python architecture',
      found: 'x86_64 Python under Rosetta on Apple M1 Pro: MPS unavailable / slow',
      fix: 'recreate the venv with an arm64 Python, e.g. /opt/homebrew/bin/python3.11 -m venv venv (python -c "import platform; print(platform.machine())" must print arm64)',
    });
    expect(device).toEqual({
      id: 'device',
      status: 'FAIL',
      name: 'MPS',
      found: 'not available (torch 2.2.2 is built with MPS, but is_available() is False)',
      fix: 'an x86_64 Python never gets MPS: recreate the venv with an arm64 Python (see the Python architecture line)',
    });
  });

  it('accepts x86_64 where there is no Apple Silicon', () => {
    const [, arch] = judgePythonChecks(
      { kind: 'probed', probe: { ...HEALTHY_PROBE, machine: 'x86_64' } },
      { ...MAC, expectedDevice: 'cuda', machine: LINUX_BOX },
    );
    expect(arch).toEqual({ id: 'python-arch', status: 'OK', name: 'Python architecture', found: 'x86_64', fix: null });
  });

  it('fails MPS that is unavailable or not built, with the fix for each machine', () => {
    const unavailable = { kind: 'probed', probe: { ...HEALTHY_PROBE, mpsAvailable: false } } as const;
    const notBuilt = { kind: 'probed', probe: { ...HEALTHY_PROBE, mpsBuilt: false, mpsAvailable: false } } as const;
    expect(judgePythonChecks(unavailable, MAC)[3]).toEqual({
      id: 'device',
      status: 'FAIL',
      name: 'MPS',
      found: 'not available (torch 2.5.1 is built with MPS, but is_available() is False)',
      fix: `MPS needs Apple Silicon, macOS 12.3 or later and an arm64 torch: reinstall it with ${PIP}`,
    });
    expect(judgePythonChecks(notBuilt, { ...MAC, machine: LINUX_BOX })[3]).toEqual({
      id: 'device',
      status: 'FAIL',
      name: 'MPS',
      found: 'not available (torch 2.5.1 is built without MPS)',
      fix: 'MPS exists only on a Mac: run the gate there, or set COMFYUI_EXPECT_DEVICE=cuda or cpu for this machine',
    });
  });

  it('judges CUDA and cpu when those are expected', () => {
    const cuda = { ...MAC, expectedDevice: 'cuda', machine: LINUX_BOX } as const;
    expect(judgePythonChecks({ kind: 'probed', probe: { ...HEALTHY_PROBE, cudaAvailable: true } }, cuda)[3]).toEqual({
      id: 'device',
      status: 'OK',
      name: 'CUDA',
      found: 'available (torch.cuda.is_available() is True)',
      fix: null,
    });
    expect(judgePythonChecks({ kind: 'probed', probe: HEALTHY_PROBE }, cuda)[3]).toEqual({
      id: 'device',
      status: 'FAIL',
      name: 'CUDA',
      found: 'not available (torch 2.5.1: torch.cuda.is_available() is False)',
      fix: 'install a CUDA build of torch (pytorch.org/get-started/locally) and check that nvidia-smi sees the GPU',
    });
    expect(judgePythonChecks({ kind: 'probed', probe: HEALTHY_PROBE }, { ...MAC, expectedDevice: 'cpu' })[3]).toEqual({
      id: 'device',
      status: 'OK',
      name: 'Device (cpu)',
      found: 'cpu expected; MPS available: yes, CUDA available: no',
      fix: null,
    });
  });

  it("warns about a Python other than the plan's 3.11", () => {
    expect(judgePythonChecks({ kind: 'probed', probe: { ...HEALTHY_PROBE, pythonVersion: '3.12.4' } }, MAC)[0]).toEqual({
      id: 'python',
      status: 'WARN',
      name: 'Python',
      found: `3.12.4 (${PYTHON}); the plan expects 3.11.x`,
      fix: 'recreate the venv with Python 3.11: python3.11 -m venv venv && venv/bin/pip install -r requirements.txt',
    });
  });

  it('fails a missing torch once and leaves the device line to it', () => {
    const probe = {
      ...HEALTHY_PROBE,
      torchVersion: null,
      mpsBuilt: null,
      mpsAvailable: null,
      cudaAvailable: null,
      error: "ModuleNotFoundError: No module named 'torch'",
    };
    expect(judgePythonChecks({ kind: 'probed', probe }, MAC).slice(2)).toEqual([
      {
        id: 'torch',
        status: 'FAIL',
        name: 'PyTorch',
        found: "not importable (ModuleNotFoundError: No module named 'torch')",
        fix: `install it into the venv: ${PIP}`,
      },
      { id: 'device', status: 'WARN', name: 'MPS', found: 'not checked: torch is not importable', fix: 'see the PyTorch line' },
    ]);
  });

  it('warns when torch imports but asking it for devices raised', () => {
    const probe = { ...HEALTHY_PROBE, error: 'RuntimeError: MPS backend init failed' };
    expect(judgePythonChecks({ kind: 'probed', probe }, MAC)[2]).toEqual({
      id: 'torch',
      status: 'WARN',
      name: 'PyTorch',
      found: '2.5.1, but asking it for its devices raised RuntimeError: MPS backend init failed',
      fix: `reinstall it: ${PIP}`,
    });
  });

  it('fails the Python line when the probe failed, and marks the rest not checked', () => {
    expect(judgePythonChecks({ kind: 'failed', detail: `${PYTHON} -c <probe>: command not found` }, MAC)).toEqual([
      {
        id: 'python',
        status: 'FAIL',
        name: 'Python',
        found: `${PYTHON} -c <probe>: command not found`,
        fix: `run ${PYTHON} by hand in ${COMFYUI_DIR} to see what is wrong; recreate the venv if it is broken (python3.11 -m venv venv && venv/bin/pip install -r requirements.txt)`,
      },
      { id: 'python-arch', status: 'WARN', name: 'Python architecture', found: 'not checked: the Python probe failed', fix: 'fix the Python line first' },
      { id: 'torch', status: 'WARN', name: 'PyTorch', found: 'not checked: the Python probe failed', fix: 'fix the Python line first' },
      { id: 'device', status: 'WARN', name: 'MPS', found: 'not checked: the Python probe failed', fix: 'fix the Python line first' },
    ]);
  });
});

describe('judgeAttachedPython', () => {
  it('says the Python lines are not checked when the gate attaches', () => {
    expect(judgeAttachedPython('http://127.0.0.1:8188', 'mps')).toEqual([
      {
        id: 'python',
        status: 'WARN',
        name: 'Python',
        found: 'not checked: the gate attaches to http://127.0.0.1:8188 (COMFYUI_URL) and starts no Python',
        fix: 'to check the venv too, stop that ComfyUI, unset COMFYUI_URL and run npm run doctor again',
      },
      { id: 'python-arch', status: 'WARN', name: 'Python architecture', found: 'not checked (attach mode)', fix: 'see the Python line' },
      { id: 'torch', status: 'WARN', name: 'PyTorch', found: 'not checked (attach mode)', fix: 'see the Python line' },
      { id: 'device', status: 'WARN', name: 'MPS', found: 'not checked (attach mode)', fix: 'see the Python line' },
    ]);
  });
});
