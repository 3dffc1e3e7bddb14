import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { FileHashError } from './errors.ts';

const hashCacheEntrySchema = z.object({
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const hashCacheSchema = z.object({
  version: z.literal(1),
  files: z.record(z.string(), hashCacheEntrySchema),
});

/** What the cache remembers about one file: its hash is trusted while size and mtime are unchanged. */
export type HashCacheEntry = z.infer<typeof hashCacheEntrySchema>;

/** The cache file's contents: entries keyed by absolute path. */
export type HashCache = z.infer<typeof hashCacheSchema>;

/** Reads the hash cache; a missing, unreadable or malformed cache reads as empty, since every entry can be recomputed. */
export async function readHashCache(cacheFile: string): Promise<HashCache> {
  let text: string;
  try {
    text = await readFile(cacheFile, 'utf8');
  } catch {
    return createEmptyCache();
  }
  try {
    const parsed = hashCacheSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : createEmptyCache();
  } catch {
    return createEmptyCache();
  }
}

/** Records one file's hash, re-reading the cache first so entries other runs wrote meanwhile survive. */
export async function writeHashCacheEntry(cacheFile: string, path: string, entry: HashCacheEntry): Promise<void> {
  const cache = await readHashCache(cacheFile);
  const next: HashCache = { version: 1, files: { ...cache.files, [path]: entry } };
  // Write beside the target and rename over it: a reader sees the old cache or the new one, never half a file.
  const temporary = `${cacheFile}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await mkdir(dirname(cacheFile), { recursive: true });
    await writeFile(temporary, `${JSON.stringify(next, null, 2)}\n`);
    await rename(temporary, cacheFile);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new FileHashError('HASH_CACHE_UNWRITABLE', `cannot write the hash cache ${cacheFile}: ${(error as Error).message}`, {
      hint: 'point the cache at a writable file, or leave cacheFile out to hash without a cache',
      context: { cacheFile },
      cause: error,
    });
  }
}

function createEmptyCache(): HashCache {
  return { version: 1, files: {} };
}
