/** The parts of ComfyUI's command line that move its model folders. */
export interface ModelPathArgs {
  /** argv[0]: the main.py ComfyUI was started with (absolute for ComfyUI Desktop). */
  readonly mainScript: string | undefined;
  /** `--base-directory`: models/, custom_nodes/, input/ … then live below it; the last one given wins. */
  readonly baseDirectory: string | undefined;
  /** Every `--extra-model-paths-config` file, in the order given. */
  readonly extraModelPathsConfigs: readonly string[];
}

const BASE_DIRECTORY = '--base-directory';
const EXTRA_CONFIG = '--extra-model-paths-config';

/**
 * Reads the model-path flags from a ComfyUI argv (`system_stats.system.argv`, script first) the way
 * Python's argparse does: `--flag value` or `--flag=value`; `--extra-model-paths-config` takes one
 * or more files (nargs='+') and may be repeated (action='append'); `--` ends the flags.
 */
export function getModelPathArgs(argv: readonly string[]): ModelPathArgs {
  const [first, ...rest] = argv;
  const mainScript = first === undefined || isFlag(first) ? undefined : first;
  let baseDirectory: string | undefined;
  const extraModelPathsConfigs: string[] = [];
  const args = mainScript === undefined ? argv : rest;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--') break;
    const [name, inline] = splitInline(arg);
    if (name !== BASE_DIRECTORY && name !== EXTRA_CONFIG) continue;
    const values = inline === undefined ? takeValues(args, index + 1, name === EXTRA_CONFIG) : [inline];
    if (inline === undefined) index += values.length;
    if (name === BASE_DIRECTORY) baseDirectory = values[0] ?? baseDirectory;
    else extraModelPathsConfigs.push(...values);
  }
  return { mainScript, baseDirectory, extraModelPathsConfigs };
}

function splitInline(arg: string): [string, string | undefined] {
  const at = arg.indexOf('=');
  return arg.startsWith('--') && at > 0 ? [arg.slice(0, at), arg.slice(at + 1)] : [arg, undefined];
}

// argparse never takes something that looks like a flag as a value; a lone "-" is a value.
function takeValues(args: readonly string[], from: number, many: boolean): string[] {
  const values: string[] = [];
  for (let index = from; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--' || isFlag(arg)) break;
    values.push(arg);
    if (!many) break;
  }
  return values;
}

function isFlag(arg: string): boolean {
  return arg.startsWith('-') && arg !== '-' && !/^-\d/.test(arg);
}
