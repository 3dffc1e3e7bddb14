import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileHashError } from '../../../src/install/errors.ts';
import { getFileSha256 } from '../../../src/install/hash-file.ts';
import type { FileHashProgress } from '../../../src/install/hash-file.ts';

const MiB = 1024 * 1024;
const SIZE = 20 * MiB + 12_345;

let dir: string;
let content: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gate-hash-'));
  content = randomBytes(SIZE);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('getFileSha256', () => {
  it('streams the same hash as hashing the whole buffer, reporting progress by bytes', async () => {
    const path = join(dir, 'model.bin');
    await writeFile(path, content);
    const progress: FileHashProgress[] = [];
    const result = await getFileSha256(path, { onProgress: (p) => progress.push(p), progressEveryBytes: 4 * MiB, now: () => 0 });
    expect(result).toMatchObject({ path, sha256: sha256(content), bytes: SIZE, cached: false });
    expect(progress.map((p) => p.bytesDone)).toEqual([4 * MiB, 8 * MiB, 12 * MiB, 16 * MiB, 20 * MiB, SIZE]);
    expect(progress.every((p) => p.totalBytes === SIZE && p.path === path)).toBe(true);
  });

  it('also reports when time passes, using the clock it is given', async () => {
    const path = join(dir, 'slow.bin');
    await writeFile(path, content.subarray(0, 6 * MiB));
    let time = 0;
    const progress: number[] = [];
    await getFileSha256(path, {
      onProgress: (p) => progress.push(p.bytesDone),
      progressEveryBytes: Infinity,
      progressEveryMs: 1000,
      // Every read of the clock moves it on half a second: one report every two 1 MiB chunks.
      now: () => (time += 500),
    });
    expect(progress).toEqual([2 * MiB, 4 * MiB, 6 * MiB]);
  });

  it('serves a second call from the cache without reading the file, until its mtime changes', async () => {
    const path = join(dir, 'cached.bin');
    const cacheFile = join(dir, 'cache', 'hashes.json');
    // A whole-millisecond mtime, so utimes() below can put back exactly what stat() reported.
    const mtime = new Date('2025-05-04T12:00:00.000Z');
    await writeFile(path, content);
    await utimes(path, mtime, mtime);
    const first = await getFileSha256(path, { cacheFile });
    expect(first).toMatchObject({ cached: false, mtimeMs: mtime.getTime() });

    // Same size and mtime, different bytes: only a hash that never read the file can still say the old value.
    const changed = Buffer.from(content);
    changed[0] = changed[0]! ^ 0xff;
    await writeFile(path, changed);
    await utimes(path, mtime, mtime);
    let progressCalls = 0;
    const second = await getFileSha256(path, { cacheFile, onProgress: () => progressCalls++ });
    expect(second).toEqual({ ...first, cached: true });
    expect(progressCalls).toBe(0);

    const later = new Date(mtime.getTime() + 5000);
    await utimes(path, later, later);
    const third = await getFileSha256(path, { cacheFile });
    expect(third).toMatchObject({ cached: false, sha256: sha256(changed), mtimeMs: later.getTime() });

    const cache = JSON.parse(await readFile(cacheFile, 'utf8')) as { version: number; files: Record<string, unknown> };
    expect(cache).toEqual({ version: 1, files: { [path]: { size: SIZE, mtimeMs: later.getTime(), sha256: sha256(changed) } } });
    expect(await readdir(join(dir, 'cache'))).toEqual(['hashes.json']);
  });

  it('keeps other entries and treats a corrupt cache as empty', async () => {
    const cacheFile = join(dir, 'shared-cache.json');
    await writeFile(cacheFile, '{ not json');
    const a = join(dir, 'a.bin');
    const b = join(dir, 'b.bin');
    await writeFile(a, 'a');
    await writeFile(b, 'b');
    await getFileSha256(a, { cacheFile });
    await getFileSha256(b, { cacheFile });
    const cache = JSON.parse(await readFile(cacheFile, 'utf8')) as { files: Record<string, { sha256: string }> };
    expect(Object.keys(cache.files).sort()).toEqual([a, b]);
    expect(cache.files[a]?.sha256).toBe(sha256(Buffer.from('a')));
  });

  it('says when the file does not exist', async () => {
    const path = join(dir, 'nope.bin');
    const error: unknown = await getFileSha256(path).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(FileHashError);
    expect((error as FileHashError).code).toBe('HASH_FILE_UNREADABLE');
    expect((error as FileHashError).message).toBe(`${path} does not exist`);
  });
});
