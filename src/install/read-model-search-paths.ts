import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { sanitizeLine } from '../text/sanitize.ts';
import { ModelPathsError } from './errors.ts';
import { getModelPathsPlan, getModelSearchPaths, type ModelPathsConfigFile, type ModelSearchPaths } from './model-search-paths.ts';

/** An extra_model_paths.yaml is a few hundred bytes; anything near this is not one. */
export const MAX_MODEL_PATHS_CONFIG_BYTES = 1024 * 1024;

export interface ReadModelSearchPathsOptions {
  readonly homeDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly maxBytes?: number;
}

/**
 * Reads the YAML files that move ComfyUI's model folders (the folder's extra_model_paths.yaml and
 * every --extra-model-paths-config in `argv`) and returns the folders ComfyUI searches. Throws
 * ModelPathsError naming the file (and line) when one cannot be read or parsed.
 */
export async function readModelSearchPaths(
  comfyDir: string,
  argv: readonly string[] | undefined,
  options: ReadModelSearchPathsOptions = {},
): Promise<ModelSearchPaths> {
  const plan = getModelPathsPlan(comfyDir, argv);
  const configTexts = new Map<string, string>();
  for (const file of plan.configFiles) {
    const text = await readConfigText(file, options.maxBytes ?? MAX_MODEL_PATHS_CONFIG_BYTES);
    if (text !== undefined) configTexts.set(file.path, text);
  }
  return getModelSearchPaths({ comfyDir, argv, configTexts, homeDir: options.homeDir ?? homedir(), env: options.env ?? process.env });
}

// ComfyUI reads the folder's file only when it is a file, and opens every --extra-model-paths-config it is given.
async function readConfigText(file: ModelPathsConfigFile, maxBytes: number): Promise<string | undefined> {
  const shown = sanitizeLine(file.path, 500);
  const unreadable = (reason: string, cause?: unknown): ModelPathsError =>
    new ModelPathsError('MODEL_PATHS_CONFIG_UNREADABLE', `${file.required ? `${file.label}: ` : ''}${shown} cannot be read: ${reason}`, {
      hint: file.required
        ? `ComfyUI was started with ${file.label}; make that file readable by this user (or restart ComfyUI without it)`
        : `make ${shown} readable by this user, or remove it`,
      context: { file: shown },
      cause,
    });
  const handle = await open(file.path, 'r').catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (!file.required && (code === 'ENOENT' || code === 'ENOTDIR')) return undefined;
    throw unreadable(code === 'ENOENT' ? 'it does not exist' : sanitizeLine((error as Error).message), error);
  });
  if (handle === undefined) return undefined;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      if (!file.required) return undefined;
      throw unreadable('it is not a file');
    }
    if (stats.size > maxBytes) {
      throw new ModelPathsError(
        'MODEL_PATHS_CONFIG_TOO_LARGE',
        `${shown} is ${stats.size} bytes, more than the ${maxBytes} bytes a model-paths file may have`,
        {
          hint: `check that ${shown} is really ComfyUI's model-paths YAML (it lists folders and is usually under 2 KB)`,
          context: { file: shown, bytes: stats.size },
        },
      );
    }
    const buffer = Buffer.alloc(stats.size);
    const { bytesRead } = await handle.read(buffer, 0, stats.size, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch (error) {
    if (error instanceof ModelPathsError) throw error;
    throw unreadable(sanitizeLine((error as Error).message), error);
  } finally {
    await handle.close();
  }
}
