import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CustomNodesError } from './errors.ts';
import type { NodePackRequirement, NodePackStatus } from './find-custom-nodes.ts';
import { describeDirs, type ModelSearchDir } from './model-search-paths.ts';

/** A pack's state, and the error that describes it when it is not usable. */
export interface PackFinding extends NodePackStatus {
  readonly error?: CustomNodesError;
}

/** The entries of each custom_nodes folder; undefined for one that cannot be listed. */
export type FolderListings = ReadonlyMap<string, readonly string[] | undefined>;

/** Lists every custom_nodes folder once. */
export async function listFolders(dirs: readonly ModelSearchDir[]): Promise<FolderListings> {
  const listings = new Map<string, readonly string[] | undefined>();
  for (const dir of dirs) listings.set(dir.path, await readdir(dir.path).catch(() => undefined));
  return listings;
}

/** Looks for `pack` in ComfyUI's custom_nodes folders, in order: installed, disabled, half-cloned or missing. */
export async function findNodePack(pack: NodePackRequirement, dirs: readonly ModelSearchDir[], listings: FolderListings): Promise<PackFinding> {
  const names = pack.folderNames.map((name) => name.toLowerCase());
  for (const dir of dirs) {
    const folder = listings.get(dir.path)?.find((entry) => names.includes(entry.toLowerCase()));
    if (folder !== undefined) return getPresentPackStatus(pack, join(dir.path, folder), dir.source);
  }
  for (const dir of dirs) {
    const disabledPath = await findDisabledPack(names, dir.path, listings.get(dir.path) ?? []);
    if (disabledPath === undefined) continue;
    const error = packError('NODE_PACK_DISABLED', `${pack.name} is installed but disabled: ${disabledPath}`, pack, disabledPath);
    return { name: pack.name, state: 'disabled', path: disabledPath, source: dir.source, error };
  }
  const listed = dirs.filter((dir) => listings.get(dir.path) !== undefined);
  const where =
    listed.length === 0
      ? `${describeDirs(dirs)} ${dirs.length === 1 ? 'does' : 'do'} not exist`
      : `no folder named ${pack.folderNames.join(' or ')} in ${describeDirs(listed)}`;
  const error = packError('NODE_PACK_MISSING', `${pack.name} is not installed: ${where}`, pack, dirs[0]?.path ?? '');
  return { name: pack.name, state: 'missing', path: undefined, error };
}

// ComfyUI-Manager disables a pack by renaming it `<name>.disabled` (older versions) or by moving it
// into custom_nodes/.disabled/, where newer versions append `@<version>` to the folder name.
async function findDisabledPack(names: readonly string[], customNodesDir: string, entries: readonly string[]): Promise<string | undefined> {
  const renamed = entries.find((entry) => names.some((name) => entry.toLowerCase() === `${name}.disabled`));
  if (renamed !== undefined) return join(customNodesDir, renamed);
  const disabledDir = join(customNodesDir, '.disabled');
  const moved = (await readdir(disabledDir).catch(() => [] as string[])).find((entry) => names.includes(entry.toLowerCase().replace(/@[^@]*$/, '')));
  return moved === undefined ? undefined : join(disabledDir, moved);
}

// ComfyUI imports a pack through its __init__.py; a folder without one (an interrupted clone) loads nothing.
async function getPresentPackStatus(pack: NodePackRequirement, path: string, source: string): Promise<PackFinding> {
  const init = await stat(join(path, '__init__.py')).catch(() => undefined);
  if (init?.isFile() === true) return { name: pack.name, state: 'installed', path, source };
  const error = packError('NODE_PACK_INCOMPLETE', `${pack.name} at ${path} has no __init__.py, so ComfyUI will not load it`, pack, path);
  return { name: pack.name, state: 'incomplete', path, source, error };
}

function packError(
  code: 'NODE_PACK_MISSING' | 'NODE_PACK_DISABLED' | 'NODE_PACK_INCOMPLETE',
  message: string,
  pack: NodePackRequirement,
  path: string,
): CustomNodesError {
  const hints = {
    NODE_PACK_MISSING: `install ${pack.name} into custom_nodes (git clone, or through ComfyUI-Manager), then restart ComfyUI`,
    NODE_PACK_DISABLED: `enable ${pack.name} in ComfyUI-Manager (or move its folder back into custom_nodes), then restart ComfyUI`,
    NODE_PACK_INCOMPLETE: `delete the folder and install ${pack.name} again`,
  };
  return new CustomNodesError(code, message, { hint: hints[code], context: { pack: pack.name, path } });
}
