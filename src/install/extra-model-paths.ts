import { dirname, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { sanitizeLine } from '../text/sanitize.ts';
import { ModelPathsError } from './errors.ts';

/** What `~` and `$VAR` in a base_path expand to; without a home folder `~` stays as written. */
export interface PathEnvironment {
  readonly homeDir?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** One folder line of one section, resolved the way ComfyUI resolves it. */
export interface ExtraModelPath {
  readonly section: string;
  /** The folder kind as written (`checkpoints`, `clip`, …); legacy names are mapped later. */
  readonly kind: string;
  /** Absolute and normalised. */
  readonly path: string;
  /** The section's `is_default`: its folders are searched first. */
  readonly isDefault: boolean;
}

const SPECIAL_KEYS = new Set(['base_path', 'is_default']);
const FORMAT_HINT =
  "ComfyUI's extra_model_paths.yaml.example shows the format: sections with an optional base_path and folder kinds such as `checkpoints: models/checkpoints`";

/**
 * Parses one extra_model_paths.yaml text (`file` is its absolute path) as ComfyUI's
 * utils/extra_config.py does: YAML 1.1 like PyYAML; a relative base_path is relative to the file's
 * folder, `~` and `$VAR` are expanded in base_path only; each folder value is a path or a `|` block
 * of paths (one a line), relative to base_path, else to the file's folder. Throws ModelPathsError
 * naming the file and line for text ComfyUI itself would stop on.
 */
export function parseExtraModelPaths(text: string, file: string, environment: PathEnvironment = {}): ExtraModelPath[] {
  const lines = new LineCounter();
  const document = parseDocument(text, { version: '1.1', uniqueKeys: false, lineCounter: lines, prettyErrors: false });
  const [syntaxError] = document.errors;
  if (syntaxError !== undefined) {
    const at = lines.linePos(syntaxError.pos[0]);
    const reason = syntaxError.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'invalid YAML';
    throw invalid(file, at.line, `not valid YAML: ${reason} (column ${at.col})`);
  }
  const root: unknown = document.toJS({ maxAliasCount: 100 });
  if (root === null || root === undefined) return [];
  const lineOf = (...path: string[]): number | undefined => getLine(document, lines, path);
  if (!isRecord(root)) throw invalid(file, lineOf(), `must hold sections (such as \`comfyui:\`) at the top level, not ${describeValue(root)}`);

  const found: ExtraModelPath[] = [];
  const folder = dirname(file);
  for (const [section, conf] of Object.entries(root)) {
    if (conf === null) continue; // a section with nothing under it, as ComfyUI skips it
    if (!isRecord(conf)) throw invalid(file, lineOf(section), `section ${show(section)} must hold base_path and folder kinds, not ${describeValue(conf)}`);
    const basePath = getBasePath(conf.base_path, folder, environment, () =>
      invalid(file, lineOf(section, 'base_path'), `base_path in section ${show(section)} must be a path, not ${describeValue(conf.base_path)}`),
    );
    const isDefault = isPythonTruthy(conf.is_default);
    for (const [kind, value] of Object.entries(conf)) {
      if (SPECIAL_KEYS.has(kind)) continue;
      if (typeof value !== 'string') {
        throw invalid(
          file,
          lineOf(section, kind),
          `${show(kind)} in section ${show(section)} must be a folder path or a | block of paths, not ${describeValue(value)}`,
        );
      }
      for (const line of value.split('\n')) {
        if (line === '') continue;
        found.push({ section, kind, path: resolve(basePath ?? folder, line), isDefault });
      }
    }
  }
  return found;
}

function getBasePath(raw: unknown, folder: string, environment: PathEnvironment, onInvalid: () => ModelPathsError): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw onInvalid();
  return resolve(folder, expandVars(expandUser(raw, environment.homeDir), environment.env ?? {}));
}

/** `~` and `~/…` as Python's os.path.expanduser; `~user` stays as written. */
function expandUser(path: string, homeDir: string | undefined): string {
  if (homeDir === undefined) return path;
  if (path === '~') return homeDir;
  return path.startsWith('~/') ? `${homeDir}${path.slice(1)}` : path;
}

/** `$NAME` and `${NAME}` as Python's posixpath.expandvars: unknown variables stay as written. */
function expandVars(path: string, env: Readonly<Record<string, string | undefined>>): string {
  return path.replace(/\$(\w+|\{[^}]*\})/g, (match, name: string) => env[name.startsWith('{') ? name.slice(1, -1) : name] ?? match);
}

// ComfyUI tests is_default with Python's truth rules: the Desktop app writes it as the string "true".
function isPythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

// The line of the key at `path` (the last of duplicates, as PyYAML keeps the last); undefined for aliases and merges.
function getLine(document: Document, lines: LineCounter, path: readonly string[]): number | undefined {
  let node: unknown = document.contents;
  let offset = (node as { range?: readonly number[] } | null)?.range?.[0];
  for (const segment of path) {
    if (!isMap(node)) return undefined;
    const pair = node.items.findLast((item) => isScalar(item.key) && String(item.key.value) === segment);
    if (pair === undefined || !isScalar(pair.key)) return undefined;
    offset = pair.key.range?.[0];
    node = pair.value;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value === 'string' ? 'the text' : `the ${typeof value}`} ${show(String(value))}`;
}

function show(text: string): string {
  return JSON.stringify(sanitizeLine(text, 80));
}

function invalid(file: string, line: number | undefined, what: string): ModelPathsError {
  const shown = sanitizeLine(file, 500);
  return new ModelPathsError('MODEL_PATHS_CONFIG_INVALID', `${line === undefined ? shown : `${shown} line ${line}`}: ${what}`, {
    hint: `fix ${line === undefined ? '' : `line ${line} of `}${shown} (ComfyUI stops at start-up on it too), then restart ComfyUI; ${FORMAT_HINT}`,
    context: { file: shown, ...(line === undefined ? {} : { line }) },
  });
}
