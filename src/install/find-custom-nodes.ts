import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CustomNodesError } from './errors';
import { createFinding } from './finding';
import type { Finding } from './finding';
import { findExactFiles, findMatchingModelFiles } from './find-model-file';
import type { ModelFileMatch } from './find-model-file';

/** A custom node pack: found when custom_nodes/ has a folder with one of these names, compared case-insensitively. */
export interface NodePackRequirement {
  readonly name: string;
  readonly folderNames: readonly string[];
}

/** A model file: found at one of `paths`, or as a model file matching `namePattern` below `searchDirs` (all relative to the ComfyUI folder). */
export interface ModelRequirement {
  readonly label: string;
  readonly paths?: readonly string[];
  readonly searchDirs?: readonly string[];
  readonly namePattern?: RegExp;
  /** What to do when it is missing. */
  readonly hint: string;
}

export interface CustomNodesOptions {
  readonly nodePacks?: readonly NodePackRequirement[];
  readonly models?: readonly ModelRequirement[];
  /** A smaller file is an interrupted download, not a model. */
  readonly minModelBytes?: number;
}

export interface NodePackStatus {
  readonly name: string;
  readonly state: 'installed' | 'missing' | 'disabled' | 'incomplete';
  /** The folder that was found (for 'disabled', where it was moved to); undefined when missing. */
  readonly path: string | undefined;
}

export interface ModelStatus {
  readonly label: string;
  readonly path: string | undefined;
  readonly bytes: number | undefined;
}

/** INFRA-05: which node packs and models are there, and one finding per thing that is missing. */
export interface CustomNodesCheck {
  readonly ok: boolean;
  readonly comfyDir: string;
  readonly nodePacks: readonly NodePackStatus[];
  readonly models: readonly ModelStatus[];
  /** Names and labels of everything missing or unusable, in check order. */
  readonly missing: readonly string[];
  readonly findings: readonly Finding[];
}

export const DEFAULT_NODE_PACKS: readonly NodePackRequirement[] = [
  { name: 'ComfyUI-Manager', folderNames: ['comfyui-manager'] },
  { name: 'comfyui_controlnet_aux', folderNames: ['comfyui_controlnet_aux'] },
];

// INFRA-05's "OpenPose model present" needs two files: the annotator OpenposePreprocessor runs to turn
// a photo into a pose skeleton, and the ControlNet model that turns the skeleton into guidance.
export const DEFAULT_MODEL_REQUIREMENTS: readonly ModelRequirement[] = [
  {
    label: 'OpenPose annotator body_pose_model.pth',
    paths: ['custom_nodes/comfyui_controlnet_aux/ckpts/lllyasviel/Annotators/body_pose_model.pth'],
    hint: 'run an OpenposePreprocessor node once (comfyui_controlnet_aux downloads it), or fetch body_pose_model.pth from lllyasviel/Annotators on Hugging Face into that folder',
  },
  {
    label: 'ControlNet OpenPose model',
    searchDirs: ['models/controlnet'],
    namePattern: /openpose/i,
    hint: 'download control_v11p_sd15_openpose.pth from lllyasviel/ControlNet-v1-1 on Hugging Face into models/controlnet',
  },
];

export const DEFAULT_MIN_MODEL_BYTES = 1024 * 1024;

/** Checks a ComfyUI folder for the custom node packs and model files INFRA-05 needs; throws only when the folder itself is missing. */
export async function findCustomNodes(comfyDir: string, options: CustomNodesOptions = {}): Promise<CustomNodesCheck> {
  await validateComfyDir(comfyDir);
  const minBytes = options.minModelBytes ?? DEFAULT_MIN_MODEL_BYTES;
  const customNodesDir = join(comfyDir, 'custom_nodes');
  const entries = await readdir(customNodesDir).catch(() => undefined);
  const findings: Finding[] = [];
  const missing: string[] = [];
  const report = (name: string, error: CustomNodesError): void => {
    missing.push(name);
    findings.push(createFinding(error));
  };

  const nodePacks: NodePackStatus[] = [];
  for (const pack of options.nodePacks ?? DEFAULT_NODE_PACKS) {
    const folder = entries?.find((entry) => pack.folderNames.some((name) => name.toLowerCase() === entry.toLowerCase()));
    const path = folder === undefined ? undefined : join(customNodesDir, folder);
    const status = path === undefined ? await getAbsentPackStatus(pack, customNodesDir, entries) : await getPresentPackStatus(pack, path);
    if (status.error !== undefined) report(pack.name, status.error);
    nodePacks.push({ name: pack.name, state: status.state, path: status.path });
  }

  const models: ModelStatus[] = [];
  for (const requirement of options.models ?? DEFAULT_MODEL_REQUIREMENTS) {
    const candidates = await findModelCandidates(comfyDir, requirement);
    const usable = candidates.find((candidate) => candidate.bytes >= minBytes);
    if (usable === undefined) report(requirement.label, getModelError(comfyDir, requirement, candidates, minBytes));
    models.push({ label: requirement.label, path: usable?.path, bytes: usable?.bytes });
  }

  return { ok: findings.length === 0, comfyDir, nodePacks, models, missing, findings };
}

