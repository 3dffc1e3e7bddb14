import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../../src/install/errors.ts';
import { findCheckpoint } from '../../../src/install/find-checkpoint.ts';
import { getModelSearchPaths } from '../../../src/install/model-search-paths.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gate-find-checkpoint-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function writeFileIn(path: string, bytes = 10): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, Buffer.alloc(bytes));
}

describe('findCheckpoint', () => {
  it('finds the checkpoint in the first folder that has it, and says why ComfyUI looks there', async () => {
    const comfyDir = join(root, 'ComfyUI');
    const shared = join(root, 'shared');
    await writeFileIn(join(shared, 'ckpt', 'anything.safetensors'), 20);
    await writeFileIn(join(shared, 'ckpt', 'sd15', 'nested.safetensors'));
    const paths = getModelSearchPaths({
      comfyDir,
      configTexts: new Map([[join(comfyDir, 'extra_model_paths.yaml'), `shared:\n  base_path: ${shared}\n  checkpoints: ckpt\n`]]),
    });
    expect(await findCheckpoint(paths, 'anything.safetensors')).toEqual({
      path: join(shared, 'ckpt', 'anything.safetensors'),
      bytes: 20,
      source: 'extra_model_paths.yaml section shared',
    });
    expect((await findCheckpoint(paths, 'sd15/nested.safetensors')).path).toBe(join(shared, 'ckpt', 'sd15', 'nested.safetensors'));

    // The ComfyUI folder comes first when both have it.
    await writeFileIn(join(comfyDir, 'models', 'checkpoints', 'anything.safetensors'), 30);
    expect(await findCheckpoint(paths, 'anything.safetensors')).toMatchObject({ bytes: 30, source: 'ComfyUI folder' });
  });

  it('names every folder it searched when none has it, and never leaves them', async () => {
    const comfyDir = join(root, 'empty');
    await writeFileIn(join(root, 'outside.safetensors'));
    const paths = getModelSearchPaths({ comfyDir, argv: ['main.py', '--base-directory', join(root, 'data')] });
    const error: unknown = await findCheckpoint(paths, '../../outside.safetensors').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error).toMatchObject({
      code: 'CHECKPOINT_MISSING',
      message: `../../outside.safetensors is not in any folder ComfyUI searches for checkpoints: ${join(root, 'data', 'models', 'checkpoints')} (--base-directory)`,
      hint: `ComfyUI was started with --base-directory ${join(root, 'data')}, which does not exist: mount the disk that holds it, then restart ComfyUI`,
    });
  });

  it('tells a missing download from a wrong COMFYUI_DIR', async () => {
    const comfyDir = join(root, 'installed');
    await mkdir(join(comfyDir, 'models', 'checkpoints'), { recursive: true });
    await expect(findCheckpoint(getModelSearchPaths({ comfyDir }), 'model.safetensors')).rejects.toMatchObject({
      hint: `download it into ${join(comfyDir, 'models', 'checkpoints')}, or name the folder that holds it under checkpoints: in ${join(comfyDir, 'extra_model_paths.yaml')}; then restart ComfyUI`,
    });
    const wrong = join(root, 'tools', 'ComfyUI');
    await expect(findCheckpoint(getModelSearchPaths({ comfyDir: wrong }), 'model.safetensors')).rejects.toMatchObject({
      message: `model.safetensors is not in any folder ComfyUI searches for checkpoints: ${wrong}/models/checkpoints (ComfyUI folder)`,
      hint: `${wrong} does not exist: set COMFYUI_DIR to the folder ComfyUI runs from (the one holding main.py)`,
    });
  });
});
