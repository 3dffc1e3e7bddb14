import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createInflate, crc32 } from 'node:zlib';
import { afterEach, describe, expect, test } from 'vitest';
import { getBombPng } from '../../../fixtures/fake-comfyui/image/bomb-png.ts';
import { renderNoiseImage } from '../../../fixtures/fake-comfyui/image/noise.ts';
import { encodePng } from '../../../fixtures/fake-comfyui/image/png.ts';
import { INSTALL_DIR, startFake, stopAllFakes } from './support/fake-process.ts';
import { readPng } from './support/read-png.ts';
import { recordSocket } from './support/socket-recorder.ts';
import { getBenchmarkPrompt, runToEnd } from './support/runs.ts';

// The fake's own PNG encoder, its bomb and its checkpoint, checked against independent readers.

afterEach(stopAllFakes);

interface Chunk {
  readonly type: string;
  readonly data: Buffer;
}

/** The chunks of a PNG, each CRC checked with node:zlib; no pixel data is inflated. */
function readChunks(file: Buffer): Chunk[] {
  expect(file.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const chunks: Chunk[] = [];
  for (let offset = 8; offset < file.length; ) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    expect(crc32(file.subarray(offset + 4, offset + 8 + length)), `CRC of ${type} at ${offset}`).toBe(file.readUInt32BE(offset + 8 + length));
    chunks.push({ type, data: file.subarray(offset + 8, offset + 8 + length) });
    offset += 12 + length;
  }
  return chunks;
}

/** Inflates a stream a piece at a time, counting its bytes and the pieces that are not all zeros, never holding it all. */
async function measureInflated(compressed: Buffer): Promise<{ bytes: number; piecesNotZero: number }> {
  const chunkSize = 1024 * 1024;
  const zeros = Buffer.alloc(chunkSize);
  let bytes = 0;
  let piecesNotZero = 0;
  for await (const piece of Readable.from([compressed]).pipe(createInflate({ chunkSize })) as AsyncIterable<Buffer>) {
    bytes += piece.length;
    if (!piece.equals(zeros.subarray(0, piece.length))) piecesNotZero++;
  }
  return { bytes, piecesNotZero };
}

describe('encodePng', () => {
  test('round-trips pixels and text through an independent reader, splitting IDAT at 64 KiB', () => {
    const image = renderNoiseImage(300, 200, '42');
    const png = readPng(encodePng(image, { prompt: '{"a": 1}' }));
    expect([png.width, png.height, png.text.prompt]).toEqual([300, 200, '{"a": 1}']);
    expect(Buffer.from(png.rgb).equals(Buffer.from(image.rgb))).toBe(true);
    expect(png.chunkTypes.filter((type) => type === 'IDAT').length).toBeGreaterThan(1);
  });
});

describe('the install folder checkpoint', () => {
  test('is a valid safetensors file under 4 KB whose tensors fill the data exactly', () => {
    const file = readFileSync(join(INSTALL_DIR, 'models', 'checkpoints', 'anything-v5-PrtRE.safetensors'));
    expect(file.length).toBeLessThan(4096);
    const headerLength = Number(file.readBigUInt64LE(0));
    const header = JSON.parse(file.toString('utf8', 8, 8 + headerLength)) as Record<
      string,
      { dtype?: string; shape?: number[]; data_offsets?: [number, number] }
    >;
    expect(header.__metadata__).toBeDefined();
    const tensors = Object.entries(header).filter(([name]) => name !== '__metadata__');
    expect(tensors.length).toBeGreaterThanOrEqual(1);
    let end = 0;
    for (const [, tensor] of tensors) {
      const [from = 0, to = 0] = tensor.data_offsets ?? [];
      expect(tensor.dtype).toBe('F16');
      expect(to - from).toBe((tensor.shape ?? []).reduce((product, size) => product * size, 1) * 2);
      end = Math.max(end, to);
    }
    expect(8 + headerLength + end).toBe(file.length);
  });
});

describe('the bomb-png fault', () => {
  test('the bomb is a valid 1.2 MB PNG whose IHDR says 20000x20000 8-bit RGB and whose data inflates to 1.2 GB of zeros', async () => {
    const bomb = await getBombPng();
    expect(bomb.length).toBeGreaterThan(1_000_000);
    expect(bomb.length).toBeLessThan(1_300_000);
    const chunks = readChunks(bomb);
    expect(chunks[0]?.type).toBe('IHDR');
    expect(chunks.at(-1)?.type).toBe('IEND');
    const header = chunks[0]?.data ?? Buffer.alloc(13);
    expect([header.readUInt32BE(0), header.readUInt32BE(4), ...header.subarray(8)]).toEqual([20000, 20000, 8, 2, 0, 0, 0]);
    const idat = chunks.filter((chunk) => chunk.type === 'IDAT');
    expect(idat.slice(0, -1).every((chunk) => chunk.data.length === 65536)).toBe(true);
    // Every row: filter byte 0 (None) and 60000 zero samples.
    expect(await measureInflated(Buffer.concat(idat.map((chunk) => chunk.data)))).toEqual({ bytes: 20000 * 60001, piecesNotZero: 0 });
  });

  test('/view serves the bomb in place of every saved image and logs the fault', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'bomb-png' } });
    const socket = await recordSocket(fake.url, 'c1');
    await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 2 }));
    const response = await fetch(`${fake.url}/view?filename=bench_00001_.png&subfolder=&type=output`);
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(Buffer.from(await response.arrayBuffer()).equals(await getBombPng())).toBe(true);
    expect((await fetch(`${fake.url}/view?filename=missing.png&type=output`)).status).toBe(404);
    expect(fake.events().filter((event) => event.event === 'fault')).toEqual([expect.objectContaining({ fault: 'bomb-png', filename: 'bench_00001_.png' })]);
  });
});
