import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomNodesError } from '../../../src/install/errors.ts';
import { findCustomNodes, getFoundLocations } from '../../../src/install/find-custom-nodes.ts';
import { getModelSearchPaths } from '../../../src/install/model-search-paths.ts';

const ANNOTATOR = 'custom_nodes/comfyui_controlnet_aux/ckpts/lllyasviel/Annotators/body_pose_model.pth';
const CONTROLNET = 'models/controlnet/control_v11p_sd15_openpose.pth';

const DEFAULT_ANNOTATOR_ONLY = [{ label: 'Annotator', paths: [ANNOTATOR], hint: 'download it' }];

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gate-nodes-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// Sparse files: a 5 MiB "model" costs no disk and no time.
async function writeModel(path: string, bytes = 5 * 1024 * 1024): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'w');
  await handle.truncate(bytes);
  await handle.close();
}

async function writePack(comfyDir: string, folder: string, withInit = true): Promise<void> {
  await mkdir(join(comfyDir, folder), { recursive: true });
  if (withInit) await writeFile(join(comfyDir, folder, '__init__.py'), 'NODE_CLASS_MAPPINGS = {}\n');
}

async function createComfy(name: string): Promise<string> {
  const comfyDir = join(root, name);
  await mkdir(comfyDir);
  return comfyDir;
}

