import { ConfigError } from '../../../src/errors.ts';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// A folder that passes for a ComfyUI install: main.py and an executable venv/bin/python.
// Loading the config only looks at these files, it never runs them.

export interface FakeComfyuiFolder {
  readonly dir: string;
  readonly python: string;
}

/** Creates `<root>/<name>` with main.py and venv/bin/python (mode `pythonMode`); returns both paths. */
export function createComfyuiFolder(root: string, name: string, pythonMode = 0o755): FakeComfyuiFolder {
  const dir = join(root, name);
  mkdirSync(join(dir, 'venv', 'bin'), { recursive: true });
  writeFileSync(join(dir, 'main.py'), '# ComfyUI entry point stand-in\n');
  const python = join(dir, 'venv', 'bin', 'python');
  writeFileSync(python, '#!/bin/sh\necho "Python 3.11.9"\n');
  chmodSync(python, pythonMode);
  return { dir, python };
}

/** The ConfigError `run` throws; fails the test when it throws something else or nothing. */
export function catchConfigError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}
