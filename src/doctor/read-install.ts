import { readFile, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { sanitizeLine } from '../text/sanitize.ts';

/** What is on disk in the ComfyUI folder. */
export interface InstallReading {
  readonly dir: string;
  readonly isFolder: boolean;
  readonly hasMainPy: boolean;
  /** `__version__` of comfyui_version.py; undefined when the file is missing or says none. */
  readonly version: { readonly value: string } | { readonly missing: string };
  readonly checkpoint: { readonly path: string; readonly bytes: number | undefined };
  /** Bytes free for this user on the folder's file system. */
  readonly freeBytes: number | undefined;
}

/** Reads the folder, its version file, the checkpoint's size and the free disk, all at once. */
export async function readInstall(dir: string, checkpointName: string): Promise<InstallReading> {
  const checkpointPath = join(dir, 'models', 'checkpoints', checkpointName);
  const [folder, mainPy, versionText, checkpoint, disk] = await Promise.all([
    stat(dir).catch(() => undefined),
    stat(join(dir, 'main.py')).catch(() => undefined),
    readFile(join(dir, 'comfyui_version.py'), 'utf8').catch(() => undefined),
    stat(checkpointPath).catch(() => undefined),
    statfs(dir).catch(() => undefined),
  ]);
  return {
    dir,
    isFolder: folder?.isDirectory() === true,
    hasMainPy: mainPy?.isFile() === true,
    version: versionText === undefined ? { missing: 'no comfyui_version.py' } : parseComfyuiVersion(versionText),
    checkpoint: { path: checkpointPath, bytes: checkpoint?.isFile() === true ? checkpoint.size : undefined },
    freeBytes: disk === undefined ? undefined : disk.bavail * disk.bsize,
  };
}

/** The `__version__ = "x"` line ComfyUI's build writes into comfyui_version.py. */
export function parseComfyuiVersion(text: string): InstallReading['version'] {
  const match = /^__version__\s*=\s*["']([^"'\n]+)["']/m.exec(text);
  return match?.[1] === undefined ? { missing: 'comfyui_version.py has no __version__ line' } : { value: sanitizeLine(match[1], 40) };
}
