import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// One folder per test file for everything its gate runs write; removed when the file is done.
const root = mkdtempSync(join(tmpdir(), 'comfyui-gate-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A new empty folder that lives as long as the test file. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(root, `${prefix}-`));
}
