import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KohyaSetupError } from '../../../src/install/errors.ts';
import { getDefaultAccelerateConfigPath, readAccelerateConfig } from '../../../src/install/read-accelerate-config.ts';
import { createAccelerateYaml, writeAccelerateConfig } from './fake-kohya.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gate-accelerate-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function getError(promise: Promise<unknown>): Promise<KohyaSetupError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
  if (error instanceof KohyaSetupError) return error;
  throw error;
}

describe('readAccelerateConfig', () => {
  it.each([
    ["mixed_precision: 'no'", { value: 'no', rawText: "'no'", form: 'string', isNo: true }],
    ['mixed_precision: "no"', { value: 'no', rawText: '"no"', form: 'string', isNo: true }],
    // YAML 1.1, as PyYAML reads it for accelerate: unquoted no and off are booleans.
    ['mixed_precision: no', { value: false, rawText: 'no', form: 'boolean', isNo: true }],
    ['mixed_precision: off', { value: false, rawText: 'off', form: 'boolean', isNo: true }],
    ['mixed_precision: false', { value: false, rawText: 'false', form: 'boolean', isNo: true }],
    ['mixed_precision: fp16', { value: 'fp16', rawText: 'fp16', form: 'string', isNo: false }],
    ['mixed_precision: bf16', { value: 'bf16', rawText: 'bf16', form: 'string', isNo: false }],
    ["mixed_precision: 'NO'", { value: 'NO', rawText: "'NO'", form: 'string', isNo: false }],
    ['mixed_precision:', { value: null, rawText: '', form: 'other', isNo: false }],
  ])('reads %s', async (line, expected) => {
    const path = await writeAccelerateConfig(root, 'config.yaml', createAccelerateYaml(line));
    expect(await readAccelerateConfig(path)).toEqual({ path, mixedPrecision: expected });
  });

  it('reports a missing key as undefined', async () => {
    const path = await writeAccelerateConfig(root, 'no-key.yaml', 'compute_environment: LOCAL_MACHINE\n');
    expect(await readAccelerateConfig(path)).toEqual({ path, mixedPrecision: undefined });
  });

  it('throws for broken YAML with the position of the problem', async () => {
    const path = await writeAccelerateConfig(root, 'broken.yaml', 'mixed_precision: [fp16\nnum_processes: 1\n');
    const error = await getError(readAccelerateConfig(path));
    expect(error.code).toBe('ACCELERATE_CONFIG_INVALID');
    expect(error.message).toBe(
      `${path} is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1`,
    );
  });

  it('throws for a file that holds no mapping, or is missing', async () => {
    const empty = await writeAccelerateConfig(root, 'empty.yaml', '');
    expect((await getError(readAccelerateConfig(empty))).message).toBe(`${empty} is empty, not a YAML mapping of settings`);
    const list = await writeAccelerateConfig(root, 'list.yaml', '- fp16\n');
    expect((await getError(readAccelerateConfig(list))).message).toBe(`${list} holds a list, not a YAML mapping of settings`);
    const missing = join(root, 'missing.yaml');
    expect(await getError(readAccelerateConfig(missing))).toMatchObject({
      code: 'ACCELERATE_CONFIG_MISSING',
      message: `accelerate config ${missing} does not exist`,
    });
  });
});

describe('getDefaultAccelerateConfigPath', () => {
  it('follows accelerate: HF_HOME, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(getDefaultAccelerateConfigPath({}, '/Users/me')).toBe('/Users/me/.cache/huggingface/accelerate/default_config.yaml');
    expect(getDefaultAccelerateConfigPath({ XDG_CACHE_HOME: '/var/cache' }, '/Users/me')).toBe('/var/cache/huggingface/accelerate/default_config.yaml');
    expect(getDefaultAccelerateConfigPath({ HF_HOME: '~/hf', XDG_CACHE_HOME: '/var/cache' }, '/Users/me')).toBe('/Users/me/hf/accelerate/default_config.yaml');
  });
});
