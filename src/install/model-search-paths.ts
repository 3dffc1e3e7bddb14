import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { sanitizeLine } from '../text/sanitize.ts';
import { getModelPathArgs } from './comfy-argv.ts';
import { parseExtraModelPaths, type PathEnvironment } from './extra-model-paths.ts';

/** A folder ComfyUI searches, and why it does. */
export interface ModelSearchDir {
  readonly path: string;
  /** "ComfyUI folder", "--base-directory", "extra_model_paths.yaml section a111", "--extra-model-paths-config <file> section <name>". */
  readonly source: string;
}

/** A YAML file ComfyUI reads its extra model folders from. */
export interface ModelPathsConfigFile {
  readonly path: string;
  /** "extra_model_paths.yaml" or "--extra-model-paths-config <file>". */
  readonly label: string;
  /** ComfyUI reads the folder's file only if it exists, but stops at start-up when a --extra-model-paths-config file is missing. */
  readonly required: boolean;
}

/** Where ComfyUI looks before it reads any YAML: its own folder, its base folder, the files to read. */
export interface ModelPathsPlan {
  /** The folder of ComfyUI's main.py, which holds its extra_model_paths.yaml. */
  readonly comfyDir: string;
  /** Where models/ and custom_nodes/ live: --base-directory, else the ComfyUI folder. */
  readonly baseDir: ModelSearchDir;
  readonly configFiles: readonly ModelPathsConfigFile[];
}

/** Every folder kind and the folders ComfyUI searches for it, first match first. */
export interface ModelSearchPaths extends ModelPathsPlan {
  readonly folders: ReadonlyMap<string, readonly ModelSearchDir[]>;
}

export interface ModelSearchInput extends PathEnvironment {
  /** The ComfyUI folder the gate was given (COMFYUI_DIR). */
  readonly comfyDir: string;
  /** The server's argv, script first; undefined when unknown (an old server), which means the folder alone. */
  readonly argv?: readonly string[] | undefined;
  /** The text of each file of `configFiles`, by path; a file left out is one that does not exist. */
  readonly configTexts?: ReadonlyMap<string, string>;
}

export const COMFYUI_FOLDER = 'ComfyUI folder';
export const BASE_DIRECTORY = '--base-directory';

// folder_paths.py: the folders every ComfyUI knows, below <base>/models unless said otherwise.
const DEFAULT_FOLDERS: Readonly<Record<string, readonly string[]>> = {
  checkpoints: ['models/checkpoints'],
  configs: ['models/configs'],
  loras: ['models/loras'],
  vae: ['models/vae'],
  text_encoders: ['models/text_encoders', 'models/clip'],
  diffusion_models: ['models/unet', 'models/diffusion_models'],
  clip_vision: ['models/clip_vision'],
  style_models: ['models/style_models'],
  embeddings: ['models/embeddings'],
  diffusers: ['models/diffusers'],
  vae_approx: ['models/vae_approx'],
  controlnet: ['models/controlnet', 'models/t2i_adapter'],
  gligen: ['models/gligen'],
  upscale_models: ['models/upscale_models'],
  latent_upscale_models: ['models/latent_upscale_models'],
  custom_nodes: ['custom_nodes'],
  hypernetworks: ['models/hypernetworks'],
  photomaker: ['models/photomaker'],
  classifiers: ['models/classifiers'],
  model_patches: ['models/model_patches'],
  audio_encoders: ['models/audio_encoders'],
};

// folder_paths.map_legacy: old names an extra_model_paths.yaml may still use.
const LEGACY_KINDS: Readonly<Record<string, string>> = { unet: 'diffusion_models', clip: 'text_encoders' };

/** ComfyUI's name for a folder kind (`clip` is `text_encoders`, `unet` is `diffusion_models`). */
export function getFolderKind(kind: string): string {
  return LEGACY_KINDS[kind] ?? kind;
}

/**
 * Which folders and files decide where ComfyUI looks, from the folder the gate was given and the
 * server's argv. An absolute main.py in argv (ComfyUI Desktop) names the ComfyUI folder; relative
 * paths in argv are taken from the ComfyUI folder, which ComfyUI is normally started in.
 */
export function getModelPathsPlan(comfyDir: string, argv: readonly string[] | undefined): ModelPathsPlan {
  const args = getModelPathArgs(argv ?? []);
  const script = args.mainScript;
  const dir = script !== undefined && isAbsolute(script) && basename(script) === 'main.py' ? dirname(script) : comfyDir;
  const baseDir = args.baseDirectory === undefined ? { path: dir, source: COMFYUI_FOLDER } : { path: resolve(dir, args.baseDirectory), source: BASE_DIRECTORY };
  const configFiles: ModelPathsConfigFile[] = [
    { path: join(dir, 'extra_model_paths.yaml'), label: 'extra_model_paths.yaml', required: false },
    ...args.extraModelPathsConfigs.map((file) => {
      const path = resolve(dir, file);
      return { path, label: `--extra-model-paths-config ${sanitizeLine(path, 500)}`, required: true };
    }),
  ];
  return { comfyDir: dir, baseDir, configFiles };
}

/**
 * The folders ComfyUI searches for each folder kind, in its order: the built-in folders below the
 * base folder, then the folder's extra_model_paths.yaml, then each --extra-model-paths-config file.
 * A section's folders are appended, or put first when it says `is_default`; a folder already
 * listed is not listed again. Pure: the caller reads the files (see readModelSearchPaths).
 */
export function getModelSearchPaths(input: ModelSearchInput): ModelSearchPaths {
  const plan = getModelPathsPlan(input.comfyDir, input.argv);
  const folders = new Map<string, ModelSearchDir[]>();
  for (const [kind, subdirs] of Object.entries(DEFAULT_FOLDERS)) {
    folders.set(
      kind,
      subdirs.map((subdir) => ({ path: join(plan.baseDir.path, subdir), source: plan.baseDir.source })),
    );
  }
  for (const file of plan.configFiles) {
    const text = input.configTexts?.get(file.path);
    if (text === undefined) continue;
    for (const entry of parseExtraModelPaths(text, file.path, input)) {
      addFolder(folders, getFolderKind(entry.kind), { path: entry.path, source: `${file.label} section ${sanitizeLine(entry.section, 80)}` }, entry.isDefault);
    }
  }
  return { ...plan, folders };
}

/** The folders searched for `kind` (legacy names accepted), first match first; none for a kind ComfyUI does not know. */
export function getSearchDirs(paths: ModelSearchPaths, kind: string): readonly ModelSearchDir[] {
  return paths.folders.get(getFolderKind(kind)) ?? [];
}

/** Folders as a person reads them: `path (source)`, in search order. */
export function describeDirs(dirs: readonly ModelSearchDir[]): string {
  return dirs.length === 0 ? 'none' : dirs.map((dir) => `${dir.path} (${dir.source})`).join(', ');
}

// folder_paths.add_model_folder_path: a known folder only moves to the front, and only for is_default.
function addFolder(folders: Map<string, ModelSearchDir[]>, kind: string, dir: ModelSearchDir, isDefault: boolean): void {
  const list = folders.get(kind) ?? [];
  folders.set(kind, list);
  const index = list.findIndex((known) => known.path === dir.path);
  if (index === -1) {
    if (isDefault) list.unshift(dir);
    else list.push(dir);
  } else if (isDefault && index > 0) {
    list.unshift(...list.splice(index, 1));
  }
}