async function validateComfyDir(comfyDir: string): Promise<void> {
  const stats = await stat(comfyDir).catch(() => undefined);
  if (stats?.isDirectory() === true) return;
  throw new CustomNodesError('COMFYUI_DIR_MISSING', `ComfyUI folder ${comfyDir} ${stats === undefined ? 'does not exist' : 'is not a folder'}`, {
    hint: 'set COMFYUI_DIR to the folder ComfyUI is installed in (the one holding main.py)',
    context: { comfyDir },
  });
}

interface PackFinding {
  readonly state: NodePackStatus['state'];
  readonly path: string | undefined;
  readonly error?: CustomNodesError;
}

async function getAbsentPackStatus(pack: NodePackRequirement, customNodesDir: string, entries: readonly string[] | undefined): Promise<PackFinding> {
  if (entries === undefined) {
    const error = packError('NODE_PACK_MISSING', `${pack.name} is not installed: ${customNodesDir} does not exist`, pack, customNodesDir);
    return { state: 'missing', path: undefined, error };
  }
  const disabledPath = await findDisabledPack(pack, customNodesDir, entries);
  if (disabledPath !== undefined) {
    const error = packError('NODE_PACK_DISABLED', `${pack.name} is installed but disabled: ${disabledPath}`, pack, disabledPath);
    return { state: 'disabled', path: disabledPath, error };
  }
  const folders = pack.folderNames.join(' or ');
  const error = packError('NODE_PACK_MISSING', `${pack.name} is not installed: ${customNodesDir} has no folder named ${folders}`, pack, customNodesDir);
  return { state: 'missing', path: undefined, error };
}

// ComfyUI-Manager disables a pack by renaming it `<name>.disabled` (older versions) or by moving it
// into custom_nodes/.disabled/, where newer versions append `@<version>` to the folder name.
async function findDisabledPack(pack: NodePackRequirement, customNodesDir: string, entries: readonly string[]): Promise<string | undefined> {
  const names = pack.folderNames.map((name) => name.toLowerCase());
  const renamed = entries.find((entry) => names.some((name) => entry.toLowerCase() === `${name}.disabled`));
  if (renamed !== undefined) return join(customNodesDir, renamed);
  const disabledDir = join(customNodesDir, '.disabled');
  const moved = (await readdir(disabledDir).catch(() => [] as string[])).find((entry) =>
    names.includes(entry.toLowerCase().replace(/@[^@]*$/, '')),
  );
  return moved === undefined ? undefined : join(disabledDir, moved);
}

// ComfyUI imports a pack through its __init__.py; a folder without one (an interrupted clone) loads nothing.
async function getPresentPackStatus(pack: NodePackRequirement, path: string): Promise<PackFinding> {
  const init = await stat(join(path, '__init__.py')).catch(() => undefined);
  if (init?.isFile() === true) return { state: 'installed', path };
  const error = packError('NODE_PACK_INCOMPLETE', `${pack.name} at ${path} has no __init__.py, so ComfyUI will not load it`, pack, path);
  return { state: 'incomplete', path, error };
}

function packError(code: 'NODE_PACK_MISSING' | 'NODE_PACK_DISABLED' | 'NODE_PACK_INCOMPLETE', message: string, pack: NodePackRequirement, path: string): CustomNodesError {
  const hints = {
    NODE_PACK_MISSING: `install ${pack.name} into custom_nodes (git clone, or through ComfyUI-Manager), then restart ComfyUI`,
    NODE_PACK_DISABLED: `enable ${pack.name} in ComfyUI-Manager (or move its folder back into custom_nodes), then restart ComfyUI`,
    NODE_PACK_INCOMPLETE: `delete the folder and install ${pack.name} again`,
  };
  return new CustomNodesError(code, message, { hint: hints[code], context: { pack: pack.name, path } });
}

async function findModelCandidates(comfyDir: string, requirement: ModelRequirement): Promise<ModelFileMatch[]> {
  const exact = await findExactFiles((requirement.paths ?? []).map((path) => join(comfyDir, path)));
  const { searchDirs = [], namePattern } = requirement;
  const matched = namePattern === undefined ? [] : await findMatchingModelFiles(searchDirs.map((dir) => join(comfyDir, dir)), namePattern);
  return [...exact, ...matched];
}

function getModelError(comfyDir: string, requirement: ModelRequirement, candidates: readonly ModelFileMatch[], minBytes: number): CustomNodesError {
  const context = { model: requirement.label };
  const [small] = candidates;
  if (small !== undefined) {
    return new CustomNodesError(
      'MODEL_TOO_SMALL',
      `${requirement.label} is unusable: ${small.path} is only ${small.bytes} bytes (a model has at least ${minBytes}); an interrupted download?`,
      { hint: `delete it, then ${requirement.hint}`, context: { ...context, path: small.path } },
    );
  }
  const { paths = [], searchDirs = [], namePattern } = requirement;
  const places = [
    ...paths.map((path) => `${join(comfyDir, path)} does not exist`),
    ...(namePattern === undefined ? [] : searchDirs.map((dir) => `no model file matching ${namePattern} in ${join(comfyDir, dir)}`)),
  ];
  return new CustomNodesError('MODEL_MISSING', `${requirement.label} is missing: ${places.join('; ')}`, {
    hint: requirement.hint,
    context,
  });
}
