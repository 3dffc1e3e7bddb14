import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../../src/image/decode-png';
import { PngDecodeError } from '../../../src/image/errors';
import {
  PNG_SIGNATURE,
  createChunk,
  createFilteredScanlines,
  createHeaderChunk,
  createRandomBytes,
  createSamples,
  encodePng,
} from './encode-png';

function getDecodeError(buffer: Uint8Array): PngDecodeError {
  try {
    decodePng(buffer);
  } catch (error) {
    if (error instanceof PngDecodeError) return error;
    throw error;
  }
  throw new Error('expected decodePng to throw');
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

describe('decodePng', () => {
  it('round-trips 8-bit RGB noise written with every filter type', () => {
    const next = createRandomBytes(7);
    const samples = createSamples(37, 23, () => [next(), next(), next()]);
    const png = encodePng({ width: 37, height: 23, colorType: 2, bitDepth: 8, samples, filters: [0, 1, 2, 3, 4, 4, 3, 1] });
    const image = decodePng(png);
    expect(image).toMatchObject({ width: 37, height: 23, colorType: 2, bitDepth: 8, channels: 3 });
    expect(Array.from(image.pixels)).toEqual(samples);
  });

  it('round-trips RGBA, gray and gray+alpha with a filter mix', () => {
    const next = createRandomBytes(11);
    for (const [colorType, channels] of [[6, 4], [0, 1], [4, 2]] as const) {
      const samples = createSamples(19, 9, () => Array.from({ length: channels }, next));
      const image = decodePng(encodePng({ width: 19, height: 9, colorType, bitDepth: 8, samples, filters: [4, 3, 2, 1, 0] }));
      expect(image.channels).toBe(channels);
      expect(Array.from(image.pixels)).toEqual(samples);
    }
  });

  it('keeps 16-bit samples whole', () => {
    const samples = createSamples(5, 4, (x, y) => [x * 13000, y * 20000 + 1, 65535 - x * 257]);
    const image = decodePng(encodePng({ width: 5, height: 4, colorType: 2, bitDepth: 16, samples, filters: [1, 4, 3, 2] }));
    expect(image.pixels).toBeInstanceOf(Uint16Array);
    expect(Array.from(image.pixels)).toEqual(samples);
  });

  it('maps palette indices through PLTE, also when packed two bits a pixel', () => {
    const palette = [[0, 0, 0], [255, 0, 0], [0, 255, 0], [10, 20, 30]] as const;
    const indices = createSamples(7, 3, (x, y) => [(x + y) % 4]);
    for (const bitDepth of [8, 2] as const) {
      const image = decodePng(encodePng({ width: 7, height: 3, colorType: 3, bitDepth, samples: indices, palette, filters: [0, 1, 4] }));
      expect(image).toMatchObject({ colorType: 3, bitDepth, channels: 3 });
      expect(Array.from(image.pixels)).toEqual(indices.flatMap((index) => [...palette[index]!]));
    }
  });

  it('scales 1-bit gray to 0 and 255', () => {
    const samples = createSamples(10, 2, (x, y) => [(x + y) % 2]);
    const image = decodePng(encodePng({ width: 10, height: 2, colorType: 0, bitDepth: 1, samples }));
    expect(Array.from(image.pixels)).toEqual(samples.map((bit) => bit * 255));
  });

  it('joins image data split over several IDAT chunks and skips ancillary chunks', () => {
    const next = createRandomBytes(3);
    const samples = createSamples(16, 16, () => [next(), next(), next()]);
    const text = createChunk('tEXt', Buffer.from('prompt\0{"1":{}}', 'latin1'));
    const png = encodePng({ width: 16, height: 16, colorType: 2, bitDepth: 8, samples, idatChunkBytes: 50, extraChunks: [text] });
    expect(Array.from(decodePng(png).pixels)).toEqual(samples);
  });

  it('says what the data starts with when it is not a PNG', () => {
    const html = Buffer.from('<!DOCTYPE html><title>500</title>');
    const error = getDecodeError(html);
    expect(error.code).toBe('PNG_NOT_PNG');
    expect(error.message).toBe(
      'not a PNG: it starts with 3c 21 44 4f 43 54 59 50 ("<!DOCTYP") instead of the PNG signature 89 50 4e 47 0d 0a 1a 0a',
    );
    expect(getDecodeError(Buffer.from([0x89, 0x50, 0x4e])).message).toBe(
      'not a PNG: the data is 3 bytes, shorter than the 8-byte PNG signature',
    );
  });

  it('names the chunk whose CRC does not match', () => {
    const png = encodePng({ width: 4, height: 4, colorType: 0, bitDepth: 8, samples: new Array(16).fill(9) });
    // The IDAT chunk starts right after the signature (8) and IHDR (25 bytes); flip its first data byte.
    const idatOffset = 33;
    const stored = png.readUInt32BE(idatOffset + 8 + png.readUInt32BE(idatOffset));
    png[idatOffset + 8] = png[idatOffset + 8]! ^ 0xff;
    const actual = crc32(png.subarray(idatOffset + 4, idatOffset + 8 + png.readUInt32BE(idatOffset)));
    const error = getDecodeError(png);
    expect(error.code).toBe('PNG_CRC_MISMATCH');
    expect(error.message).toBe(`PNG chunk IDAT at byte 33 is corrupt: its CRC is ${hex32(stored)} but its contents give ${hex32(actual)}`);
  });

  it('reports a file cut short inside a chunk, inside a chunk header, and before IEND', () => {
    const next = createRandomBytes(5);
    const png = encodePng({ width: 8, height: 8, colorType: 2, bitDepth: 8, samples: createSamples(8, 8, () => [next(), next(), next()]) });
    const idatLength = png.readUInt32BE(33);
    expect(getDecodeError(png.subarray(0, 60)).message).toBe(
      `PNG is truncated: the file is 60 bytes, but its IDAT chunk at byte 33 runs to byte ${33 + 12 + idatLength}`,
    );
    expect(getDecodeError(png.subarray(0, 36)).message).toBe(
      'PNG is truncated: the file is 36 bytes and ends inside the chunk header at byte 33',
    );
    const withoutEnd = png.subarray(0, png.length - 12);
    const error = getDecodeError(withoutEnd);
    expect(error.code).toBe('PNG_TRUNCATED');
    expect(error.message).toBe(`PNG is truncated: the file is ${withoutEnd.length} bytes and has no IEND chunk`);
  });

  it('reports a zlib stream that stops early inside intact chunks', () => {
    const header = { width: 8, height: 8, colorType: 2, bitDepth: 8, samples: new Array(192).fill(100) } as const;
    const compressed = deflateSync(createFilteredScanlines(header));
    const png = Buffer.concat([
      PNG_SIGNATURE,
      createHeaderChunk(header),
      createChunk('IDAT', compressed.subarray(0, compressed.length - 6)),
      createChunk('IEND'),
    ]);
    const error = getDecodeError(png);
    expect(error.code).toBe('PNG_TRUNCATED');
    expect(error.message).toBe('PNG is truncated: its compressed image data ends before the zlib stream does');
  });

  it('refuses interlaced images by name', () => {
    const png = encodePng({ width: 3, height: 3, colorType: 0, bitDepth: 8, samples: new Array(9).fill(1), interlaced: true });
    const error = getDecodeError(png);
    expect(error.code).toBe('PNG_UNSUPPORTED');
    expect(error.message).toBe('PNG is interlaced (Adam7), which this decoder does not support (3x3)');
  });

  it('reports malformed structure: wrong first chunk, bad filter byte, palette index out of range, missing PLTE', () => {
    const iend = Buffer.concat([PNG_SIGNATURE, createChunk('IEND')]);
    expect(getDecodeError(iend).message).toBe('PNG is malformed: the first chunk is IEND, not IHDR');

    const header = { width: 2, height: 2, colorType: 0, bitDepth: 8, samples: [1, 2, 3, 4] } as const;
    const scanlines = createFilteredScanlines(header);
    scanlines[3] = 7;
    const badFilter = Buffer.concat([
      PNG_SIGNATURE,
      createHeaderChunk(header),
      createChunk('IDAT', deflateSync(scanlines)),
      createChunk('IEND'),
    ]);
    expect(getDecodeError(badFilter).message).toBe('PNG is malformed: row 1 uses filter type 7; only 0-4 exist');

    const palette = [[1, 2, 3], [4, 5, 6]] as const;
    const outOfRange = encodePng({ width: 2, height: 1, colorType: 3, bitDepth: 8, samples: [1, 2], palette });
    expect(getDecodeError(outOfRange).message).toBe(
      'PNG is malformed: pixel (1, 0) uses palette index 2, but the PLTE chunk has 2 entries',
    );

    const noPalette = encodePng({ width: 2, height: 1, colorType: 3, bitDepth: 8, samples: [0, 0] });
    expect(getDecodeError(noPalette).message).toBe('PNG is malformed: it has colour type 3 (palette) but no PLTE chunk');
  });

  it('rejects a bit depth the colour type does not allow', () => {
    const png = Buffer.concat([
      PNG_SIGNATURE,
      createHeaderChunk({ width: 1, height: 1, colorType: 2, bitDepth: 4 }),
      createChunk('IEND'),
    ]);
    expect(getDecodeError(png).message).toBe('PNG is malformed: bit depth 4 is not allowed for colour type 2');
  });
});
