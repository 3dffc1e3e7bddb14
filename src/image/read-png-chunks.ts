import { getCrc32 } from './crc32';
import { PngDecodeError } from './errors';

export type PngColorType = 0 | 2 | 3 | 4 | 6;
export type PngBitDepth = 1 | 2 | 4 | 8 | 16;

/** The IHDR fields the decoder needs. */
export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: PngBitDepth;
  readonly colorType: PngColorType;
  readonly interlaced: boolean;
}

/** The parts of a PNG that carry pixels: header, palette (colour type 3) and the joined IDAT stream. */
export interface PngChunks {
  readonly header: PngHeader;
  readonly palette: Uint8Array | undefined;
  readonly compressedData: Buffer;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const ALLOWED_BIT_DEPTHS: Readonly<Record<PngColorType, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
const MAX_CHUNK_LENGTH = 0x7fffffff;

const REFETCH_HINT = 'fetch the image again from the server (/view) and check the ComfyUI log for errors while saving';

/** Walks the chunks of a PNG, checking the signature, every CRC and that nothing is cut short. */
export function readPngChunks(buffer: Uint8Array): PngChunks {
  validateSignature(buffer);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const idatParts: Uint8Array[] = [];
  let header: PngHeader | undefined;
  let palette: Uint8Array | undefined;
  let offset = SIGNATURE.length;

  while (offset < buffer.length) {
    if (offset + 8 > buffer.length) {
      throw truncated(`the file is ${buffer.length} bytes and ends inside the chunk header at byte ${offset}`);
    }
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...buffer.subarray(offset + 4, offset + 8));
    if (length > MAX_CHUNK_LENGTH) {
      throw malformed(`the ${type} chunk at byte ${offset} declares ${length} bytes, over the 2^31-1 limit`);
    }
    const dataStart = offset + 8;
    const chunkEnd = dataStart + length + 4;
    if (chunkEnd > buffer.length) {
      throw truncated(`the file is ${buffer.length} bytes, but its ${type} chunk at byte ${offset} runs to byte ${chunkEnd}`);
    }
    validateCrc(buffer, view, offset, type, dataStart + length);
    const data = buffer.subarray(dataStart, dataStart + length);

    if (header === undefined && type !== 'IHDR') {
      throw malformed(`the first chunk is ${type}, not IHDR`);
    }
    if (type === 'IHDR') {
      header = readHeader(data, offset);
    } else if (type === 'PLTE') {
      palette = data;
    } else if (type === 'IDAT') {
      idatParts.push(data);
    } else if (type === 'IEND') {
      // The first-chunk check above guarantees IHDR came first.
      return createChunks(header!, palette, idatParts);
    } else if (isCritical(type)) {
      throw new PngDecodeError('PNG_UNSUPPORTED', `PNG has an unknown critical chunk ${type} at byte ${offset}`, {
        hint: 'the image was not written by ComfyUI; a decoder must not guess at critical chunks it does not know',
        context: { chunk: type, offset },
      });
    }
    offset = chunkEnd;
  }
  throw truncated(`the file is ${buffer.length} bytes and has no IEND chunk`);
}

function validateSignature(buffer: Uint8Array): void {
  if (buffer.length < SIGNATURE.length) {
    throw new PngDecodeError('PNG_NOT_PNG', `not a PNG: the data is ${buffer.length} bytes, shorter than the 8-byte PNG signature`, {
      hint: REFETCH_HINT,
      context: { bytes: buffer.length },
    });
  }
  const start = buffer.subarray(0, SIGNATURE.length);
  if (start.every((byte, i) => byte === SIGNATURE[i])) return;
  const text = Array.from(start, (byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
  throw new PngDecodeError(
    'PNG_NOT_PNG',
    `not a PNG: it starts with ${toHex(start)} ("${text}") instead of the PNG signature ${toHex(SIGNATURE)}`,
    { hint: 'the server answered with something other than an image (an error page?); check the /view URL and the ComfyUI log', context: { start: toHex(start) } },
  );
}

function validateCrc(buffer: Uint8Array, view: DataView, offset: number, type: string, crcOffset: number): void {
  const stored = view.getUint32(crcOffset);
  const actual = getCrc32(buffer, offset + 4, crcOffset);
  if (stored === actual) return;
  throw new PngDecodeError(
    'PNG_CRC_MISMATCH',
    `PNG chunk ${type} at byte ${offset} is corrupt: its CRC is ${toHex32(stored)} but its contents give ${toHex32(actual)}`,
    { hint: REFETCH_HINT, context: { chunk: type, offset } },
  );
}

function readHeader(data: Uint8Array, offset: number): PngHeader {
  if (data.length !== 13) {
    throw malformed(`the IHDR chunk at byte ${offset} is ${data.length} bytes, not 13`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colorType, compression, filter, interlace] = data.subarray(8, 13);
  if (width === 0 || height === 0 || width > MAX_CHUNK_LENGTH || height > MAX_CHUNK_LENGTH) {
    throw malformed(`its size ${width}x${height} is not allowed`);
  }
  const allowed = ALLOWED_BIT_DEPTHS[colorType as PngColorType] as readonly number[] | undefined;
  if (allowed === undefined) {
    throw malformed(`colour type ${colorType} does not exist`);
  }
  if (!allowed.includes(bitDepth!)) {
    throw malformed(`bit depth ${bitDepth} is not allowed for colour type ${colorType}`);
  }
  if (compression !== 0 || filter !== 0 || (interlace !== 0 && interlace !== 1)) {
    throw malformed(`compression ${compression}, filter ${filter}, interlace ${interlace} are not PNG methods`);
  }
  return {
    width,
    height,
    bitDepth: bitDepth as PngBitDepth,
    colorType: colorType as PngColorType,
    interlaced: interlace === 1,
  };
}

function createChunks(header: PngHeader, palette: Uint8Array | undefined, idatParts: readonly Uint8Array[]): PngChunks {
  if (idatParts.length === 0) {
    throw malformed('it has no IDAT chunk');
  }
  if (header.colorType === 3 && palette === undefined) {
    throw malformed('it has colour type 3 (palette) but no PLTE chunk');
  }
  return { header, palette, compressedData: Buffer.concat(idatParts) };
}

// Chunk types whose first letter is upper case are critical: a decoder that does not know one must fail.
function isCritical(type: string): boolean {
  const first = type.charCodeAt(0);
  return first >= 0x41 && first <= 0x5a;
}

function truncated(detail: string): PngDecodeError {
  return new PngDecodeError('PNG_TRUNCATED', `PNG is truncated: ${detail}`, { hint: REFETCH_HINT });
}

function malformed(detail: string): PngDecodeError {
  return new PngDecodeError('PNG_MALFORMED', `PNG is malformed: ${detail}`, { hint: REFETCH_HINT });
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

function toHex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
