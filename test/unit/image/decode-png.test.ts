import { readFileSync } from 'node:fs';
import { constants, crc32, deflateSync } from 'node:zlib';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodePng, readPngText } from '../../../src/image/decode-png.ts';
import { PngDecodeError } from '../../../src/image/errors.ts';
import { PNG_SIGNATURE, createChunk, createFilteredScanlines, createHeaderChunk, createRandomBytes, createSamples, encodePng } from './encode-png.ts';

// decodePng is fast-png behind the gate's own checks. The files come from the test encoder, which
// writes every field explicitly, so the checks and the library's wiring are both tested on files
// built independently of either.

const RECORDED_OUTPUT = new URL('../../../fixtures/recordings/0.3.64-cuda/output.png', import.meta.url);

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

function assemble(header: Parameters<typeof createHeaderChunk>[0], ...chunks: Buffer[]): Buffer {
  return Buffer.concat([PNG_SIGNATURE, createHeaderChunk(header), ...chunks, createChunk('IEND')]);
}

describe('decodePng', () => {
  it('round-trips 8-bit RGB noise written with every filter type', () => {
    const next = createRandomBytes(7);
    const samples = createSamples(37, 23, () => [next(), next(), next()]);
    const image = decodePng(encodePng({ width: 37, height: 23, colorType: 2, bitDepth: 8, samples, filters: [0, 1, 2, 3, 4, 4, 3, 1] }));
    expect(image).toMatchObject({ width: 37, height: 23, colorType: 2, bitDepth: 8, channels: 3, text: {} });
    expect(Array.from(image.pixels)).toEqual(samples);
  });

  it('round-trips RGBA, gray and gray+alpha with a filter mix', () => {
    const next = createRandomBytes(11);
    for (const [colorType, channels] of [
      [6, 4],
      [0, 1],
      [4, 2],
    ] as const) {
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
    const palette = [
      [0, 0, 0],
      [255, 0, 0],
      [0, 255, 0],
      [10, 20, 30],
    ] as const;
    const indices = createSamples(7, 3, (x, y) => [(x + y) % 4]);
    for (const bitDepth of [8, 2] as const) {
      const image = decodePng(encodePng({ width: 7, height: 3, colorType: 3, bitDepth, samples: indices, palette, filters: [0, 1, 4] }));
      expect(image).toMatchObject({ colorType: 3, bitDepth, channels: 3 });
      expect(Array.from(image.pixels)).toEqual(indices.flatMap((index) => [...palette[index]!]));
    }
  });

  it('scales 1-, 2- and 4-bit gray to 0-255', () => {
    const samples = createSamples(10, 2, (x, y) => [(x + y) % 2]);
    expect(Array.from(decodePng(encodePng({ width: 10, height: 2, colorType: 0, bitDepth: 1, samples })).pixels)).toEqual(samples.map((bit) => bit * 255));
    const levels = createSamples(4, 1, (x) => [x]);
    expect(Array.from(decodePng(encodePng({ width: 4, height: 1, colorType: 0, bitDepth: 2, samples: levels })).pixels)).toEqual([0, 85, 170, 255]);
    expect(Array.from(decodePng(encodePng({ width: 4, height: 1, colorType: 0, bitDepth: 4, samples: levels })).pixels)).toEqual([0, 17, 34, 51]);
  });

  it('decodes an Adam7-interlaced file to the same pixels', () => {
    const next = createRandomBytes(13);
    const rgb = Uint8Array.from(createSamples(11, 7, () => [next(), next(), next()]));
    const png = encode({ width: 11, height: 7, data: rgb, channels: 3, depth: 8 }, { interlace: 'Adam7' });
    expect(png[28]).toBe(1); // the IHDR interlace byte
    expect(Array.from(decodePng(png).pixels)).toEqual(Array.from(rgb));
  });

  it('joins image data split over several IDAT chunks and returns the tEXt chunks', () => {
    const next = createRandomBytes(3);
    const samples = createSamples(16, 16, () => [next(), next(), next()]);
    const text = [
      createChunk('tEXt', Buffer.from('prompt\0{"3": {"inputs": {"seed": 42}}}', 'latin1')),
      createChunk('tEXt', Buffer.from('workflow\0{}', 'latin1')),
    ];
    const png = encodePng({ width: 16, height: 16, colorType: 2, bitDepth: 8, samples, idatChunkBytes: 50, extraChunks: text });
    expect(Array.from(decodePng(png).pixels)).toEqual(samples);
    expect(readPngText(png)).toEqual({ prompt: '{"3": {"inputs": {"seed": 42}}}', workflow: '{}' });
  });

  it('reads the prompt ComfyUI saved in a recorded output, with the seed it was sent', () => {
    const text = readPngText(readFileSync(RECORDED_OUTPUT));
    expect(Object.keys(text)).toEqual(['prompt']);
    expect((JSON.parse(text.prompt ?? '{}') as Record<string, { inputs: { seed?: number } }>)['3']?.inputs.seed).toBe(1);
  });
});

describe('decodePng refusing damaged files', () => {
  it('says what the data starts with when it is not a PNG', () => {
    const error = getDecodeError(Buffer.from('<!DOCTYPE html><title>500</title>'));
    expect(error.code).toBe('PNG_NOT_PNG');
    expect(error.message).toBe('not a PNG: it starts with 3c 21 44 4f 43 54 59 50 ("<!DOCTYP") instead of the PNG signature 89 50 4e 47 0d 0a 1a 0a');
    expect(getDecodeError(Buffer.from([0x89, 0x50, 0x4e])).message).toBe('not a PNG: the data is 3 bytes, shorter than the 8-byte PNG signature');
  });

  it('names the chunk whose CRC does not match, computed with zlib.crc32', () => {
    const png = encodePng({ width: 4, height: 4, colorType: 0, bitDepth: 8, samples: new Array(16).fill(9) });
    // The IDAT chunk starts right after the signature (8) and IHDR (25 bytes); flip its first data byte.
    const idatEnd = 33 + 8 + png.readUInt32BE(33);
    const stored = png.readUInt32BE(idatEnd);
    png[33 + 8] = png[33 + 8]! ^ 0xff;
    const error = getDecodeError(png);
    expect(error.code).toBe('PNG_CRC_MISMATCH');
    expect(error.message).toBe(
      `PNG chunk IDAT at byte 33 is corrupt: its CRC is ${hex32(stored)} but its contents give ${hex32(crc32(png.subarray(37, idatEnd)))}`,
    );
  });

  it('reports a file cut short inside IHDR, inside a chunk, inside a chunk header, and before IEND', () => {
    const next = createRandomBytes(5);
    const png = encodePng({ width: 8, height: 8, colorType: 2, bitDepth: 8, samples: createSamples(8, 8, () => [next(), next(), next()]) });
    const idatLength = png.readUInt32BE(33);
    expect(getDecodeError(png.subarray(0, 20)).message).toBe('PNG is truncated: the file is 20 bytes and ends inside the IHDR chunk');
    expect(getDecodeError(png.subarray(0, 60)).message).toBe(
      `PNG is truncated: the file is 60 bytes, but its IDAT chunk at byte 33 runs to byte ${33 + 12 + idatLength}`,
    );
    expect(getDecodeError(png.subarray(0, 36)).message).toBe('PNG is truncated: the file is 36 bytes and ends inside the chunk header at byte 33');
    const withoutEnd = png.subarray(0, png.length - 12);
    const error = getDecodeError(withoutEnd);
    expect(error.code).toBe('PNG_TRUNCATED');
    expect(error.message).toBe(`PNG is truncated: the file is ${withoutEnd.length} bytes and has no IEND chunk`);
  });

  it('reports a zlib stream that stops early inside intact chunks', () => {
    const header = { width: 8, height: 8, colorType: 2, bitDepth: 8, samples: new Array(192).fill(100) } as const;
    const compressed = deflateSync(createFilteredScanlines(header));
    const error = getDecodeError(assemble(header, createChunk('IDAT', compressed.subarray(0, compressed.length - 6))));
    expect(error.code).toBe('PNG_TRUNCATED');
    expect(error.message).toBe('PNG is truncated: its compressed image data ends before the zlib stream does');
  });

  it('refuses image data that inflates to more or less than the header declares, without inflating past it', () => {
    // 8x8 RGB declares 8 x (1 + 24) = 200 bytes; 64 MiB of zeros deflate to 64 KB.
    const header = { width: 8, height: 8, colorType: 2, bitDepth: 8 } as const;
    const lying = assemble(header, createChunk('IDAT', deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 1, strategy: constants.Z_RLE })));
    const started = performance.now();
    const error = getDecodeError(lying);
    expect(performance.now() - started).toBeLessThan(100);
    expect(error.code).toBe('PNG_MALFORMED');
    expect(error.message).toBe('PNG is malformed: its image data inflates to more than the 200 bytes its 8x8 header declares');
    expect(getDecodeError(assemble(header, createChunk('IDAT', deflateSync(Buffer.alloc(150))))).message).toBe(
      'PNG is malformed: its image data inflates to 150 bytes, but its 8x8 header declares 200',
    );
    // An interlace flag over sequential data is the same lie: Adam7 rows are laid out differently.
    const interlaced = encodePng({ width: 3, height: 3, colorType: 0, bitDepth: 8, samples: new Array(9).fill(1), interlaced: true });
    expect(getDecodeError(interlaced).message).toBe('PNG is malformed: its image data inflates to 12 bytes, but its 3x3 header declares 15');
  });

  it('reports malformed structure: wrong first chunk, no IDAT, bad filter byte, palette index out of range, missing PLTE', () => {
    expect(getDecodeError(Buffer.concat([PNG_SIGNATURE, createChunk('IEND')])).message).toBe(
      'PNG is malformed: the first chunk is IEND of 0 bytes, not the 13-byte IHDR',
    );
    const header = { width: 2, height: 2, colorType: 0, bitDepth: 8, samples: [1, 2, 3, 4] } as const;
    expect(getDecodeError(assemble(header)).message).toBe('PNG is malformed: it has no IDAT chunk');

    const scanlines = createFilteredScanlines(header);
    scanlines[3] = 7;
    const badFilter = getDecodeError(assemble(header, createChunk('IDAT', deflateSync(scanlines))));
    expect([badFilter.code, badFilter.message]).toEqual(['PNG_MALFORMED', 'PNG is malformed: Unsupported filter: 7']);

    const palette = [
      [1, 2, 3],
      [4, 5, 6],
    ] as const;
    const outOfRange = encodePng({ width: 2, height: 1, colorType: 3, bitDepth: 8, samples: [1, 2], palette });
    expect(getDecodeError(outOfRange).message).toBe('PNG is malformed: Incorrect index of palette color');

    const noPalette = encodePng({ width: 2, height: 1, colorType: 3, bitDepth: 8, samples: [0, 0] });
    expect(getDecodeError(noPalette).message).toBe('PNG is malformed: it has colour type 3 (palette) but no PLTE chunk');
  });

  it('rejects a bit depth the colour type does not allow', () => {
    const png = Buffer.concat([PNG_SIGNATURE, createHeaderChunk({ width: 1, height: 1, colorType: 2, bitDepth: 4 }), createChunk('IEND')]);
    expect(getDecodeError(png).message).toBe('PNG is malformed: bit depth 4 is not allowed for colour type 2');
  });
});
