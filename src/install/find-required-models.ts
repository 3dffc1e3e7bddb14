import { join } from 'node:path';
import { CustomNodesError } from './errors.ts';
import type { ModelRequirement } from './find-custom-nodes.ts';
import { findExactFiles, findMatchingModelFiles, type ModelFileMatch } from './find-model-file.ts';
import { describeDirs, getSearchDirs, type ModelSearchDir, type ModelSearchPaths } from './model-search-paths.ts';

/**
 * Where a path written relative to the ComfyUI folder really is, in ComfyUI's search order:
 * `models/<kind>/…` in every folder of that kind, `custom_nodes/…` in every custom_nodes folder,
 * anything else below the base folder (the ComfyUI folder unless --base-directory moved it).
 */
export function getCandidatePaths(paths: ModelSearchPaths, relativePath: string): ModelSearchDir[] {
  const [top, kind, ...rest] = relativePath.split('/').filter((part) => part !== '' && part !== '.');
  if (top === 'models' && kind !== undefined) {
    const dirs = getSearchDirs(paths, kind);
    if (dirs.length > 0) return dirs.map((dir) => ({ path: join(dir.path, ...rest), source: dir.source }));
  }
  if (top === 'custom_nodes') {
    return getSearchDirs(paths, 'custom_nodes').map((dir) => ({ path: join(dir.path, ...[kind ?? '', ...rest]), source: dir.source }));
  }
  return [{ path: join(paths.baseDir.path, relativePath), source: paths.baseDir.source }];
}

/** The files that could be `requirement`, in search order: its exact paths first, then matches below its search folders. */
export async function findModelCandidates(paths: ModelSearchPaths, requirement: ModelRequirement): Promise<ModelFileMatch[]> {
  const exact = await findExactFiles((requirement.paths ?? []).flatMap((path) => getCandidatePaths(paths, path)));
  const { searchDirs = [], namePattern } = requirement;
  const matched =
    namePattern === undefined
      ? []
      : await findMatchingModelFiles(
          searchDirs.flatMap((dir) => getCandidatePaths(paths, dir)),
          namePattern,
        );
  return [...exact, ...matched];
}

/** Why no candidate is usable: a stub download, or nothing anywhere ComfyUI looks. */
export function getModelError(
  paths: ModelSearchPaths,
  requirement: ModelRequirement,
  candidates: readonly ModelFileMatch[],
  minBytes: number,
): CustomNodesError {
  const context = { model: requirement.label };
  const [small] = candidates;
  if (small !== undefined) {
    return new CustomNodesError(
      'MODEL_TOO_SMALL',
      `${requirement.label} is unusable: ${small.path} is only ${small.bytes} bytes (a model has at least ${minBytes}); an interrupted download?`,
      { hint: `delete it, then ${requirement.hint}`, context: { ...context, path: small.path } },
    );
  }
  const { paths: exact = [], searchDirs = [], namePattern } = requirement;
  const places = [
    ...exact.map((path) => {
      const candidates = getCandidatePaths(paths, path);
      return candidates.length === 1 ? `${describeDirs(candidates)} does not exist` : `none of ${describeDirs(candidates)} exists`;
    }),
    ...(namePattern === undefined ? [] : searchDirs.map((dir) => `no model file matching ${namePattern} in ${describeDirs(getCandidatePaths(paths, dir))}`)),
  ];
  return new CustomNodesError('MODEL_MISSING', `${requirement.label} is missing: ${places.join('; ')}`, { hint: requirement.hint, context });
}
