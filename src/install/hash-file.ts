import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { resolve } from 'node:path';
import { FileHashError } from './errors.ts';
import { readHashCache, writeHashCacheEntry } from './hash-cache.ts';

/** Report progress at least every this many bytes... */
export const PROGRESS_EVERY_BYTES = 64 * 1024 * 1024;
/** ...or after this many milliseconds, whichever comes first. */
export const PROGRESS_EVERY_MS = 1000;

const READ_CHUNK_BYTES = 1024 * 1024;

export interface FileHashProgress {
  readonly path: string;
  readonly bytesDone: number;
  readonly totalBytes: number;
}

export interface FileHashOptions {
  /** JSON file remembering hashes by absolute path, size and mtime; without it every call reads the file. */
  readonly cacheFile?: string;
  /** Called while hashing (throttled) and once at the end; never called for a cache hit. */
  readonly onProgress?: (progress: FileHashProgress) => void;
  readonly progressEveryBytes?: number;
  readonly progressEveryMs?: number;
  /** Clock for the time throttle; tests pass their own. */
  readonly now?: () => number;
}

export interface FileHash {
  /** Absolute path; also the cache key. */
  readonly path: string;
  /** Lower-case hex SHA-256. */
  readonly sha256: string;
  readonly bytes: number;
  readonly mtimeMs: number;
  /** True when the hash came from the cache and the file was not read. */
  readonly cached: boolean;
}

/** SHA-256 of a file of any size, streamed; served from the cache when size and mtime match what was hashed before. */
export async function getFileSha256(path: string, options: FileHashOptions = {}): Promise<FileHash> {
  const absolutePath = resolve(path);
  const before = await getFileStats(absolutePath);
  const { size: bytes, mtimeMs } = before;
  if (options.cacheFile !== undefined) {
    const entry = (await readHashCache(options.cacheFile)).files[absolutePath];
    if (entry !== undefined && entry.size === bytes && entry.mtimeMs === mtimeMs) {
      return { path: absolutePath, sha256: entry.sha256, bytes, mtimeMs, cached: true };
    }
  }
  const sha256 = await hashStream(absolutePath, bytes, options);
  const after = await getFileStats(absolutePath);
  if (after.size !== bytes || after.mtimeMs !== mtimeMs) {
    throw new FileHashError(
      'HASH_FILE_CHANGED',
      `${absolutePath} changed while it was being hashed (${bytes} → ${after.size} bytes, mtime ${mtimeMs} → ${after.mtimeMs})`,
      { hint: 'wait for whatever is writing the file (a download?) to finish, then run the gate again', context: { path: absolutePath } },
    );
  }
  if (options.cacheFile !== undefined) {
    await writeHashCacheEntry(options.cacheFile, absolutePath, { size: bytes, mtimeMs, sha256 });
  }
  return { path: absolutePath, sha256, bytes, mtimeMs, cached: false };
}

async function hashStream(path: string, totalBytes: number, options: FileHashOptions): Promise<string> {
  const { onProgress, now = Date.now } = options;
  const everyBytes = options.progressEveryBytes ?? PROGRESS_EVERY_BYTES;
  const everyMs = options.progressEveryMs ?? PROGRESS_EVERY_MS;
  const hash = createHash('sha256');
  let bytesDone = 0;
  let reportedBytes = 0;
  let reportedAt = now();
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })) {
      hash.update(chunk as Buffer);
      bytesDone += (chunk as Buffer).length;
      if (onProgress === undefined) continue;
      const time = now();
      if (bytesDone - reportedBytes >= everyBytes || time - reportedAt >= everyMs) {
        onProgress({ path, bytesDone, totalBytes });
        reportedBytes = bytesDone;
        reportedAt = time;
      }
    }
  } catch (error) {
    throw unreadable(path, `cannot read ${path}: ${(error as Error).message}`, error);
  }
  // The caller always hears about the end, however the throttle fell.
  if (onProgress !== undefined && (reportedBytes !== bytesDone || totalBytes === 0)) {
    onProgress({ path, bytesDone, totalBytes });
  }
  return hash.digest('hex');
}

async function getFileStats(path: string): Promise<Stats> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw unreadable(path, code === 'ENOENT' ? `${path} does not exist` : `cannot stat ${path}: ${(error as Error).message}`, error);
  }
  if (!stats.isFile()) {
    throw unreadable(path, `${path} is not a regular file`);
  }
  return stats;
}

function unreadable(path: string, message: string, cause?: unknown): FileHashError {
  return new FileHashError('HASH_FILE_UNREADABLE', message, {
    hint: 'check the path and its permissions',
    context: { path },
    cause,
  });
}
