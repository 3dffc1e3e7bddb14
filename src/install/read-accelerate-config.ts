import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isNode, isScalar, parseDocument } from 'yaml';
import { KohyaSetupError } from './errors.ts';

/** The mixed_precision entry of an accelerate config, as accelerate itself would read it. */
export interface MixedPrecisionSetting {
  /** The value a YAML 1.1 reader sees (accelerate uses PyYAML): unquoted `no` and `off` are `false`, `'no'` is 'no'. */
  readonly value: unknown;
  /** The value exactly as written in the file, e.g. `'no'`, `no`, `fp16`; empty when nothing follows the key. */
  readonly rawText: string;
  readonly form: 'string' | 'boolean' | 'other';
  /** True for the string 'no' and for boolean false, both of which accelerate treats as no mixed precision. */
  readonly isNo: boolean;
}

export interface AccelerateConfig {
  readonly path: string;
  /** Undefined when the file has no mixed_precision key. */
  readonly mixedPrecision: MixedPrecisionSetting | undefined;
}

const MIXED_PRECISION_KEY = 'mixed_precision';

/** Where `accelerate config` writes by default: $HF_HOME/accelerate, else $XDG_CACHE_HOME/huggingface/accelerate, else ~/.cache/huggingface/accelerate. */
export function getDefaultAccelerateConfigPath(env: Readonly<Record<string, string | undefined>>, homeDir: string): string {
  const expand = (path: string): string => (path === '~' || path.startsWith('~/') ? join(homeDir, path.slice(1)) : path);
  const hfHome = env.HF_HOME !== undefined && env.HF_HOME !== '' ? expand(env.HF_HOME) : join(expand(env.XDG_CACHE_HOME || '~/.cache'), 'huggingface');
  return join(hfHome, 'accelerate', 'default_config.yaml');
}

/** Reads an accelerate YAML config and its mixed_precision entry; throws KohyaSetupError when the file is missing, unreadable or not a YAML mapping. */
export async function readAccelerateConfig(path: string): Promise<AccelerateConfig> {
  const text = await readConfigText(path);
  // YAML 1.1 on purpose: it is what PyYAML, and so accelerate, reads; the yaml package defaults to 1.2.
  const document = parseDocument(text, { version: '1.1' });
  const [firstError] = document.errors;
  if (firstError !== undefined) {
    // yaml's messages end with a code frame over several lines; the first line names the problem and position.
    const problem = (firstError.message.split('\n')[0] ?? firstError.message).replace(/:$/, '');
    throw invalid(path, `${path} is not valid YAML: ${problem}`, firstError);
  }
  if (!isMap(document.contents)) {
    const holds = document.contents === null ? 'is empty' : `holds a ${isScalar(document.contents) ? 'single value' : 'list'}`;
    throw invalid(path, `${path} ${holds}, not a YAML mapping of settings`);
  }
  if (!document.contents.has(MIXED_PRECISION_KEY)) {
    return { path, mixedPrecision: undefined };
  }
  const node: unknown = document.contents.get(MIXED_PRECISION_KEY, true);
  const value: unknown = isScalar(node) ? node.value : isNode(node) ? node.toJSON() : node;
  const range = isNode(node) ? node.range : undefined;
  return {
    path,
    mixedPrecision: {
      value,
      rawText: range ? text.slice(range[0], range[1]) : '',
      form: typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'boolean' : 'other',
      isNo: value === 'no' || value === false,
    },
  };
}

async function readConfigText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new KohyaSetupError('ACCELERATE_CONFIG_MISSING', `accelerate config ${path} does not exist`, {
        hint: "run `accelerate config` in the kohya_ss venv and answer 'no' for mixed precision",
        context: { path },
        cause: error,
      });
    }
    throw new KohyaSetupError('ACCELERATE_CONFIG_UNREADABLE', `cannot read accelerate config ${path}: ${(error as Error).message}`, {
      hint: 'check the file and its permissions',
      context: { path },
      cause: error,
    });
  }
}

function invalid(path: string, message: string, cause?: unknown): KohyaSetupError {
  return new KohyaSetupError('ACCELERATE_CONFIG_INVALID', message, {
    hint: "fix the file by hand, or delete it and run `accelerate config` again (answer 'no' for mixed precision)",
    context: { path },
    cause,
  });
}
