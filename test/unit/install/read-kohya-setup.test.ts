import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KohyaSetupError } from '../../../src/install/errors.ts';
import { readKohyaSetup } from '../../../src/install/read-kohya-setup.ts';
import { PYTHON_3_10, createAccelerateYaml, createFakeKohya, writeAccelerateConfig } from './fake-kohya.ts';

const MIXED_PRECISION_HINT = "run `accelerate config` in the kohya_ss venv and answer 'no' for mixed precision, or edit the file to read mixed_precision: 'no'";

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gate-kohya-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readKohyaSetup', () => {
  it('passes a venv that runs and mixed_precision no, saying which form it found', async () => {
    const kohyaDir = await createFakeKohya(root, 'good', PYTHON_3_10);
    const configPath = await writeAccelerateConfig(root, 'good.yaml', createAccelerateYaml("mixed_precision: 'no'"));
    expect(await readKohyaSetup({ kohyaDir, configPath })).toEqual({
      ok: true,
      findings: [],
      kohyaDir,
      pythonPath: join(kohyaDir, 'venv', 'bin', 'python'),
      pythonVersion: '3.10.14',
      configPath,
      mixedPrecision: { value: 'no', rawText: "'no'", form: 'string', isNo: true },
    });
  });

  it('accepts unquoted no as the boolean a YAML 1.1 reader sees', async () => {
    const kohyaDir = await createFakeKohya(root, 'unquoted', PYTHON_3_10);
    const configPath = await writeAccelerateConfig(root, 'unquoted.yaml', createAccelerateYaml('mixed_precision: no'));
    const result = await readKohyaSetup({ kohyaDir, configPath });
    expect(result.ok).toBe(true);
    expect(result.mixedPrecision).toEqual({ value: false, rawText: 'no', form: 'boolean', isNo: true });
  });

  it('uses .venv when there is no venv', async () => {
    const kohyaDir = await createFakeKohya(root, 'uv', PYTHON_3_10, '.venv');
    const configPath = await writeAccelerateConfig(root, 'uv.yaml', createAccelerateYaml("mixed_precision: 'no'"));
    const result = await readKohyaSetup({ kohyaDir, configPath });
    expect(result).toMatchObject({ ok: true, pythonPath: join(kohyaDir, '.venv', 'bin', 'python'), pythonVersion: '3.10.14' });
  });

  it.each(['fp16', 'bf16'])('fails mixed_precision %s naming the file, key and value', async (value) => {
    const kohyaDir = await createFakeKohya(root, `mp-${value}`, PYTHON_3_10);
    const configPath = await writeAccelerateConfig(root, `${value}.yaml`, createAccelerateYaml(`mixed_precision: ${value}`));
    const result = await readKohyaSetup({ kohyaDir, configPath });
    expect(result.ok).toBe(false);
    expect(result.pythonVersion).toBe('3.10.14');
    expect(result.findings).toEqual([
      {
        code: 'ACCELERATE_MIXED_PRECISION_WRONG',
        message: `${configPath} sets mixed_precision: ${value}; kohya_ss training on MPS needs mixed_precision: 'no'`,
        hint: MIXED_PRECISION_HINT,
      },
    ]);
  });

  it('reports every problem at once: no folder, no config', async () => {
    const kohyaDir = join(root, 'absent');
    const configPath = join(root, 'absent.yaml');
    const result = await readKohyaSetup({ kohyaDir, configPath });
    expect(result).toMatchObject({ ok: false, pythonVersion: undefined, mixedPrecision: undefined });
    expect(result.findings.map(({ code, message }) => ({ code, message }))).toEqual([
      { code: 'KOHYA_DIR_MISSING', message: `kohya_ss folder ${kohyaDir} does not exist` },
      { code: 'ACCELERATE_CONFIG_MISSING', message: `accelerate config ${configPath} does not exist` },
    ]);
  });

  it('reports a venv python that is not executable, or missing, beside a missing key', async () => {
    const locked = await createFakeKohya(root, 'locked', { kind: 'not-executable' });
    const noKey = await writeAccelerateConfig(root, 'no-key.yaml', 'compute_environment: LOCAL_MACHINE\n');
    const lockedResult = await readKohyaSetup({ kohyaDir: locked, configPath: noKey });
    expect(lockedResult.findings.map(({ code, message }) => ({ code, message }))).toEqual([
      { code: 'KOHYA_PYTHON_NOT_EXECUTABLE', message: `${join(locked, 'venv', 'bin', 'python')} is not executable` },
      {
        code: 'ACCELERATE_MIXED_PRECISION_MISSING',
        message: `${noKey} does not set mixed_precision; kohya_ss training on MPS needs mixed_precision: 'no'`,
      },
    ]);

    const empty = join(root, 'no-venv');
    await mkdir(empty);
    const good = await writeAccelerateConfig(root, 'fine.yaml', createAccelerateYaml("mixed_precision: 'no'"));
    const missingResult = await readKohyaSetup({ kohyaDir: empty, configPath: good });
    expect(missingResult.findings.map(({ code, message }) => ({ code, message }))).toEqual([
      { code: 'KOHYA_PYTHON_MISSING', message: `${join(empty, 'venv', 'bin', 'python')} does not exist` },
    ]);
  });

  it('throws for a config it cannot parse', async () => {
    const kohyaDir = await createFakeKohya(root, 'broken', PYTHON_3_10);
    const configPath = join(root, 'broken.yaml');
    await writeFile(configPath, 'mixed_precision: "no\n');
    const error: unknown = await readKohyaSetup({ kohyaDir, configPath }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(KohyaSetupError);
    expect((error as KohyaSetupError).code).toBe('ACCELERATE_CONFIG_INVALID');
  });

  it('finds the defaults under the home folder', async () => {
    const home = join(root, 'home');
    const kohyaDir = await createFakeKohya(join(home, 'tools'), 'kohya_ss', PYTHON_3_10);
    const configDir = join(home, '.cache', 'huggingface', 'accelerate');
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, 'default_config.yaml'), createAccelerateYaml("mixed_precision: 'no'"));
    const result = await readKohyaSetup({ homeDir: home, env: {} });
    expect(result).toMatchObject({ ok: true, kohyaDir, configPath: join(configDir, 'default_config.yaml') });
  });
});
