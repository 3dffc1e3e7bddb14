import { PngDecodeError } from './errors.ts';

export type PngColorType = 0 | 2 | 3 | 4 | 6;
export type PngBitDepth = 1 | 2 | 4 | 8 | 16;

/** What the IHDR chunk declares, read before any image data is touched. */
export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: PngBitDepth;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  readonly colorType: PngColorType;
  readonly interlaced: boolean;
}

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** Samples per pixel as stored in the file, by colour type. */
export const CHANNELS_IN_FILE: Readonly<Record<PngColorType, 1 | 2 | 3 | 4>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const ALLOWED_BIT_DEPTHS: Readonly<Record<PngColorType, readonly number[]>> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
// Signature (8), then the IHDR chunk: length (4), type (4), 13 bytes of fields, CRC (4).
const IHDR_END = 33;
const MAX_DIMENSION = 0x7fffffff;
const REFETCH_HINT = 'fetch the image again from the server (/view) and check the ComfyUI log for errors while saving';

/** Checks the signature and reads IHDR from the first 33 bytes: a check of the header, not a decoder (its CRC is checked with the other chunks). */
export function readPngHeader(buffer: Uint8Array): PngHeader {
  validateSignature(buffer);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const type = String.fromCharCode(...buffer.subarray(12, 16));
  if (type.length === 4 && (type !== 'IHDR' || view.getUint32(8) !== 13)) {
    throw malformed(`the first chunk is ${type} of ${view.getUint32(8)} bytes, not the 13-byte IHDR`);
  }
  if (buffer.length < IHDR_END) {
    throw new PngDecodeError('PNG_TRUNCATED', `PNG is truncated: the file is ${buffer.length} bytes and ends inside the IHDR chunk`, { hint: REFETCH_HINT });
  }
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const [bitDepth = 0, colorType = 0, compression, filter, interlace] = buffer.subarray(24, 29);
  if (width === 0 || height === 0 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
    throw malformed(`its size ${width}x${height} is not allowed`);
  }
  const allowed = ALLOWED_BIT_DEPTHS[colorType as PngColorType] as readonly number[] | undefined;
  if (allowed === undefined) throw malformed(`colour type ${colorType} does not exist`);
  if (!allowed.includes(bitDepth)) throw malformed(`bit depth ${bitDepth} is not allowed for colour type ${colorType}`);
  if (compression !== 0 || filter !== 0 || (interlace !== 0 && interlace !== 1)) {
    throw malformed(`compression ${compression}, filter ${filter}, interlace ${interlace} are not PNG methods`);
  }
  return { width, height, bitDepth: bitDepth as PngBitDepth, colorType: colorType as PngColorType, interlaced: interlace === 1 };
}

/** Bytes the image data inflates to: one filter byte per row, per Adam7 pass when interlaced. */
export function getRawByteLength(header: PngHeader): number {
  const bitsPerPixel = CHANNELS_IN_FILE[header.colorType] * header.bitDepth;
  const rowBytes = (width: number) => Math.ceil((width * bitsPerPixel) / 8) + 1;
  if (!header.interlaced) return header.height * rowBytes(header.width);
  // Adam7: pass p takes every stepX-th column from startX and every stepY-th row from startY.
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ] as const;
  let total = 0;
  for (const [startX, startY, stepX, stepY] of passes) {
    const passWidth = Math.ceil((header.width - startX) / stepX);
    const passHeight = Math.ceil((header.height - startY) / stepY);
    if (passWidth > 0 && passHeight > 0) total += passHeight * rowBytes(passWidth);
  }
  return total;
}

function validateSignature(buffer: Uint8Array): void {
  if (buffer.length < PNG_SIGNATURE.length) {
    throw new PngDecodeError('PNG_NOT_PNG', `not a PNG: the data is ${buffer.length} bytes, shorter than the 8-byte PNG signature`, {
      hint: REFETCH_HINT,
      context: { bytes: buffer.length },
    });
  }
  const start = buffer.subarray(0, PNG_SIGNATURE.length);
  if (start.every((byte, i) => byte === PNG_SIGNATURE[i])) return;
  const text = Array.from(start, (byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
  throw new PngDecodeError('PNG_NOT_PNG', `not a PNG: it starts with ${toHex(start)} ("${text}") instead of the PNG signature ${toHex(PNG_SIGNATURE)}`, {
    hint: 'the server answered with something other than an image (an error page?); check the /view URL and the ComfyUI log',
    context: { start: toHex(start) },
  });
}

function malformed(detail: string): PngDecodeError {
  return new PngDecodeError('PNG_MALFORMED', `PNG is malformed: ${detail}`, { hint: REFETCH_HINT });
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}
