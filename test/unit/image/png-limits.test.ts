import { beforeAll, describe, expect, it } from 'vitest';
import { getBombPng } from '../../../fixtures/fake-comfyui/image/bomb-png.ts';
import { decodePng } from '../../../src/image/decode-png.ts';
import { GateError } from '../../../src/errors.ts';
import { inspectPng } from '../../../src/image/inspect-image.ts';
import { MAX_PNG_FILE_BYTES, MAX_PNG_RAW_BYTES } from '../../../src/image/png-limits.ts';
import { createChunk, encodePng } from './encode-png.ts';

// The caps act on the header alone: a decompression bomb is refused before a byte of it is inflated.

const NOT_FROM_WORKFLOW_HINT = "the image was not produced by the plan's workflow; check which server answers at the ComfyUI URL and what its /view serves";

function getError(run: () => unknown): GateError {
  try {
    run();
  } catch (error) {
    if (error instanceof GateError) return error;
    throw error;
  }
  throw new Error('expected a GateError');
}

describe("the fake's bomb: a valid 1.2 MB PNG whose header says 20000x20000", () => {
  let bomb: Buffer;
  beforeAll(async () => {
    bomb = await getBombPng();
  });

  it('is refused by the raw-size cap in under 100 ms, naming the size and the limit', () => {
    expect(bomb.length).toBeLessThan(MAX_PNG_FILE_BYTES);
    const started = performance.now();
    const error = getError(() => inspectPng(bomb));
    expect(performance.now() - started).toBeLessThan(100);
    expect(error.code).toBe('PNG_TOO_LARGE');
    expect(error.message).toBe(
      'the image from /view is 20000x20000 (8-bit RGB): its pixels would inflate to 1144.4 MiB, over the 64 MiB limit: refused before decoding',
    );
    expect(error.hint).toBe(NOT_FROM_WORKFLOW_HINT);
    expect(error.context).toEqual({ width: 20000, height: 20000, bitDepth: 8, colorType: 2, rawBytes: 1_200_020_000, maxRawBytes: MAX_PNG_RAW_BYTES });
  });

  it('is refused by the expected size first when the caller gives it, in under 100 ms', () => {
    const started = performance.now();
    const error = getError(() => inspectPng(bomb, { expected: { width: 512, height: 512 }, source: 'benchmark-output.png from /view' }));
    expect(performance.now() - started).toBeLessThan(100);
    expect(error.code).toBe('IMAGE_WRONG_SIZE');
    expect(error.message).toBe('benchmark-output.png from /view is 20000x20000, expected 512x512: refused before decoding');
    expect(error.hint).toBe(NOT_FROM_WORKFLOW_HINT);
  });
});

describe('the caps', () => {
  const png = encodePng({ width: 64, height: 64, colorType: 2, bitDepth: 8, samples: new Array(64 * 64 * 3).fill(7) });

  it('refuse a file over the file-size cap before reading it', () => {
    const error = getError(() => decodePng(png, { source: 'out.png', limits: { maxFileBytes: 100, maxRawBytes: MAX_PNG_RAW_BYTES } }));
    expect(error.code).toBe('PNG_TOO_LARGE');
    expect(error.message).toBe(`out.png is ${png.length} bytes, over the 100 bytes limit for one image: refused before decoding`);
    expect(error.context).toEqual({ bytes: png.length, maxFileBytes: 100 });
  });

  it('let through a header declaring exactly the raw cap and refuse one byte more', () => {
    // 64x64 RGB: 64 rows of 1 + 192 bytes.
    const limits = { maxFileBytes: MAX_PNG_FILE_BYTES, maxRawBytes: 64 * 193 };
    expect(decodePng(png, { limits })).toMatchObject({ width: 64, height: 64 });
    const error = getError(() => decodePng(png, { limits: { ...limits, maxRawBytes: 64 * 193 - 1 } }));
    expect(error.message).toBe('the PNG is 64x64 (8-bit RGB): its pixels would inflate to 12352 bytes, over the 12351 bytes limit: refused before decoding');
    expect(error.context).toMatchObject({ rawBytes: 12_352, maxRawBytes: 12_351 });
  });

  it('check the header size against the expected one before the CRCs or the data', () => {
    // A header whose IDAT is garbage: refused for its size, without a word about the data.
    const header = encodePng({ width: 8, height: 4, colorType: 0, bitDepth: 8, samples: new Array(32).fill(0) }).subarray(0, 33);
    const damaged = Buffer.concat([header, createChunk('IDAT', Buffer.from('not zlib')), createChunk('IEND')]);
    const error = getError(() => inspectPng(damaged, { expected: { width: 512, height: 512 } }));
    expect([error.code, error.message]).toEqual(['IMAGE_WRONG_SIZE', 'the image from /view is 8x4, expected 512x512: refused before decoding']);
    expect(error.context).toEqual({ width: 8, height: 4, bitDepth: 8, colorType: 0, expectedWidth: 512, expectedHeight: 512 });
  });
});
