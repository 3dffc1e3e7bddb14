import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** File endings ComfyUI lists as model files (folder_paths.supported_pt_extensions). */
export const MODEL_EXTENSIONS: readonly string[] = ['.safetensors', '.sft', '.ckpt', '.pt', '.pt2', '.pth', '.bin', '.pkl'];

/** How deep to look below a model folder; ComfyUI lists subfolders, people rarely nest more than two. */
const MAX_SEARCH_DEPTH = 4;

/** A model file that was found, with its size. */
export interface ModelFileMatch {
  readonly path: string;
  readonly bytes: number;
}

/** Files at exactly these paths, in the given order; missing ones are left out. */
export async function findExactFiles(paths: readonly string[]): Promise<ModelFileMatch[]> {
  const found: ModelFileMatch[] = [];
  for (const path of paths) {
    const stats = await stat(path).catch(() => undefined);
    if (stats?.isFile() === true) found.push({ path, bytes: stats.size });
  }
  return found;
}

/** Model files below `dirs` whose path relative to its search folder matches `pattern`, sorted by path. */
export async function findMatchingModelFiles(dirs: readonly string[], pattern: RegExp): Promise<ModelFileMatch[]> {
  const found: ModelFileMatch[] = [];
  for (const dir of dirs) {
    await collectMatches(dir, dir, pattern, 0, found);
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

async function collectMatches(root: string, dir: string, pattern: RegExp, depth: number, found: ModelFileMatch[]): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const name of entries) {
    const path = join(dir, name);
    // stat, not the dirent type: ComfyUI follows symlinks, and model folders are often symlinked to another disk.
    const stats = await stat(path).catch(() => undefined);
    if (stats === undefined) continue;
    if (stats.isDirectory()) {
      if (depth < MAX_SEARCH_DEPTH) await collectMatches(root, path, pattern, depth + 1, found);
    } else if (stats.isFile() && isModelFile(name) && matches(pattern, relative(root, path))) {
      found.push({ path, bytes: stats.size });
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
