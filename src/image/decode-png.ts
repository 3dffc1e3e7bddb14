import { constants as bufferConstants } from 'node:buffer';
import { inflateSync } from 'node:zlib';
import { PngDecodeError } from './errors';
import { readPngChunks } from './read-png-chunks';
import type { PngBitDepth, PngColorType, PngHeader } from './read-png-chunks';
import { unfilterScanlines } from './unfilter-png';

export type { PngBitDepth, PngColorType } from './read-png-chunks';

/** A decoded image: samples row by row, pixel by pixel, channel by channel. */
export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** As stored in the file. */
  readonly bitDepth: PngBitDepth;
  /** As stored in the file: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  readonly colorType: PngColorType;
  /** Channels per pixel in `pixels`: 1 gray, 2 gray+alpha, 3 RGB (also palette images), 4 RGBA. */
  readonly channels: 1 | 2 | 3 | 4;
  /** 0-65535 samples for 16-bit files, else 0-255 (gray below 8 bits is scaled up, palettes are looked up). */
  readonly pixels: Uint8Array | Uint16Array;
}

const CHANNELS_IN_FILE: Readonly<Record<PngColorType, 1 | 2 | 3 | 4>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const REFETCH_HINT = 'fetch the image again from the server (/view); the image data is damaged';

/** Decodes a non-interlaced PNG of any standard colour type; palette and tRNS transparency are not applied as alpha. */
export function decodePng(buffer: Uint8Array): DecodedPng {
  const { header, palette, compressedData } = readPngChunks(buffer);
  const { width, height, bitDepth, colorType } = header;
  if (header.interlaced) {
    throw new PngDecodeError('PNG_UNSUPPORTED', `PNG is interlaced (Adam7), which this decoder does not support (${width}x${height})`, {
      hint: 'ComfyUI saves non-interlaced PNGs; re-save the image without interlacing to inspect it',
      context: { width, height },
    });
  }
  const fileChannels = CHANNELS_IN_FILE[colorType];
  const bitsPerPixel = fileChannels * bitDepth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const layout = { height, stride, bytesPerPixel: Math.ceil(bitsPerPixel / 8) };
  const raw = unfilterScanlines(inflateImageData(compressedData, header, height * (stride + 1)), layout);

  if (colorType === 3) {
    // readPngChunks refuses a palette image without PLTE.
    return { width, height, bitDepth, colorType, channels: 3, pixels: getPaletteColors(raw, header, stride, palette!) };
  }
  if (bitDepth === 16) {
    return { width, height, bitDepth, colorType, channels: fileChannels, pixels: getWideSamples(raw) };
  }
  if (bitDepth < 8) {
    return { width, height, bitDepth, colorType, channels: 1, pixels: getScaledGray(raw, header, stride) };
  }
  return { width, height, bitDepth, colorType, channels: fileChannels, pixels: raw };
}

function inflateImageData(compressed: Buffer, header: PngHeader, expectedBytes: number): Uint8Array {
  const size = `${header.width}x${header.height}`;
  if (expectedBytes > bufferConstants.MAX_LENGTH) {
    throw new PngDecodeError('PNG_UNSUPPORTED', `PNG is too large to decode in memory: ${size} needs ${expectedBytes} bytes`, {
      hint: 'the gate inspects generated images of a few megapixels; check the image size in the workflow',
      context: { width: header.width, height: header.height },
    });
  }
  let inflated: Buffer;
  try {
    // The cap stops a hostile or broken stream from inflating past what the header promised.
    inflated = inflateSync(compressed, { maxOutputLength: Math.max(1, expectedBytes) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw malformed(`its image data inflates to more than the ${expectedBytes} bytes a ${size} image needs`, error);
    }
    if (code === 'Z_BUF_ERROR') {
      throw new PngDecodeError('PNG_TRUNCATED', `PNG is truncated: its compressed image data ends before the zlib stream does`, {
        hint: REFETCH_HINT,
        cause: error,
      });
    }
    throw malformed(`its image data does not inflate: ${(error as Error).message}`, error);
  }
  if (inflated.length !== expectedBytes) {
    throw malformed(`its image data inflates to ${inflated.length} bytes, but a ${size} image needs ${expectedBytes}`);
  }
  return inflated;
}

function getWideSamples(raw: Uint8Array): Uint16Array {
  const samples = new Uint16Array(raw.length >>> 1);
  for (let i = 0, j = 0; i < samples.length; i++, j += 2) {
    samples[i] = (raw[j]! << 8) | raw[j + 1]!;
  }
  return samples;
}

function getPaletteColors(raw: Uint8Array, header: PngHeader, stride: number, palette: Uint8Array): Uint8Array {
  const { width, height, bitDepth } = header;
  const entries = Math.floor(palette.length / 3);
  const rgb = new Uint8Array(width * height * 3);
  let out = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const index = readPackedSample(raw, y * stride, x, bitDepth);
      if (index >= entries) {
        throw malformed(`pixel (${x}, ${y}) uses palette index ${index}, but the PLTE chunk has ${entries} entries`);
      }
      rgb[out++] = palette[index * 3]!;
      rgb[out++] = palette[index * 3 + 1]!;
      rgb[out++] = palette[index * 3 + 2]!;
    }
  }
  return rgb;
}

function getScaledGray(raw: Uint8Array, header: PngHeader, stride: number): Uint8Array {
  const { width, height, bitDepth } = header;
  const scale = 255 / ((1 << bitDepth) - 1);
  const gray = new Uint8Array(width * height);
  let out = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      gray[out++] = Math.round(readPackedSample(raw, y * stride, x, bitDepth) * scale);
    }
  }
  return gray;
}

// Samples narrower than a byte are packed from the most significant bit; a byte-wide one is just the byte.
function readPackedSample(raw: Uint8Array, rowStart: number, x: number, bitDepth: number): number {
  if (bitDepth === 8) return raw[rowStart + x]!;
  const bit = x * bitDepth;
  const shift = 8 - bitDepth - (bit & 7);
  return (raw[rowStart + (bit >>> 3)]! >>> shift) & ((1 << bitDepth) - 1);
}

function malformed(detail: string, cause?: unknown): PngDecodeError {
  return new PngDecodeError('PNG_MALFORMED', `PNG is malformed: ${detail}`, { hint: REFETCH_HINT, cause });
}
