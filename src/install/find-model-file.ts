import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { ModelSearchDir } from './model-search-paths.ts';

/** File endings ComfyUI lists as model files (folder_paths.supported_pt_extensions). */
export const MODEL_EXTENSIONS: readonly string[] = ['.safetensors', '.sft', '.ckpt', '.pt', '.pt2', '.pth', '.bin', '.pkl'];

/** How deep to look below a model folder; ComfyUI lists subfolders, people rarely nest more than two. */
const MAX_SEARCH_DEPTH = 4;

/** A model file that was found, with its size and why ComfyUI looks where it is (the source of its search folder). */
export interface ModelFileMatch {
  readonly path: string;
  readonly bytes: number;
  readonly source: string;
}

/** Files at exactly these paths, in the given order; missing ones are left out. */
export async function findExactFiles(paths: readonly ModelSearchDir[]): Promise<ModelFileMatch[]> {
  const found: ModelFileMatch[] = [];
  for (const { path, source } of paths) {
    const stats = await stat(path).catch(() => undefined);
    if (stats?.isFile() === true) found.push({ path, bytes: stats.size, source });
  }
  return found;
}

/**
 * The file `name` (which may hold subfolders) in the first of `dirs` that has it, as ComfyUI's
 * folder_paths.get_full_path finds it; undefined when none has it.
 */
export async function findFirstModelFile(dirs: readonly ModelSearchDir[], name: string): Promise<ModelFileMatch | undefined> {
  // Like ComfyUI: the name is made relative first, so `../x` cannot leave the folder.
  const inside = relative('/', resolve('/', name));
  for (const dir of dirs) {
    const [found] = await findExactFiles([{ path: join(dir.path, inside), source: dir.source }]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Model files below `dirs` whose path relative to its search folder matches `pattern`: folder by folder, sorted by path within each. */
export async function findMatchingModelFiles(dirs: readonly ModelSearchDir[], pattern: RegExp): Promise<ModelFileMatch[]> {
  const found: ModelFileMatch[] = [];
  for (const dir of dirs) {
    const inDir: ModelFileMatch[] = [];
    await collectMatches(dir, dir.path, pattern, 0, inDir);
    found.push(...inDir.sort((a, b) => a.path.localeCompare(b.path)));
  }
  return found;
}

async function collectMatches(root: ModelSearchDir, dir: string, pattern: RegExp, depth: number, found: ModelFileMatch[]): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const name of entries) {
    const path = join(dir, name);
    // stat, not the dirent type: ComfyUI follows symlinks, and model folders are often symlinked to another disk.
    const stats = await stat(path).catch(() => undefined);
    if (stats === undefined) continue;
    if (stats.isDirectory()) {
      if (depth < MAX_SEARCH_DEPTH) await collectMatches(root, path, pattern, depth + 1, found);
    } else if (stats.isFile() && isModelFile(name) && matches(pattern, relative(root.path, path))) {
      found.push({ path, bytes: stats.size, source: root.source });
    }
  }
}

function isModelFile(name: string): boolean {
  const lower = name.toLowerCase();
  return MODEL_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

// A /g or /y pattern keeps state between test() calls; reset it so every file gets a fair test.
function matches(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}
