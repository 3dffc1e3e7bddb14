import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../fixtures/fake-env.ts';

// The layers point one way (STYLE.md): truths, the run record and text at the bottom; the
// processes, configuration and machine readers; the ComfyUI client, GPU sampling, images and
// install checks; the generation code and the spec support; the report on top. Each folder lists
// the folders it may import from; a new import across that line fails here, naming the file.

const SRC = join(REPO_ROOT, 'src');

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  text: [],
  diagnosis: ['text'],
  truths: ['diagnosis'],
  'run-record': ['config', 'gpu', 'truths'],
  terminal: [],
  config: ['text'],
  processes: ['run-record'],
  machine: ['diagnosis', 'processes', 'text', 'truths'],
  image: [],
  comfyui: ['text'],
  gpu: ['config', 'processes'],
  install: ['config', 'processes', 'text'],
  server: ['comfyui', 'config', 'processes', 'text'],
  benchmark: ['comfyui', 'config', 'diagnosis', 'gpu', 'image', 'machine', 'processes', 'run-record', 'terminal', 'text', 'truths'],
  checks: ['comfyui', 'config', 'install', 'processes', 'run-record', 'text', 'truths'],
  doctor: ['config', 'processes', 'report', 'server', 'text', 'install'],
  report: ['comfyui', 'config', 'diagnosis', 'machine', 'processes', 'run-record', 'text', 'truths'],
};

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every relative import of a file, as the folder under src/ it lands in (or a path outside src/). */
function getImportedAreas(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)].map((match) => {
    const target = relative(SRC, resolve(dirname(file), match[1] ?? ''));
    if (target.startsWith('..')) return `outside src: ${target}`;
    // src/errors.ts, the one error base class, sits below every layer.
    return target.includes('/') ? (target.split('/')[0] ?? '') : 'errors';
  });
}

describe('one-way layers', () => {
  it('every folder of src/ is placed in a layer', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.filter((folder) => ALLOWED[folder] === undefined)).toEqual([]);
  });

  it('no import crosses a layer the wrong way, and product code never imports test data', () => {
    const wrong = listFiles(SRC).flatMap((file) => {
      const area = relative(SRC, file).split('/')[0] ?? '';
      const allowed = new Set([area, 'errors', ...(ALLOWED[area] ?? [])]);
      return getImportedAreas(file)
        .filter((imported) => !allowed.has(imported))
        .map((imported) => `${relative(REPO_ROOT, file)} imports ${imported}`);
    });
    expect(wrong).toEqual([]);
  });

  it('the report never imports the generation code, and GPU sampling nothing above it', () => {
    expect(ALLOWED.report).not.toContain('benchmark');
    expect(ALLOWED.gpu?.filter((area) => ['benchmark', 'checks', 'report', 'server'].includes(area))).toEqual([]);
  });

  it('only src/config reads a gate setting from the environment', () => {
    const readers = listFiles(SRC)
      .filter((file) => !relative(SRC, file).startsWith('config/'))
      .filter((file) => /process\.env(\.|\[')(GATE_|COMFYUI_)/.test(readFileSync(file, 'utf8')));
    expect(readers.map((file) => relative(REPO_ROOT, file))).toEqual([]);
  });
});
