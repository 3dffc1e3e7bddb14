import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

import type { RecordSplitter } from '../../../src/gpu/gpu-sample.ts';
import { createLineReader } from '../../../src/gpu/stream-sampler.ts';

export const GPU_SAMPLES_DIR = fileURLToPath(new URL('../../../fixtures/gpu-samples/', import.meta.url));
export const RECORDINGS_DIR = fileURLToPath(new URL('../../../fixtures/recordings/', import.meta.url));

/** The text of one file in fixtures/gpu-samples, exactly as saved. */
export function readGpuSample(name: string): string {
  return readFileSync(GPU_SAMPLES_DIR + name, 'utf8');
}

/** The text of a file under fixtures/recordings, e.g. `0.3.64-cuda/nvidia-smi.csv`. */
export function readRecording(path: string): string {
  return readFileSync(RECORDINGS_DIR + path, 'utf8');
}

/** Epoch ms of a wall-clock time in the host's zone, the way nvidia-smi prints it. */
export function localTime(year: number, month: number, day: number, hours: number, minutes: number, seconds: number, ms = 0): number {
  return new Date(year, month - 1, day, hours, minutes, seconds, ms).getTime();
}

// mulberry32: a tiny seeded generator, so a failing chunking is the same on every run.
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts `text` into chunks of 1..maxLength characters, at places chosen by `seed`. */
export function splitIntoRandomChunks(text: string, seed: number, maxLength = 97): string[] {
  const random = createRandom(seed);
  const chunks: string[] = [];
  for (let offset = 0; offset < text.length; ) {
    const length = 1 + Math.floor(random() * maxLength);
    chunks.push(text.slice(offset, offset + length));
    offset += length;
  }
  return chunks;
}

/** The lines the stream sampler's line reader (node:readline) gives for `chunks` arriving on a tool's stdout, blank ones dropped as the sampler does. */
export async function readLines(chunks: readonly string[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createLineReader(Readable.from(chunks))) if (line.trim() !== '') lines.push(line);
  return lines;
}

/** Feeds `chunks` to a splitter the way a child process's stdout would, then closes it. */
export function feedChunks(splitter: RecordSplitter, chunks: readonly string[]): string[] {
  return [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.end()];
}

/**
 * Turns macmon's README `jsonc` examples into the one-line JSON `macmon pipe` prints: drops the
 * `// …` annotations and the trailing commas they leave. Test-side on purpose: real pipe output
 * has neither, so the parser must not need this.
 */
export function stripJsoncAnnotations(text: string): string {
  const withoutComments = text.replace(/\s*\/\/[^\n]*$/gm, '');
  return JSON.stringify(JSON.parse(withoutComments.replace(/,(\s*[}\]])/g, '$1')));
}
