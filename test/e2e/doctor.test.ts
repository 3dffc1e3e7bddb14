import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, onTestFinished, test } from 'vitest';
import { createFakeEnv, FAKE_COMFYUI_DIR, getFreePort, REPO_ROOT } from '../../fixtures/fake-env.ts';
import { makeTempDir } from './temp-dirs.ts';

// `npm run doctor` as a person runs it, against the fake ComfyUI install and the fake macOS tools:
// one run per situation, each finished within seconds.

const DOCTOR_BUDGET_MS = 10_000;
const PYTHON = join(FAKE_COMFYUI_DIR, 'venv', 'bin', 'python');
const SUDOERS_FIX = `echo '${userInfo().username} ALL=(root) NOPASSWD: /usr/bin/powermetrics' | sudo tee /etc/sudoers.d/powermetrics`;

interface DoctorRun {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly port: number;
  /** The output line of the check with this name. */
  readonly line: (name: string) => string | undefined;
}

/** Runs scripts/doctor.ts (what `npm run doctor` runs, without npm's start-up) with the fake environment. */
async function runDoctor({ env = {}, args = [], port }: { env?: Record<string, string>; args?: string[]; port?: number } = {}): Promise<DoctorRun> {
  const usedPort = port ?? (await getFreePort());
  const fakeEnv = createFakeEnv({ port: usedPort, reportDir: makeTempDir('doctor'), overrides: env });
  const started = Date.now();
  const result = await execa(process.execPath, ['--import', 'tsx', 'scripts/doctor.ts', ...args], {
    cwd: REPO_ROOT,
    env: fakeEnv,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 30_000,
  });
  const lines = result.stdout.split('\n');
  return {
    exitCode: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    durationMs: Date.now() - started,
    port: usedPort,
    line: (name) => lines.find((line) => new RegExp(`^(OK|WARN|FAIL) +${name}  `).test(line)),
  };
}

describe('npm run doctor', () => {
  test('a healthy fake Mac: every check OK, MPS available, exit 0', async () => {
    const run = await runDoctor();
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.durationMs).toBeLessThan(DOCTOR_BUDGET_MS);
    expect(run.stdout.split('\n')).toEqual([
      `OK    ComfyUI folder       ${FAKE_COMFYUI_DIR} (main.py present)`,
      'OK    ComfyUI version      0.3.64 (comfyui_version.py)',
      `OK    Python               3.11.9 (${PYTHON})`,
      'OK    Python architecture  arm64',
      'OK    PyTorch              2.5.1',
      'OK    MPS                  available (torch 2.5.1: is_built() and is_available() are True)',
      'OK    macOS                15.5',
      'OK    Chip                 Apple M1 Pro (MacBookPro18,3)',
      'OK    Memory               16 GB',
      expect.stringMatching(new RegExp(`^(OK  |WARN)  Free disk            \\d+\\.\\d GB free in ${FAKE_COMFYUI_DIR}`)),
      'OK    Checkpoint           anything-v5-PrtRE.safetensors, 0.00 GB (344 bytes)',
      `OK    Port                 127.0.0.1:${run.port} is free, the gate will boot there`,
      'OK    powermetrics         sudo -n powermetrics runs without a password',
      `OK    Launch command       cd ${FAKE_COMFYUI_DIR} && PYTORCH_ENABLE_MPS_FALLBACK=1 ${PYTHON} main.py --force-fp16 --listen 127.0.0.1 --port ${run.port}`,
      '',
      expect.stringMatching(/^1[34] OK, [01] WARN, 0 FAIL: npm test can start$/),
    ]);
  });

  test('an x86_64 Python under Rosetta fails, with the fix, exit 1', async () => {
    const run = await runDoctor({ env: { FAKE_PYTHON_ARCH: 'x86_64' } });
    expect(run.exitCode).toBe(1);
    expect(run.durationMs).toBeLessThan(DOCTOR_BUDGET_MS);
    expect(run.line('Python architecture')).toBe(
      'FAIL  Python architecture  x86_64 Python under Rosetta on Apple M1 Pro: MPS unavailable / slow  → recreate the venv with an arm64 Python, e.g. /opt/homebrew/bin/python3.11 -m venv venv (python -c "import platform; print(platform.machine())" must print arm64)',
    );
  });

  test('MPS unavailable fails, exit 1', async () => {
    const run = await runDoctor({ env: { FAKE_MPS: 'unavailable' } });
    expect(run.exitCode).toBe(1);
    expect(run.durationMs).toBeLessThan(DOCTOR_BUDGET_MS);
    expect(run.line('MPS')).toBe(
      `FAIL  MPS                  not available (torch 2.5.1 is built with MPS, but is_available() is False)  → MPS needs Apple Silicon, macOS 12.3 or later and an arm64 torch: reinstall it with ${PYTHON} -m pip install --upgrade torch torchvision torchaudio`,
    );
    expect(run.stdout).toMatch(/\n\d+ OK, \d+ WARN, 1 FAIL: fix the FAIL lines before npm test$/);
  });

  test('powermetrics that needs a password is a WARN with the sudoers line, exit 0', async () => {
    const run = await runDoctor({ env: { FAKE_GPU_MODE: 'denied', GATE_GPU_SAMPLER: 'auto' } });
    expect(run.exitCode).toBe(0);
    expect(run.durationMs).toBeLessThan(DOCTOR_BUDGET_MS);
    expect(run.line('powermetrics')).toBe(
      `WARN  powermetrics         sudo -n powermetrics exited with code 1: sudo: a password is required; the gate falls back to ioreg  → ${SUDOERS_FIX}`,
    );
  });

  test('a port held by a plain TCP server fails, and that server is left alone', async () => {
    const port = await getFreePort();
    const holder = spawn(process.execPath, ['-e', `require('node:net').createServer(() => {}).listen(${port}, '127.0.0.1', () => console.log('up'))`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    onTestFinished(() => void holder.kill());
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    const run = await runDoctor({ port });
    expect(run.exitCode).toBe(1);
    expect(run.durationMs).toBeLessThan(DOCTOR_BUDGET_MS);
    expect(run.line('Port')).toBe(
      `FAIL  Port                 another program holds 127.0.0.1:${port} (it accepts connections but sent no complete HTTP answer within 1 s)  → stop that program, or boot on another port with COMFYUI_PORT=${port + 1}`,
    );
    expect(holder.exitCode).toBeNull();
  });

  test('--json prints only {"checks": [...]}, every check once, in order', async () => {
    const run = await runDoctor({ args: ['--json'], env: { FAKE_MPS: 'no-torch' } });
    expect(run.exitCode).toBe(1);
    expect(run.durationMs).toBeLessThan(DOCTOR_BUDGET_MS);
    const parsed = JSON.parse(run.stdout) as { checks: { id: string; status: string; name: string; found: string; fix: string | null }[] };
    expect(parsed.checks.map((check) => check.id)).toEqual([
      'comfyui-folder',
      'comfyui-version',
      'python',
      'python-arch',
      'torch',
      'device',
      'macos',
      'chip',
      'memory',
      'disk',
      'checkpoint',
      'port',
      'powermetrics',
      'launch',
    ]);
    expect(parsed.checks.find((check) => check.id === 'torch')).toEqual({
      id: 'torch',
      status: 'FAIL',
      name: 'PyTorch',
      found: "not importable (ModuleNotFoundError: No module named 'torch')",
      fix: `install it into the venv: ${PYTHON} -m pip install --upgrade torch torchvision torchaudio`,
    });
    expect(parsed.checks.filter((check) => check.status === 'OK').every((check) => check.fix === null)).toBe(true);
  });
});
