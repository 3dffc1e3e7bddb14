import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GateConfig } from '../../../src/config/gate-config.ts';
import { expandHome, getReportDir, loadConfig } from '../../../src/config/load-config.ts';
import type { ConfigError } from '../../../src/errors.ts';
import { catchConfigError, createComfyuiFolder, type FakeComfyuiFolder } from './fake-comfyui-folder.ts';

let root: string;
let comfyui: FakeComfyuiFolder;
const savedHome = process.env.HOME;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gate-config-'));
  comfyui = createComfyuiFolder(root, 'ComfyUI');
});

afterEach(() => {
  process.env.HOME = savedHome;
  rmSync(root, { recursive: true, force: true });
});

/** The environment a user with ComfyUI in a non-default place would set; everything else defaults. */
const load = (env: Record<string, string> = {}) => loadConfig({ COMFYUI_DIR: comfyui.dir, ...env }, root);

const getConfigError = (env: Record<string, string>): ConfigError => catchConfigError(() => load(env));

describe('loadConfig defaults', () => {
  it("uses the plan's values when no variable is set", () => {
    // A home folder with ComfyUI at the plan's ~/tools/ComfyUI, so the default COMFYUI_DIR resolves.
    const home = join(root, 'home');
    const planned = createComfyuiFolder(join(home, 'tools'), 'ComfyUI');
    process.env.HOME = home;

    const config = loadConfig({}, root);

    expect(config).toEqual({
      server: {
        mode: 'boot',
        dir: planned.dir,
        python: join(planned.dir, 'venv', 'bin', 'python'),
        args: ['main.py', '--force-fp16', '--listen', '127.0.0.1', '--port', '8188'],
        env: { PYTORCH_ENABLE_MPS_FALLBACK: '1' },
        url: 'http://127.0.0.1:8188',
        port: 8188,
        readyTimeoutMs: 180_000,
      },
      expectedDevice: 'mps',
      expectedPython: '3.11',
      benchmark: {
        checkpoint: 'anything-v5-PrtRE.safetensors',
        width: 512,
        height: 512,
        steps: 20,
        sampler: 'euler_ancestral',
        scheduler: 'normal',
        cfg: 7,
        prompt: 'anime character, white cloak, standing, masterpiece',
        negativePrompt: '',
        seed: expect.any(Number),
      },
      budgetMs: 120_000,
      deadlineMs: 240_000,
      socketSilenceMs: 10_000,
      reportDir: join(root, 'reports'),
      gpu: { sampler: 'auto', intervalMs: 250, thresholdPercent: 1, minActiveSamples: 2, idleWatchdogMs: 30_000 },
      install: {
        comfyuiDir: planned.dir,
        kohyaDir: join(home, 'tools', 'kohya_ss'),
        accelerateConfig: join(home, '.cache', 'huggingface', 'accelerate', 'default_config.yaml'),
        openposeModels: undefined,
      },
      runs: 1,
      skip: [],
      simulated: false,
      warnings: [],
    } satisfies GateConfig);
  });

  it('treats an empty variable as unset', () => {
    const config = load({ COMFYUI_PORT: '', GATE_BUDGET_S: '', GATE_SKIP: '' });
    expect(config.server).toMatchObject({ port: 8188, url: 'http://127.0.0.1:8188' });
    expect(config.budgetMs).toBe(120_000);
    expect(config.skip).toEqual([]);
  });

  it('picks a fresh random seed each time GATE_SEED is unset', () => {
    const seeds = [load().benchmark.seed, load().benchmark.seed, load().benchmark.seed];
    for (const seed of seeds) {
      expect(Number.isInteger(seed)).toBe(true);
      expect(seed).toBeGreaterThanOrEqual(0);
      expect(seed).toBeLessThan(2 ** 47);
    }
    // Three draws from 2^47 values: equal ones would mean the seed is not random.
    expect(new Set(seeds).size).toBe(3);
  });

  it('uses GATE_SEED when it is set, 0 included', () => {
    expect(load({ GATE_SEED: '123456789' }).benchmark.seed).toBe(123_456_789);
    expect(load({ GATE_SEED: '0' }).benchmark.seed).toBe(0);
  });

  it('returns a deeply frozen config', () => {
    const config = load();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.benchmark)).toBe(true);
    expect(Object.isFrozen(config.gpu)).toBe(true);
    expect(Object.isFrozen(config.skip)).toBe(true);
    const { server } = config;
    if (server.mode !== 'boot') throw new Error('expected a boot plan');
    const args = server.args as string[];
    expect(Object.isFrozen(args)).toBe(true);
    expect(() => {
      (config.benchmark as { steps: number }).steps = 1;
    }).toThrow(TypeError);
    expect(() => args.push('--cpu')).toThrow(TypeError);
    expect(config.benchmark.steps).toBe(20);
  });
});

