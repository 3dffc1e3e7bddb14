import { stat } from 'node:fs/promises';
import { CustomNodesError } from './errors.ts';
import { createFinding } from './finding.ts';
import type { Finding } from './finding.ts';
import { findNodePack, listFolders } from './find-node-packs.ts';
import { findModelCandidates, getModelError } from './find-required-models.ts';
import { COMFYUI_FOLDER, getModelSearchPaths, getSearchDirs, type ModelSearchDir, type ModelSearchPaths } from './model-search-paths.ts';

/** A custom node pack: found when custom_nodes/ has a folder with one of these names, compared case-insensitively. */
export interface NodePackRequirement {
  readonly name: string;
  readonly folderNames: readonly string[];
}

/**
 * A model file: found at one of `paths`, or as a model file matching `namePattern` below `searchDirs`
 * (all written relative to the ComfyUI folder; `models/<kind>/…` and `custom_nodes/…` are looked for
 * wherever ComfyUI looks for that kind).
 */
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
  /** Where ComfyUI looks (readModelSearchPaths); by default its built-in folders below `comfyDir`. */
  readonly searchPaths?: ModelSearchPaths;
}

export interface NodePackStatus {
  readonly name: string;
  readonly state: 'installed' | 'missing' | 'disabled' | 'incomplete';
  /** The folder that was found (for 'disabled', where it was moved to); undefined when missing. */
  readonly path: string | undefined;
  /** Why ComfyUI looks there, e.g. "ComfyUI folder" or "--base-directory"; undefined when missing. */
  readonly source?: string;
}

export interface ModelStatus {
  readonly label: string;
  readonly path: string | undefined;
  readonly bytes: number | undefined;
  /** Why ComfyUI looks there, e.g. "extra_model_paths.yaml section a111"; undefined when missing. */
  readonly source?: string;
}

/** Where something INFRA-05 needs was found. */
export interface FoundLocation {
  readonly name: string;
  readonly path: string;
  readonly source: string;
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

/**
 * Checks the custom node packs and model files INFRA-05 needs wherever ComfyUI looks for them;
 * throws only when the folder they all live below (the ComfyUI folder, or --base-directory) is missing.
 */
export async function findCustomNodes(comfyDir: string, options: CustomNodesOptions = {}): Promise<CustomNodesCheck> {
  const paths = options.searchPaths ?? getModelSearchPaths({ comfyDir });
  await validateBaseDir(paths.baseDir);
  const minBytes = options.minModelBytes ?? DEFAULT_MIN_MODEL_BYTES;
  const findings: Finding[] = [];
  const missing: string[] = [];
  const report = (name: string, error: CustomNodesError): void => {
    missing.push(name);
    findings.push(createFinding(error));
  };

  const customNodesDirs = getSearchDirs(paths, 'custom_nodes');
  const listings = await listFolders(customNodesDirs);
  const nodePacks: NodePackStatus[] = [];
  for (const pack of options.nodePacks ?? DEFAULT_NODE_PACKS) {
    const { error, ...status } = await findNodePack(pack, customNodesDirs, listings);
    if (error !== undefined) report(pack.name, error);
    nodePacks.push(status);
  }

  const models: ModelStatus[] = [];
  for (const requirement of options.models ?? DEFAULT_MODEL_REQUIREMENTS) {
    const candidates = await findModelCandidates(paths, requirement);
    const usable = candidates.find((candidate) => candidate.bytes >= minBytes);
    if (usable === undefined) report(requirement.label, getModelError(paths, requirement, candidates, minBytes));
    models.push({ label: requirement.label, path: usable?.path, bytes: usable?.bytes, ...(usable === undefined ? {} : { source: usable.source }) });
  }

  return { ok: findings.length === 0, comfyDir, nodePacks, models, missing, findings };
}

/** Every installed pack and usable model with where it was found, in check order. */
export function getFoundLocations(check: CustomNodesCheck): FoundLocation[] {
  const packs = check.nodePacks.filter((pack) => pack.state === 'installed').map((pack) => ({ name: pack.name, path: pack.path, source: pack.source }));
  const models = check.models.map((model) => ({ name: model.label, path: model.path, source: model.source }));
  return [...packs, ...models].flatMap(({ name, path, source }) => (path === undefined || source === undefined ? [] : [{ name, path, source }]));
}

async function validateBaseDir(baseDir: ModelSearchDir): Promise<void> {
  const stats = await stat(baseDir.path).catch(() => undefined);
  if (stats?.isDirectory() === true) return;
  const what = baseDir.source === COMFYUI_FOLDER ? `ComfyUI folder ${baseDir.path}` : `ComfyUI's ${baseDir.source} ${baseDir.path}`;
  throw new CustomNodesError('COMFYUI_DIR_MISSING', `${what} ${stats === undefined ? 'does not exist' : 'is not a folder'}`, {
    hint:
      baseDir.source === COMFYUI_FOLDER
        ? 'set COMFYUI_DIR to the folder ComfyUI is installed in (the one holding main.py)'
        : `ComfyUI was started with ${baseDir.source} ${baseDir.path}; check that the disk holding it is mounted, then restart ComfyUI`,
    context: { comfyDir: baseDir.path },
  });
}
