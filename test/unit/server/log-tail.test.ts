import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLogTail } from '../../../src/processes/log-tail.ts';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gate-log-tail-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function writeLog(name: string, text: string): string {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
}

describe('readLogTail', () => {
  it('returns the last lines, 50 by default', () => {
    const lines = Array.from({ length: 80 }, (_, index) => `line ${index + 1}`);
    const path = writeLog('comfyui.log', `${lines.join('\n')}\n`);
    expect(readLogTail(path)).toEqual(lines.slice(30));
    expect(readLogTail(path, 3)).toEqual(['line 78', 'line 79', 'line 80']);
  });

  it('keeps a last line without a newline and reads CRLF endings', () => {
    expect(readLogTail(writeLog('a.log', 'Starting server\r\n\r\nTo see the GUI go to: http://127.0.0.1:8188'))).toEqual([
      'Starting server',
      '',
      'To see the GUI go to: http://127.0.0.1:8188',
    ]);
  });

  it('returns [] for a missing or empty file', () => {
    expect(readLogTail(join(root, 'never-written.log'))).toEqual([]);
    expect(readLogTail(writeLog('empty.log', ''))).toEqual([]);
  });

  it('reads only the last 64 KiB of a big file and drops the line cut in half there', () => {
    // 2000 lines of exactly 100 bytes: 200000 bytes. The 64 KiB window starts at byte 134464,
    // inside line 1345 (bytes 134400-134499), so the whole lines it holds are 1346..2000.
    const lines = Array.from({ length: 2000 }, (_, index) => `${String(index + 1).padStart(4, '0')} ${'x'.repeat(94)}`);
    const path = writeLog('big.log', `${lines.join('\n')}\n`);
    const tail = readLogTail(path, 5000);
    expect(tail).toHaveLength(655);
    expect(tail[0]).toBe(lines[1345]);
    expect(tail.at(-1)).toBe(lines[1999]);
    expect(tail).toEqual(lines.slice(1345));
  });
});
