// The command line of `npm run diagnose`, read without touching the file system.

/** A ComfyUI log is a few MB at most; anything larger is not a log, or not worth reading whole. */
export const MAX_LOG_BYTES = 20 * 1024 * 1024;

export const DIAGNOSE_USAGE = [
  'usage: npm run diagnose -- [--json] <log file | ->',
  '  Reads a ComfyUI log (a file, or stdin for "-") and says why a Mac run failed or was slow.',
  '  --json   print {"findings":[...]} and nothing else',
  '  exit 0: nothing blocks; 1: something blocks; 2: usage or read error',
].join('\n');

export type DiagnoseArgs =
  | { readonly kind: 'run'; readonly source: string; readonly json: boolean }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage-error'; readonly message: string };

/** Reads `[--json] <file | ->` (options in any position; `--` ends them). */
export function parseDiagnoseArgs(rawArgs: readonly string[]): DiagnoseArgs {
  let json = false;
  const sources: string[] = [];
  let optionsEnded = false;
  for (const arg of rawArgs) {
    if (!optionsEnded && arg === '--') optionsEnded = true;
    else if (!optionsEnded && arg === '--json') json = true;
    else if (!optionsEnded && (arg === '--help' || arg === '-h')) return { kind: 'help' };
    else if (!optionsEnded && arg.startsWith('-') && arg !== '-') return { kind: 'usage-error', message: `unknown option ${arg}` };
    else sources.push(arg);
  }
  const [source, ...extra] = sources;
  if (source === undefined) return { kind: 'usage-error', message: 'no log file given' };
  if (extra.length > 0) return { kind: 'usage-error', message: `one log file at a time (also given: ${extra.join(' ')})` };
  return { kind: 'run', source, json };
}

/** The message for a log over `MAX_LOG_BYTES`. */
export function describeTooLarge(name: string, bytes: number): string {
  const mb = (size: number): string => `${(size / 1024 / 1024).toFixed(1)} MB`;
  return `${name} is ${mb(bytes)}, over the ${mb(MAX_LOG_BYTES)} a ComfyUI log should need; pass the part around the failure (e.g. tail -n 5000).`;
}