describe('findCustomNodes', () => {
  it('passes a complete install, matching pack folders case-insensitively', async () => {
    const comfyDir = await createComfy('complete');
    await writePack(comfyDir, 'custom_nodes/ComfyUI-Manager');
    await writePack(comfyDir, 'custom_nodes/comfyui_controlnet_aux');
    await writeModel(join(comfyDir, ANNOTATOR));
    await writeModel(join(comfyDir, CONTROLNET));
    expect(await findCustomNodes(comfyDir)).toEqual({
      ok: true,
      comfyDir,
      nodePacks: [
        { name: 'ComfyUI-Manager', state: 'installed', path: join(comfyDir, 'custom_nodes/ComfyUI-Manager'), source: 'ComfyUI folder' },
        { name: 'comfyui_controlnet_aux', state: 'installed', path: join(comfyDir, 'custom_nodes/comfyui_controlnet_aux'), source: 'ComfyUI folder' },
      ],
      models: [
        { label: 'OpenPose annotator body_pose_model.pth', path: join(comfyDir, ANNOTATOR), bytes: 5 * 1024 * 1024, source: 'ComfyUI folder' },
        { label: 'ControlNet OpenPose model', path: join(comfyDir, CONTROLNET), bytes: 5 * 1024 * 1024, source: 'ComfyUI folder' },
      ],
      missing: [],
      findings: [],
    });
  });

  it('lists exactly what an empty ComfyUI folder lacks', async () => {
    const comfyDir = await createComfy('empty');
    const result = await findCustomNodes(comfyDir);
    expect(result.ok).toBe(false);
    expect(result.missing).toEqual(['ComfyUI-Manager', 'comfyui_controlnet_aux', 'OpenPose annotator body_pose_model.pth', 'ControlNet OpenPose model']);
    expect(result.findings.map(({ code, message }) => ({ code, message }))).toEqual([
      { code: 'NODE_PACK_MISSING', message: `ComfyUI-Manager is not installed: ${comfyDir}/custom_nodes (ComfyUI folder) does not exist` },
      { code: 'NODE_PACK_MISSING', message: `comfyui_controlnet_aux is not installed: ${comfyDir}/custom_nodes (ComfyUI folder) does not exist` },
      {
        code: 'MODEL_MISSING',
        message: `OpenPose annotator body_pose_model.pth is missing: ${comfyDir}/${ANNOTATOR} (ComfyUI folder) does not exist`,
      },
      {
        code: 'MODEL_MISSING',
        // ComfyUI's controlnet folders: models/t2i_adapter is one too.
        message: `ControlNet OpenPose model is missing: no model file matching /openpose/i in ${comfyDir}/models/controlnet (ComfyUI folder), ${comfyDir}/models/t2i_adapter (ComfyUI folder)`,
      },
    ]);
  });

  it('tells a disabled or half-cloned pack from a missing one', async () => {
    const comfyDir = await createComfy('disabled');
    await writePack(comfyDir, 'custom_nodes/.disabled/comfyui-manager@3_37');
    await writePack(comfyDir, 'custom_nodes/comfyui_controlnet_aux', false);
    await writePack(comfyDir, 'custom_nodes/was-node-suite-comfyui');
    await writeModel(join(comfyDir, ANNOTATOR));
    await writeModel(join(comfyDir, CONTROLNET));
    const result = await findCustomNodes(comfyDir);
    expect(result.nodePacks.map(({ name, state }) => ({ name, state }))).toEqual([
      { name: 'ComfyUI-Manager', state: 'disabled' },
      { name: 'comfyui_controlnet_aux', state: 'incomplete' },
    ]);
    expect(result.findings.map(({ code, message }) => ({ code, message }))).toEqual([
      { code: 'NODE_PACK_DISABLED', message: `ComfyUI-Manager is installed but disabled: ${comfyDir}/custom_nodes/.disabled/comfyui-manager@3_37` },
      {
        code: 'NODE_PACK_INCOMPLETE',
        message: `comfyui_controlnet_aux at ${comfyDir}/custom_nodes/comfyui_controlnet_aux has no __init__.py, so ComfyUI will not load it`,
      },
    ]);

    const renamed = await createComfy('renamed');
    await writePack(renamed, 'custom_nodes/ComfyUI-Manager.disabled');
    const renamedResult = await findCustomNodes(renamed, { models: [] });
    expect(renamedResult.findings[0]?.message).toBe(`ComfyUI-Manager is installed but disabled: ${renamed}/custom_nodes/ComfyUI-Manager.disabled`);
    expect(renamedResult.findings[1]?.message).toBe(
      `comfyui_controlnet_aux is not installed: no folder named comfyui_controlnet_aux in ${renamed}/custom_nodes (ComfyUI folder)`,
    );
  });

  it('finds the ControlNet model in a subfolder under any case, and refuses a stub download', async () => {
    const comfyDir = await createComfy('models');
    await writePack(comfyDir, 'custom_nodes/comfyui-manager');
    await writePack(comfyDir, 'custom_nodes/comfyui_controlnet_aux');
    await writeModel(join(comfyDir, ANNOTATOR), 1234);
    await writeModel(join(comfyDir, 'models/controlnet/sd15/OpenPose_fp16.safetensors'));
    await writeModel(join(comfyDir, 'models/controlnet/openpose-notes.txt'));
    const result = await findCustomNodes(comfyDir);
    expect(result.models[1]).toEqual({
      label: 'ControlNet OpenPose model',
      path: join(comfyDir, 'models/controlnet/sd15/OpenPose_fp16.safetensors'),
      bytes: 5 * 1024 * 1024,
      source: 'ComfyUI folder',
    });
    expect(result.findings.map(({ code, message }) => ({ code, message }))).toEqual([
      {
        code: 'MODEL_TOO_SMALL',
        message: `OpenPose annotator body_pose_model.pth is unusable: ${comfyDir}/${ANNOTATOR} is only 1234 bytes (a model has at least 1048576); an interrupted download?`,
      },
    ]);
  });

  it('checks only what it is told to', async () => {
    const comfyDir = await createComfy('custom');
    await writePack(comfyDir, 'custom_nodes/ComfyUI-Impact-Pack');
    await writeModel(join(comfyDir, 'models/checkpoints/anything-v5-PrtRE.safetensors'), 10);
    const result = await findCustomNodes(comfyDir, {
      nodePacks: [{ name: 'Impact Pack', folderNames: ['comfyui-impact-pack'] }],
      models: [{ label: 'Anything V5', paths: ['models/checkpoints/anything-v5-PrtRE.safetensors'], hint: 'download it' }],
      minModelBytes: 1,
    });
    expect(result).toMatchObject({ ok: true, missing: [] });
  });

  it('looks where ComfyUI looks: custom nodes below --base-directory, models in folders an extra_model_paths.yaml adds', async () => {
    const comfyDir = await createComfy('app');
    const base = await createComfy('desktop-data');
    const shared = await createComfy('shared-models');
    await writePack(base, 'custom_nodes/ComfyUI-Manager');
    await writePack(base, 'custom_nodes/comfyui_controlnet_aux');
    await writeModel(join(base, ANNOTATOR));
    await writeModel(join(shared, 'cn/control_v11p_sd15_openpose.pth'));
    const searchPaths = getModelSearchPaths({
      comfyDir,
      argv: ['main.py', '--base-directory', base],
      configTexts: new Map([[join(comfyDir, 'extra_model_paths.yaml'), `shared:\n  base_path: ${shared}\n  controlnet: cn\n`]]),
    });
    const result = await findCustomNodes(comfyDir, { searchPaths });
    expect(result.ok).toBe(true);
    expect(getFoundLocations(result)).toEqual([
      { name: 'ComfyUI-Manager', path: join(base, 'custom_nodes/ComfyUI-Manager'), source: '--base-directory' },
      { name: 'comfyui_controlnet_aux', path: join(base, 'custom_nodes/comfyui_controlnet_aux'), source: '--base-directory' },
      { name: 'OpenPose annotator body_pose_model.pth', path: join(base, ANNOTATOR), source: '--base-directory' },
      { name: 'ControlNet OpenPose model', path: join(shared, 'cn/control_v11p_sd15_openpose.pth'), source: 'extra_model_paths.yaml section shared' },
    ]);
  });

  it('names every folder it searched for a file, and leaves what is missing out of the locations', async () => {
    const comfyDir = await createComfy('two-node-folders');
    const extra = join(root, 'extra-nodes');
    await writePack(comfyDir, 'custom_nodes/ComfyUI-Manager');
    const searchPaths = getModelSearchPaths({
      comfyDir,
      configTexts: new Map([[join(comfyDir, 'extra_model_paths.yaml'), `more:\n  custom_nodes: ${extra}\n`]]),
    });
    const result = await findCustomNodes(comfyDir, { searchPaths, models: DEFAULT_ANNOTATOR_ONLY });
    expect(result.findings.map((finding) => finding.message)).toEqual([
      `comfyui_controlnet_aux is not installed: no folder named comfyui_controlnet_aux in ${comfyDir}/custom_nodes (ComfyUI folder)`,
      `Annotator is missing: none of ${comfyDir}/${ANNOTATOR} (ComfyUI folder), ${extra}/comfyui_controlnet_aux/ckpts/lllyasviel/Annotators/body_pose_model.pth (extra_model_paths.yaml section more) exists`,
    ]);
    expect(getFoundLocations(result)).toEqual([{ name: 'ComfyUI-Manager', path: join(comfyDir, 'custom_nodes/ComfyUI-Manager'), source: 'ComfyUI folder' }]);
  });

  it('throws naming --base-directory when the folder ComfyUI was started with is gone', async () => {
    const base = join(root, 'unmounted');
    const searchPaths = getModelSearchPaths({ comfyDir: join(root, 'nowhere-app'), argv: ['main.py', '--base-directory', base] });
    await expect(findCustomNodes(searchPaths.comfyDir, { searchPaths })).rejects.toMatchObject({
      code: 'COMFYUI_DIR_MISSING',
      message: `ComfyUI's --base-directory ${base} does not exist`,
    });
  });

  it('throws when the ComfyUI folder itself is missing', async () => {
    const comfyDir = join(root, 'nowhere');
    const error: unknown = await findCustomNodes(comfyDir).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(CustomNodesError);
    expect(error).toMatchObject({ code: 'COMFYUI_DIR_MISSING', message: `ComfyUI folder ${comfyDir} does not exist` });
  });
});
