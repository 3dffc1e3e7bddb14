import { lstat, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GateError } from '../errors.ts';
import { KohyaSetupError } from './errors.ts';
import { createFinding } from './finding.ts';
import type { Finding } from './finding.ts';
import { getPythonVersion, PYTHON_VERSION_TIMEOUT_MS } from './get-python-version.ts';
import { getDefaultAccelerateConfigPath, readAccelerateConfig } from './read-accelerate-config.ts';
import type { MixedPrecisionSetting } from './read-accelerate-config.ts';

export interface KohyaSetupOptions {
  /** Default ~/tools/kohya_ss. */
  readonly kohyaDir?: string;
  /** Default: where `accelerate config` writes (see getDefaultAccelerateConfigPath). */
  readonly configPath?: string;
  /** Venv folders inside kohyaDir, tried in order: setup.sh makes `venv`, the uv launcher `.venv`. */
  readonly venvDirs?: readonly string[];
  readonly pythonTimeoutMs?: number;
  readonly homeDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** INFRA-03 in numbers: every problem found, not just the first, plus what was read on the way. */
export interface KohyaSetupCheck {
  readonly ok: boolean;
  readonly findings: readonly Finding[];
  readonly kohyaDir: string;
  /** The interpreter that was run, or the first one looked for when none exists. */
  readonly pythonPath: string;
  readonly pythonVersion: string | undefined;
  readonly configPath: string;
  readonly mixedPrecision: MixedPrecisionSetting | undefined;
}

export const DEFAULT_VENV_DIRS: readonly string[] = ['venv', '.venv'];

/** Checks kohya_ss for MPS training: folder, venv Python that runs, accelerate mixed_precision 'no'. Throws only for a config it cannot read or parse. */
export async function readKohyaSetup(options: KohyaSetupOptions = {}): Promise<KohyaSetupCheck> {
  const home = options.homeDir ?? homedir();
  const kohyaDir = options.kohyaDir ?? join(home, 'tools', 'kohya_ss');
  const configPath = options.configPath ?? getDefaultAccelerateConfigPath(options.env ?? process.env, home);
  const venvDirs = options.venvDirs ?? DEFAULT_VENV_DIRS;
  const findings: Finding[] = [];

  let pythonPath = join(kohyaDir, venvDirs[0] ?? 'venv', 'bin', 'python');
  let pythonVersion: string | undefined;
  const kohyaKind = await getPathKind(kohyaDir);
  if (kohyaKind === 'directory') {
    pythonPath = await getVenvPython(kohyaDir, venvDirs);
    pythonVersion = await collect(findings, () => getPythonVersion(pythonPath, options.pythonTimeoutMs ?? PYTHON_VERSION_TIMEOUT_MS));
  } else {
    const problem = kohyaKind === 'missing' ? 'does not exist' : 'is not a folder';
    findings.push(
      createFinding(
        new KohyaSetupError('KOHYA_DIR_MISSING', `kohya_ss folder ${kohyaDir} ${problem}`, {
          hint: 'install kohya_ss there (git clone https://github.com/bmaltais/kohya_ss, then ./setup.sh) or pass its folder',
          context: { kohyaDir },
        }),
      ),
    );
  }

  const config = await collect(findings, () => readAccelerateConfig(configPath), ['ACCELERATE_CONFIG_MISSING']);
  const mixedPrecision = config?.mixedPrecision;
  if (config !== undefined && mixedPrecision === undefined) {
    findings.push(createFinding(mixedPrecisionError('ACCELERATE_MIXED_PRECISION_MISSING', `${configPath} does not set mixed_precision`, configPath)));
  } else if (mixedPrecision !== undefined && !mixedPrecision.isNo) {
    const written = mixedPrecision.rawText === '' ? 'mixed_precision with no value' : `mixed_precision: ${mixedPrecision.rawText}`;
    findings.push(createFinding(mixedPrecisionError('ACCELERATE_MIXED_PRECISION_WRONG', `${configPath} sets ${written}`, configPath)));
  }

  return { ok: findings.length === 0, findings, kohyaDir, pythonPath, pythonVersion, configPath, mixedPrecision };
}

// The first venv whose python exists (even as a dangling symlink, so that problem gets reported by name).
async function getVenvPython(kohyaDir: string, venvDirs: readonly string[]): Promise<string> {
  const candidates = venvDirs.map((dir) => join(kohyaDir, dir, 'bin', 'python'));
  for (const candidate of candidates) {
    if (
      await lstat(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return candidates[0] ?? join(kohyaDir, 'venv', 'bin', 'python');
}

// Runs one check; a GateError becomes a finding, unless its code is not one the caller listed as reportable.
async function collect<T>(findings: Finding[], check: () => Promise<T>, reportable?: readonly string[]): Promise<T | undefined> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof GateError && (reportable === undefined || reportable.includes(error.code))) {
      findings.push(createFinding(error));
      return undefined;
    }
    throw error;
  }
}

function mixedPrecisionError(
  code: 'ACCELERATE_MIXED_PRECISION_MISSING' | 'ACCELERATE_MIXED_PRECISION_WRONG',
  what: string,
  configPath: string,
): KohyaSetupError {
  return new KohyaSetupError(code, `${what}; kohya_ss training on MPS needs mixed_precision: 'no'`, {
    context: { configPath },
    hint: "run `accelerate config` in the kohya_ss venv and answer 'no' for mixed precision, or edit the file to read mixed_precision: 'no'",
  });
}

async function getPathKind(path: string): Promise<'directory' | 'other' | 'missing'> {
  return stat(path).then(
    (stats) => (stats.isDirectory() ? 'directory' : 'other'),
    () => 'missing',
  );
}
