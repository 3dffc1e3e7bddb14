import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelPathsError } from '../../../src/install/errors.ts';
import { getSearchDirs } from '../../../src/install/model-search-paths.ts';
import { readModelSearchPaths } from '../../../src/install/read-model-search-paths.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gate-model-paths-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function createComfy(name: string, yaml?: string): Promise<string> {
  const comfyDir = join(root, name);
  await mkdir(comfyDir, { recursive: true });
  if (yaml !== undefined) await writeFile(join(comfyDir, 'extra_model_paths.yaml'), yaml);
  return comfyDir;
}

async function getError(promise: Promise<unknown>): Promise<ModelPathsError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
  if (error instanceof ModelPathsError) return error;
  throw error;
}

describe('readModelSearchPaths', () => {
  it("reads the folder's extra_model_paths.yaml, expanding ~ from the given home", async () => {
    const comfyDir = await createComfy('with-yaml', 'mine:\n  base_path: ~/models\n  checkpoints: ckpt\n');
    const paths = await readModelSearchPaths(comfyDir, ['main.py'], { homeDir: '/home/me' });
    expect(getSearchDirs(paths, 'checkpoints')).toEqual([
      { path: join(comfyDir, 'models/checkpoints'), source: 'ComfyUI folder' },
      { path: '/home/me/models/ckpt', source: 'extra_model_paths.yaml section mine' },
    ]);
  });

  it('does without the folder YAML when there is none, or when it is not a file, as ComfyUI does', async () => {
    const plain = await createComfy('plain');
    expect(getSearchDirs(await readModelSearchPaths(plain, undefined), 'checkpoints')).toEqual([
      { path: join(plain, 'models/checkpoints'), source: 'ComfyUI folder' },
    ]);
    const odd = await createComfy('odd');
    await mkdir(join(odd, 'extra_model_paths.yaml'));
    expect(getSearchDirs(await readModelSearchPaths(odd, undefined), 'checkpoints')).toHaveLength(1);
    expect(getSearchDirs(await readModelSearchPaths(join(root, 'nowhere'), undefined), 'checkpoints')).toHaveLength(1);
  });

  it('reads every --extra-model-paths-config, and fails naming one that is missing', async () => {
    const comfyDir = await createComfy('with-config');
    const config = join(root, 'desktop.yaml');
    await writeFile(config, 'comfyui_desktop:\n  is_default: "true"\n  base_path: /data\n  checkpoints: models/checkpoints/\n');
    const paths = await readModelSearchPaths(comfyDir, ['main.py', '--extra-model-paths-config', config]);
    expect(getSearchDirs(paths, 'checkpoints')[0]).toEqual({
      path: '/data/models/checkpoints',
      source: `--extra-model-paths-config ${config} section comfyui_desktop`,
    });

    const missing = join(root, 'gone.yaml');
    const error = await getError(readModelSearchPaths(comfyDir, ['main.py', '--extra-model-paths-config', missing]));
    expect(error.code).toBe('MODEL_PATHS_CONFIG_UNREADABLE');
    expect(error.message).toBe(`--extra-model-paths-config ${missing}: ${missing} cannot be read: it does not exist`);
    expect(error.hint).toBe(
      `ComfyUI was started with --extra-model-paths-config ${missing}; make that file readable by this user (or restart ComfyUI without it)`,
    );
  });

  it('fails on broken YAML with the file and line, and on a file too large to be one', async () => {
    const broken = await createComfy('broken', 'comfyui:\n  checkpoints: [models/checkpoints\n  vae: models/vae\n');
    const error = await getError(readModelSearchPaths(broken, ['main.py']));
    expect(error.code).toBe('MODEL_PATHS_CONFIG_INVALID');
    expect(error.message).toMatch(new RegExp(`^${join(broken, 'extra_model_paths.yaml')} line \\d+: not valid YAML: `));

    const large = await createComfy('large', `# ${'x'.repeat(2000)}\n`);
    const tooLarge = await getError(readModelSearchPaths(large, ['main.py'], { maxBytes: 1000 }));
    expect(tooLarge.code).toBe('MODEL_PATHS_CONFIG_TOO_LARGE');
    expect(tooLarge.message).toBe(`${join(large, 'extra_model_paths.yaml')} is 2003 bytes, more than the 1000 bytes a model-paths file may have`);
  });
});
