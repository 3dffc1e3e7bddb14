import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';
import { REPO_ROOT } from '../../../fixtures/fake-env.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { FAKE_COMFYUI_DIR } from '../../../fixtures/fake-env.ts';

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listSources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const GATE_SOURCES = [...listSources(join(REPO_ROOT, 'src')), join(REPO_ROOT, 'global-setup.ts')];

test('the gate never runs a command through a shell: argument arrays only', () => {
  const offenders = GATE_SOURCES.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    // exec/execSync from child_process parse a command string with /bin/sh; execa's $ and execaCommand split a string.
    const shellImports = /import\s*{[^}]*\b(exec|execSync|execaCommand|execaCommandSync|\$)\b[^}]*}\s*from\s*'(node:child_process|execa)'/;
    const found = [/shell:\s*true/, shellImports].filter((pattern) => pattern.test(text));
    return found.map((pattern) => `${relative(REPO_ROOT, file)}: ${String(pattern)}`);
  });
  expect(offenders).toEqual([]);
});

test('ComfyUI is only ever asked to listen on loopback, whatever the port', () => {
  const plan = loadConfig({ COMFYUI_DIR: FAKE_COMFYUI_DIR, COMFYUI_PORT: '9999', GATE_REPORT_DIR: join(REPO_ROOT, 'reports') }).server;
  expect(plan.mode === 'boot' ? plan.args : []).toEqual(['main.py', '--force-fp16', '--listen', '127.0.0.1', '--port', '9999']);
  const listenArgs = GATE_SOURCES.flatMap((file) => readFileSync(file, 'utf8').match(/'--listen'[^\n]*/g) ?? []);
  expect(listenArgs).toEqual(["'--listen', host, '--port', String(env.COMFYUI_PORT)];"]);
});
