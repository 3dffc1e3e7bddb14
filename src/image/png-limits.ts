import { ImageCheckError, PngDecodeError } from './errors.ts';
import { getRawByteLength } from './png-header.ts';
import type { PngColorType, PngHeader } from './png-header.ts';

/** A generated image is under 1 MB at 512x512; 32 MiB leaves room for any size the plan could ask for. */
export const MAX_PNG_FILE_BYTES = 32 * 1024 * 1024;
/** Inflated pixel data, filter bytes included: room for 4096x4096 RGB (48 MiB). A header declaring more is refused before inflating. */
export const MAX_PNG_RAW_BYTES = 64 * 1024 * 1024;

/** Expected image size, as the workflow asked for it. */
export interface ExpectedImage {
  readonly width: number;
  readonly height: number;
}

export interface PngLimits {
  readonly maxFileBytes: number;
  /** Cap on the declared inflated size: rows of width x channels x bit depth / 8 bytes plus a filter byte each. */
  readonly maxRawBytes: number;
}

/** How a PNG is checked before it is decoded. */
export interface PngCheckOptions {
  /** Names the image in messages, e.g. "benchmark-output.png from /view". */
  readonly source?: string;
  /** When set, any other size in the header is refused before decoding. */
  readonly expected?: ExpectedImage;
  readonly limits?: PngLimits;
}

export const DEFAULT_PNG_LIMITS: PngLimits = Object.freeze({ maxFileBytes: MAX_PNG_FILE_BYTES, maxRawBytes: MAX_PNG_RAW_BYTES });
export const DEFAULT_PNG_SOURCE = 'the PNG';

const COLOR_NAMES: Readonly<Record<PngColorType, string>> = { 0: 'gray', 2: 'RGB', 3: 'palette', 4: 'gray+alpha', 6: 'RGBA' };
const NOT_FROM_WORKFLOW_HINT = "the image was not produced by the plan's workflow; check which server answers at the ComfyUI URL and what its /view serves";

/** Throws PngDecodeError PNG_TOO_LARGE when the file itself is over the cap; nothing has been read yet. */
export function validateFileSize(buffer: Uint8Array, options: PngCheckOptions = {}): void {
  const { source = DEFAULT_PNG_SOURCE, limits = DEFAULT_PNG_LIMITS } = options;
  if (buffer.length <= limits.maxFileBytes) return;
  throw new PngDecodeError(
    'PNG_TOO_LARGE',
    `${source} is ${formatSize(buffer.length)}, over the ${formatSize(limits.maxFileBytes)} limit for one image: refused before decoding`,
    { hint: NOT_FROM_WORKFLOW_HINT, context: { bytes: buffer.length, maxFileBytes: limits.maxFileBytes } },
  );
}

/** Throws when the header's size is not the expected one, or declares more pixel data than the cap; nothing has been inflated yet. */
export function validateDeclaredSize(header: PngHeader, options: PngCheckOptions = {}): void {
  const { source = DEFAULT_PNG_SOURCE, expected, limits = DEFAULT_PNG_LIMITS } = options;
  const size = `${header.width}x${header.height}`;
  const context = { width: header.width, height: header.height, bitDepth: header.bitDepth, colorType: header.colorType };
  if (expected !== undefined && (header.width !== expected.width || header.height !== expected.height)) {
    throw new ImageCheckError('IMAGE_WRONG_SIZE', `${source} is ${size}, expected ${expected.width}x${expected.height}: refused before decoding`, {
      hint: NOT_FROM_WORKFLOW_HINT,
      context: { ...context, expectedWidth: expected.width, expectedHeight: expected.height },
    });
  }
  const rawBytes = getRawByteLength(header);
  if (rawBytes <= limits.maxRawBytes) return;
  const format = `${header.bitDepth}-bit ${COLOR_NAMES[header.colorType]}`;
  throw new PngDecodeError(
    'PNG_TOO_LARGE',
    `${source} is ${size} (${format}): its pixels would inflate to ${formatSize(rawBytes)}, over the ${formatSize(limits.maxRawBytes)} limit: refused before decoding`,
    { hint: NOT_FROM_WORKFLOW_HINT, context: { ...context, rawBytes, maxRawBytes: limits.maxRawBytes } },
  );
}

function formatSize(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib < 1) return `${bytes} bytes`;
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}