describe('loadConfig overrides', () => {
  it('applies every variable', () => {
    const python = createComfyuiFolder(root, 'other-venv').python;
    const config = load({
      COMFYUI_PYTHON: python,
      COMFYUI_PORT: '8190',
      COMFYUI_FORCE_FP16: '0',
      COMFYUI_ARGS: '--preview-method auto',
      COMFYUI_EXPECT_DEVICE: 'cuda',
      COMFYUI_READY_TIMEOUT_S: '45.5',
      GATE_CHECKPOINT: 'sd_xl_base_1.0.safetensors',
      GATE_WIDTH: '1024',
      GATE_HEIGHT: '768',
      GATE_STEPS: '30',
      GATE_SAMPLER: 'dpmpp_2m',
      GATE_SCHEDULER: 'karras',
      GATE_CFG: '5.5',
      GATE_PROMPT: '  a lighthouse at dusk  ',
      GATE_SEED: '42',
      GATE_RUNS: '3',
      GATE_BUDGET_S: '90',
      GATE_DEADLINE_S: '300',
      GATE_REPORT_DIR: 'out/gate',
      GATE_GPU_SAMPLER: 'nvidia-smi',
      GATE_GPU_INTERVAL_MS: '500',
      GATE_GPU_THRESHOLD: '2.5',
      GATE_GPU_IDLE_S: '0',
      GATE_SOCKET_SILENCE_S: '4',
      GATE_SKIP: 'infra-02, gpu',
      KOHYA_DIR: 'kohya',
      ACCELERATE_CONFIG: '/etc/accelerate.yaml',
      GATE_OPENPOSE_MODELS: 'body_pose_model.pth, hand_pose_model.pth,',
    });
    expect(config).toEqual({
      server: {
        mode: 'boot',
        dir: comfyui.dir,
        python,
        args: ['main.py', '--preview-method', 'auto', '--listen', '127.0.0.1', '--port', '8190'],
        env: { PYTORCH_ENABLE_MPS_FALLBACK: '1' },
        url: 'http://127.0.0.1:8190',
        port: 8190,
        readyTimeoutMs: 45_500,
      },
      expectedDevice: 'cuda',
      expectedPython: '3.11',
      benchmark: {
        checkpoint: 'sd_xl_base_1.0.safetensors',
        width: 1024,
        height: 768,
        steps: 30,
        sampler: 'dpmpp_2m',
        scheduler: 'karras',
        cfg: 5.5,
        prompt: 'a lighthouse at dusk',
        negativePrompt: '',
        seed: 42,
      },
      budgetMs: 90_000,
      deadlineMs: 300_000,
      socketSilenceMs: 4000,
      reportDir: join(root, 'out', 'gate'),
      gpu: { sampler: 'nvidia-smi', intervalMs: 500, thresholdPercent: 2.5, minActiveSamples: 2, idleWatchdogMs: 0 },
      install: {
        comfyuiDir: comfyui.dir,
        kohyaDir: join(root, 'kohya'),
        accelerateConfig: '/etc/accelerate.yaml',
        openposeModels: ['body_pose_model.pth', 'hand_pose_model.pth'],
      },
      runs: 3,
      skip: ['infra-02', 'gpu'],
      simulated: false,
      warnings: [],
    } satisfies GateConfig);
  });

  it('makes the deadline twice the budget unless GATE_DEADLINE_S is set', () => {
    expect(load({ GATE_BUDGET_S: '45' }).deadlineMs).toBe(90_000);
    expect(load({ GATE_BUDGET_S: '45', GATE_DEADLINE_S: '0' }).deadlineMs).toBe(90_000);
    expect(load({ GATE_BUDGET_S: '45', GATE_DEADLINE_S: '50' }).deadlineMs).toBe(50_000);
  });

  it('reads every GATE_SKIP spelling: spaces and empty entries are ignored', () => {
    expect(load({ GATE_SKIP: 'gpu' }).skip).toEqual(['gpu']);
    expect(load({ GATE_SKIP: ' infra-03 ,, infra-05 ,' }).skip).toEqual(['infra-03', 'infra-05']);
    expect(load({ GATE_SKIP: 'infra-02,infra-03,infra-05,gpu' }).skip).toEqual(['infra-02', 'infra-03', 'infra-05', 'gpu']);
  });

  it('expands ~ in paths the way a shell would', () => {
    process.env.HOME = join(root, 'home');
    const config = load({ GATE_REPORT_DIR: '~/gate-reports', KOHYA_DIR: '~' });
    expect(config.reportDir).toBe(join(root, 'home', 'gate-reports'));
    expect(config.install.kohyaDir).toBe(join(root, 'home'));
    expect(expandHome('~user/x')).toBe('~user/x');
    expect(expandHome('/abs/~/x')).toBe('/abs/~/x');
  });

  it('attaches to a loopback COMFYUI_URL, keeping only its origin and not looking at COMFYUI_DIR', () => {
    const missingDir = join(root, 'no-comfyui-here');
    expect(loadConfig({ COMFYUI_URL: 'http://127.0.0.1:8188/', COMFYUI_DIR: missingDir }, root).server).toEqual({
      mode: 'attach',
      url: 'http://127.0.0.1:8188',
    });
    expect(load({ COMFYUI_URL: 'http://localhost:9000/some/path' }).server).toEqual({ mode: 'attach', url: 'http://localhost:9000' });
    expect(load({ COMFYUI_URL: 'http://[::1]:8188' }).server).toEqual({ mode: 'attach', url: 'http://[::1]:8188' });
  });

  it('attaches to a remote COMFYUI_URL only with COMFYUI_ALLOW_REMOTE=1', () => {
    const error = getConfigError({ COMFYUI_URL: 'http://10.0.0.5:8188' });
    expect(error.message).toBe('COMFYUI_URL="http://10.0.0.5:8188" is not on this machine (10.0.0.5 is not a loopback address)');
    expect(error.hint).toBe('use http://127.0.0.1:<port>, or set COMFYUI_ALLOW_REMOTE=1 if you really mean to test a server on another machine');
    expect(error.context).toEqual({ variable: 'COMFYUI_URL', value: 'http://10.0.0.5:8188' });

    expect(load({ COMFYUI_URL: 'http://10.0.0.5:8188', COMFYUI_ALLOW_REMOTE: '1' }).server).toEqual({ mode: 'attach', url: 'http://10.0.0.5:8188' });
    expect(getConfigError({ COMFYUI_URL: 'http://10.0.0.5:8188', COMFYUI_ALLOW_REMOTE: '0' }).message).toContain('is not on this machine');
  });
});

