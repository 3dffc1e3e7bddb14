import { crc32, deflateSync } from 'node:zlib';

// A deliberately small PNG encoder for tests: every field is explicit so a test can build
// exactly the file it means, including broken ones (a lying header, a short stream, a bad filter
// byte), which no library encoder would write.

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export type TestColorType = 0 | 2 | 3 | 4 | 6;

export interface PngSpec {
  readonly width: number;
  readonly height: number;
  readonly colorType: TestColorType;
  readonly bitDepth: 1 | 2 | 4 | 8 | 16;
  /** Samples as stored: palette indices for colour type 3, 0-65535 for 16-bit. */
  readonly samples: ArrayLike<number>;
  readonly palette?: readonly (readonly [number, number, number])[];
  /** Filter type per row, cycled; defaults to 0 (None) for every row. */
  readonly filters?: readonly number[];
  /** Sets the interlace flag only; the data stays sequential. */
  readonly interlaced?: boolean;
  /** Splits the compressed stream over several IDAT chunks of at most this many bytes. */
  readonly idatChunkBytes?: number;
  /** Chunks written between IHDR and the first IDAT, e.g. tEXt. */
  readonly extraChunks?: readonly Buffer[];
}

const CHANNELS: Record<TestColorType, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** One chunk: length, type, data, CRC over type and data. */
export function createChunk(type: string, data: Uint8Array = new Uint8Array(0)): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** The IHDR chunk for a spec. */
export function createHeaderChunk(spec: Pick<PngSpec, 'width' | 'height' | 'bitDepth' | 'colorType' | 'interlaced'>): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(spec.width, 0);
  data.writeUInt32BE(spec.height, 4);
  data[8] = spec.bitDepth;
  data[9] = spec.colorType;
  data[12] = spec.interlaced === true ? 1 : 0;
  return createChunk('IHDR', data);
}

/** The scanlines of a spec, filtered and prefixed with their filter byte, before compression. */
export function createFilteredScanlines(spec: PngSpec): Buffer {
  const bitsPerPixel = CHANNELS[spec.colorType] * spec.bitDepth;
  const stride = Math.ceil((spec.width * bitsPerPixel) / 8);
  const bpp = Math.ceil(bitsPerPixel / 8);
  const raw = packSamples(spec, stride);
  const out = Buffer.alloc(spec.height * (stride + 1));
  const filters = spec.filters ?? [0];
  for (let y = 0; y < spec.height; y++) {
    const filter = filters[y % filters.length]!;
    out[y * (stride + 1)] = filter;
    for (let i = 0; i < stride; i++) {
      const at = y * stride + i;
      const value = raw[at]!;
      const left = i >= bpp ? raw[at - bpp]! : 0;
      const up = y > 0 ? raw[at - stride]! : 0;
      const upLeft = y > 0 && i >= bpp ? raw[at - stride - bpp]! : 0;
      const predicted = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter] ?? 0;
      out[y * (stride + 1) + 1 + i] = (value - predicted) & 0xff;
    }
  }
  return out;
}

/** A complete PNG file for a spec. */
export function encodePng(spec: PngSpec): Buffer {
  const compressed = deflateSync(createFilteredScanlines(spec));
  const partBytes = spec.idatChunkBytes ?? compressed.length;
  const idats: Buffer[] = [];
  for (let start = 0; start < compressed.length; start += partBytes) {
    idats.push(createChunk('IDAT', compressed.subarray(start, start + partBytes)));
  }
  const palette = spec.palette === undefined ? [] : [createChunk('PLTE', Buffer.from(spec.palette.flatMap((entry) => [...entry])))];
  return Buffer.concat([PNG_SIGNATURE, createHeaderChunk(spec), ...(spec.extraChunks ?? []), ...palette, ...idats, createChunk('IEND')]);
}

/** Samples for a width x height image whose every pixel comes from `getPixel`. */
export function createSamples(width: number, height: number, getPixel: (x: number, y: number) => readonly number[]): number[] {
  const samples: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) samples.push(...getPixel(x, y));
  }
  return samples;
}

/** A repeatable pseudo-random byte source (mulberry32), so noise images are the same on every run. */
export function createRandomBytes(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) & 0xff;
  };
}

function packSamples(spec: PngSpec, stride: number): Uint8Array {
  const perRow = spec.width * CHANNELS[spec.colorType];
  const out = new Uint8Array(spec.height * stride);
  for (let y = 0; y < spec.height; y++) {
    for (let s = 0; s < perRow; s++) {
      const value = spec.samples[y * perRow + s]!;
      if (spec.bitDepth === 16) {
        out[y * stride + s * 2] = value >> 8;
        out[y * stride + s * 2 + 1] = value & 0xff;
      } else if (spec.bitDepth === 8) {
        out[y * stride + s] = value;
      } else {
        const bit = s * spec.bitDepth;
        const at = y * stride + (bit >> 3);
        out[at] = out[at]! | (value << (8 - spec.bitDepth - (bit & 7)));
      }
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
