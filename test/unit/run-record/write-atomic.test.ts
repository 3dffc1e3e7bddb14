import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/run-record/write-atomic.ts';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gate-atomic-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates the folders, replaces the content and leaves no temporary file', () => {
    const path = join(root, 'reports', 'nested', '05-BENCHMARK.md');
    writeFileAtomic(path, '# first\n');
    expect(readFileSync(path, 'utf8')).toBe('# first\n');
    writeFileAtomic(path, '# second\n');
    expect(readFileSync(path, 'utf8')).toBe('# second\n');
    expect(readdirSync(join(root, 'reports', 'nested'))).toEqual(['05-BENCHMARK.md']);
  });

  it('writes bytes as they are', () => {
    const path = join(root, 'chart.png');
    writeFileAtomic(path, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]));
    expect([...readFileSync(path)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    expect(readdirSync(root)).toEqual(['chart.png']);
  });
});