describe('loadConfig errors', () => {
  it('names the variable, the value and what was expected', () => {
    const error = getConfigError({ COMFYUI_PORT: 'abc' });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('Invalid configuration:\n  COMFYUI_PORT="abc": must be a whole number');
    expect(error.hint).toBe('fix or unset COMFYUI_PORT (see the configuration table in README.md)');
    expect(error.context).toEqual({ variables: ['COMFYUI_PORT'] });
  });

  it('refuses a budget that is not more than 0', () => {
    const error = getConfigError({ GATE_BUDGET_S: '-1' });
    expect(error.message).toBe('Invalid configuration:\n  GATE_BUDGET_S="-1": must be more than 0');
    expect(error.hint).toBe('fix or unset GATE_BUDGET_S (see the configuration table in README.md)');
  });

  it('names every bad variable at once', () => {
    const error = getConfigError({ COMFYUI_PORT: 'abc', GATE_BUDGET_S: '-1' });
    expect(error.message).toBe(
      ['Invalid configuration:', '  COMFYUI_PORT="abc": must be a whole number', '  GATE_BUDGET_S="-1": must be more than 0'].join('\n'),
    );
    expect(error.hint).toBe('fix or unset COMFYUI_PORT, GATE_BUDGET_S (see the configuration table in README.md)');
    expect(error.context).toEqual({ variables: ['COMFYUI_PORT', 'GATE_BUDGET_S'] });
  });

  it.each([
    [{ COMFYUI_PORT: '70000' }, 'COMFYUI_PORT="70000": must be 1-65535'],
    [{ COMFYUI_URL: 'ftp://127.0.0.1:8188' }, 'COMFYUI_URL="ftp://127.0.0.1:8188": must be an http:// URL such as http://127.0.0.1:8188'],
    [{ COMFYUI_ALLOW_REMOTE: 'maybe' }, 'COMFYUI_ALLOW_REMOTE="maybe": must be 1 or 0'],
    [{ COMFYUI_EXPECT_DEVICE: 'rocm' }, 'COMFYUI_EXPECT_DEVICE="rocm": must be one of mps, cuda, cpu'],
    [{ GATE_WIDTH: '500' }, 'GATE_WIDTH="500": must be a multiple of 8'],
    [{ GATE_SEED: '-5' }, 'GATE_SEED="-5": must be a whole number, 0 or more'],
    [{ GATE_GPU_SAMPLER: 'asitop' }, 'GATE_GPU_SAMPLER="asitop": must be one of auto, powermetrics, macmon, ioreg, nvidia-smi, none'],
    [{ GATE_SKIP: 'gpu,bogus' }, 'GATE_SKIP="gpu,bogus": each entry must be one of infra-02, infra-03, infra-05, gpu'],
  ])('refuses %j', (env, line) => {
    expect(getConfigError(env).message).toBe(`Invalid configuration:\n  ${line}`);
  });

  it('says when COMFYUI_DIR does not exist, is a file, or has no main.py', () => {
    const fix = 'set COMFYUI_DIR to your ComfyUI folder, or set COMFYUI_URL=http://127.0.0.1:8188 to attach to a ComfyUI that is already running';

    const missing = join(root, 'missing');
    const missingError = getConfigError({ COMFYUI_DIR: missing });
    expect(missingError.message).toBe(`COMFYUI_DIR="${missing}" does not exist: no ComfyUI to boot`);
    expect(missingError.hint).toBe(fix);
    expect(missingError.context).toEqual({ variable: 'COMFYUI_DIR', value: missing });

    const file = join(root, 'ComfyUI.zip');
    writeFileSync(file, 'PK');
    const fileError = getConfigError({ COMFYUI_DIR: file });
    expect(fileError.message).toBe(`COMFYUI_DIR="${file}" is a file, not a folder`);
    expect(fileError.hint).toBe(fix);

    const empty = join(root, 'empty');
    mkdirSync(empty);
    const emptyError = getConfigError({ COMFYUI_DIR: empty });
    expect(emptyError.message).toBe(`COMFYUI_DIR="${empty}" has no main.py: it does not look like a ComfyUI folder`);
    expect(emptyError.hint).toBe(fix);
  });

  it('resolves a relative COMFYUI_DIR against the working folder', () => {
    expect(load({ COMFYUI_DIR: 'ComfyUI' }).install.comfyuiDir).toBe(comfyui.dir);
    expect(getConfigError({ COMFYUI_DIR: 'nope' }).message).toBe(`COMFYUI_DIR="${join(root, 'nope')}" does not exist: no ComfyUI to boot`);
  });

  it('says when the venv python is missing', () => {
    rmSync(comfyui.python);
    const error = getConfigError({});
    expect(error.message).toBe(`No python at ${comfyui.python} (the venv of COMFYUI_DIR)`);
    expect(error.hint).toBe(
      'create the venv (python3.11 -m venv venv && venv/bin/pip install -r requirements.txt in the ComfyUI folder), or set COMFYUI_PYTHON',
    );
    expect(error.context).toEqual({ variable: 'COMFYUI_DIR', value: comfyui.python });
  });

  it('says when COMFYUI_PYTHON is missing or a folder', () => {
    const missing = join(root, 'bin', 'python3.11');
    const error = getConfigError({ COMFYUI_PYTHON: missing });
    expect(error.message).toBe(`No python at ${missing} (COMFYUI_PYTHON)`);
    expect(error.hint).toBe('set COMFYUI_PYTHON to the python of the venv ComfyUI was installed into');
    expect(error.context).toEqual({ variable: 'COMFYUI_PYTHON', value: missing });

    expect(getConfigError({ COMFYUI_PYTHON: root }).message).toBe(`No python at ${root} (COMFYUI_PYTHON)`);
  });

  it('says when COMFYUI_PYTHON is not executable', () => {
    // Even root cannot execute a file with no x bit at all, so this holds when the tests run as root.
    const locked = createComfyuiFolder(root, 'locked', 0o644).python;
    const error = getConfigError({ COMFYUI_PYTHON: locked });
    expect(error.message).toBe(`${locked} is not executable`);
    expect(error.hint).toBe(`chmod +x ${locked}, or set COMFYUI_PYTHON to the python of the venv ComfyUI was installed into`);
    expect(error.context).toEqual({ variable: 'COMFYUI_PYTHON', value: locked });
  });

  it('says when GATE_REPORT_DIR cannot be written', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const reportDir = join(file, 'reports');
    const error = getConfigError({ GATE_REPORT_DIR: reportDir });
    expect(error.message).toBe(`GATE_REPORT_DIR="${reportDir}" cannot be written`);
    expect(error.hint).toBe('set GATE_REPORT_DIR to a folder you can write to');
    expect(error.context).toEqual({ variable: 'GATE_REPORT_DIR', value: reportDir });
    expect(error.cause).toMatchObject({ code: 'ENOTDIR' });
  });
});

describe('getReportDir', () => {
  it('reads GATE_REPORT_DIR on its own, so a report can be written when the rest of the configuration is invalid', () => {
    expect(getReportDir({}, '/work/gate')).toBe('/work/gate/reports');
    expect(getReportDir({ GATE_REPORT_DIR: '  ' }, '/work/gate')).toBe('/work/gate/reports');
    expect(getReportDir({ GATE_REPORT_DIR: 'out', COMFYUI_PORT: 'abc' }, '/work/gate')).toBe('/work/gate/out');
    expect(getReportDir({ GATE_REPORT_DIR: '~/gate-reports' }, '/work/gate')).toBe(expandHome('~/gate-reports'));
  });
});
