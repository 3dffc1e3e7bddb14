import { stat } from 'node:fs/promises';
import { CheckpointError } from './errors.ts';
import { findFirstModelFile, type ModelFileMatch } from './find-model-file.ts';
import { COMFYUI_FOLDER, describeDirs, getSearchDirs, type ModelSearchPaths } from './model-search-paths.ts';

/**
 * Finds checkpoint `name` where ComfyUI's CheckpointLoaderSimple does: in the first checkpoints
 * folder that has it. Throws CHECKPOINT_MISSING naming every folder searched.
 */
export async function findCheckpoint(paths: ModelSearchPaths, name: string): Promise<ModelFileMatch> {
  const dirs = getSearchDirs(paths, 'checkpoints');
  const found = await findFirstModelFile(dirs, name);
  if (found !== undefined) return found;
  throw new CheckpointError('CHECKPOINT_MISSING', `${name} is not in any folder ComfyUI searches for checkpoints: ${describeDirs(dirs)}`, {
    hint: await getMissingHint(paths, dirs[0]?.path),
    context: { checkpoint: name, searched: dirs.map((dir) => dir.path) },
  });
}

// A folder that is not there at all is a wrong COMFYUI_DIR (or an unmounted disk), not a missing download.
async function getMissingHint(paths: ModelSearchPaths, first: string | undefined): Promise<string> {
  const { baseDir } = paths;
  const exists = (await stat(baseDir.path).catch(() => undefined))?.isDirectory() === true;
  if (!exists && baseDir.source === COMFYUI_FOLDER) {
    return `${baseDir.path} does not exist: set COMFYUI_DIR to the folder ComfyUI runs from (the one holding main.py)`;
  }
  if (!exists) return `ComfyUI was started with ${baseDir.source} ${baseDir.path}, which does not exist: mount the disk that holds it, then restart ComfyUI`;
  const config = paths.configFiles[0]?.path ?? 'extra_model_paths.yaml';
  return `download it into ${first ?? 'models/checkpoints'}, or name the folder that holds it under checkpoints: in ${config}; then restart ComfyUI`;
}
