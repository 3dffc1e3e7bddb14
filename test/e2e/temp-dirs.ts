import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// One folder per test worker for everything its gate runs write, removed when the worker ends.
// Workers run several test files one after another (isolate: false), so the folder is made on
// demand and removed at exit rather than after the first file.
const root = join(tmpdir(), `comfyui-gate-e2e-${process.pid}-${Date.now()}`);
process.once('exit', () => rmSync(root, { recursive: true, force: true }));

/** A new empty folder that lives as long as the test worker. */
export function makeTempDir(prefix: string): string {
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, `${prefix}-`));
}
