import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// A kohya_ss folder with a venv whose `python` is a real executable: a sh script standing in
// for the interpreter, so getPythonVersion spawns it exactly as it would spawn Python.

export type FakePython =
  | { readonly kind: 'script'; readonly body: string }
  | { readonly kind: 'not-executable' }
  | { readonly kind: 'dangling-symlink' }
  | { readonly kind: 'none' };

export const PYTHON_3_10: FakePython = { kind: 'script', body: 'echo "Python 3.10.14"' };

/** Creates `<root>/<name>` as a kohya_ss folder whose `<venvDir>/bin/python` behaves as asked; returns the folder. */
export async function createFakeKohya(root: string, name: string, python: FakePython, venvDir = 'venv'): Promise<string> {
  const kohyaDir = join(root, name);
  const bin = join(kohyaDir, venvDir, 'bin');
  await mkdir(bin, { recursive: true });
  const pythonPath = join(bin, 'python');
  if (python.kind === 'script') {
    await writeFile(pythonPath, `#!/bin/sh\n${python.body}\n`);
    await chmod(pythonPath, 0o755);
  } else if (python.kind === 'not-executable') {
    await writeFile(pythonPath, '#!/bin/sh\necho "Python 3.10.14"\n');
    await chmod(pythonPath, 0o644);
  } else if (python.kind === 'dangling-symlink') {
    await symlink('/nonexistent/python3.10', pythonPath);
  }
  return kohyaDir;
}

/** Writes an accelerate config with the given body; returns its path. */
export async function writeAccelerateConfig(root: string, name: string, body: string): Promise<string> {
  const path = join(root, name);
  await writeFile(path, body);
  return path;
}

/** What `accelerate config` writes on a Mac, with the mixed_precision line as given. */
export function createAccelerateYaml(mixedPrecisionLine: string): string {
  return [
    'compute_environment: LOCAL_MACHINE',
    'debug: false',
    "distributed_type: 'NO'",
    "downcast_bf16: 'no'",
    'machine_rank: 0',
    'main_training_function: main',
    mixedPrecisionLine,
    'num_machines: 1',
    'num_processes: 1',
    'use_cpu: false',
    '',
  ].join('\n');
}
