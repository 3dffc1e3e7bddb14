// fast-png rather than pngjs: an ESM package with its own types (pngjs needs @types/pngjs), it keeps
// 16-bit samples and palettes as stored where pngjs converts all to 8-bit RGBA, and it returns the
// tEXt chunks (ComfyUI's `prompt` and `workflow`), which pngjs drops.
import { convertIndexedToRgb, decode } from 'fast-png';
import type { DecodedPng as LibraryPng } from 'fast-png';
import { PngDecodeError } from './errors.ts';
import { readPngHeader } from './png-header.ts';
import type { PngBitDepth, PngColorType, PngHeader } from './png-header.ts';
import { validateImageData } from './png-image-data.ts';
import { validateDeclaredSize, validateFileSize } from './png-limits.ts';
import type { PngCheckOptions } from './png-limits.ts';

export type { PngBitDepth, PngColorType } from './png-header.ts';

/** A decoded image: samples row by row, pixel by pixel, channel by channel. */
export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** As stored in the file. */
  readonly bitDepth: PngBitDepth;
  /** As stored in the file: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  readonly colorType: PngColorType;
  /** Channels per pixel in `pixels`: 1 gray, 2 gray+alpha, 3 RGB (and palette images), 4 RGBA (and palette images with tRNS). */
  readonly channels: 1 | 2 | 3 | 4;
  /** 0-65535 samples for 16-bit files, else 0-255 (gray below 8 bits is scaled up, palettes are looked up). */
  readonly pixels: Uint8Array | Uint16Array;
  /** The tEXt chunks, keyword to text. */
  readonly text: Readonly<Record<string, string>>;
}

const REFETCH_HINT = 'fetch the image again from the server (/view); the image data is damaged';

/**
 * Decodes a PNG once it has passed, before anything is inflated, the file-size cap, the signature,
 * the header (expected size, declared pixel size) and a capped inflate; throws PngDecodeError, or
 * ImageCheckError for a size other than `options.expected`.
 */
export function decodePng(buffer: Uint8Array, options: PngCheckOptions = {}): DecodedPng {
  validateFileSize(buffer, options);
  const header = readPngHeader(buffer);
  validateDeclaredSize(header, options);
  validateImageData(buffer, header);
  try {
    const image = decode(buffer);
    return { ...getHeaderFields(header), ...getSamples(image, header), text: image.text };
  } catch (error) {
    if (error instanceof PngDecodeError) throw error;
    throw new PngDecodeError('PNG_MALFORMED', `PNG is malformed: ${(error as Error).message}`, { hint: REFETCH_HINT, cause: error });
  }
}

/** The tEXt chunks of a PNG (ComfyUI writes the submitted workflow under `prompt`), after the same checks as decodePng. */
export function readPngText(buffer: Uint8Array, options: PngCheckOptions = {}): Readonly<Record<string, string>> {
  return decodePng(buffer, options).text;
}

function getHeaderFields({ width, height, bitDepth, colorType }: PngHeader): Pick<DecodedPng, 'width' | 'height' | 'bitDepth' | 'colorType'> {
  return { width, height, bitDepth, colorType };
}

function getSamples(image: LibraryPng, header: PngHeader): Pick<DecodedPng, 'channels' | 'pixels'> {
  if (header.colorType === 3) {
    const palette = image.palette;
    if (palette === undefined || palette[0] === undefined) {
      throw new PngDecodeError('PNG_MALFORMED', 'PNG is malformed: it has colour type 3 (palette) but no PLTE chunk', { hint: REFETCH_HINT });
    }
    // Entries are RGB, or RGBA when a tRNS chunk gave them alpha.
    return { channels: palette[0].length === 4 ? 4 : 3, pixels: convertIndexedToRgb(image) };
  }
  if (header.bitDepth < 8) {
    // Only gray is stored below 8 bits. convertIndexedToRgb unpacks sub-byte samples; with a
    // palette of one-channel gray levels it also scales them to 0-255.
    const levels = (1 << header.bitDepth) - 1;
    const grays = Array.from({ length: levels + 1 }, (_, level) => [Math.round((level * 255) / levels)]);
    return { channels: 1, pixels: convertIndexedToRgb({ ...image, palette: grays }) };
  }
  const { data } = image;
  const pixels = data instanceof Uint8ClampedArray ? new Uint8Array(data.buffer, data.byteOffset, data.length) : data;
  return { channels: image.channels as DecodedPng['channels'], pixels };
}
