import { decodePng } from './decode-png.ts';
import type { DecodedPng, PngBitDepth, PngColorType } from './decode-png.ts';
import { ImageCheckError } from './errors.ts';
import type { ExpectedImage, PngCheckOptions } from './png-limits.ts';

export type { ExpectedImage, PngCheckOptions } from './png-limits.ts';

/** Below this mean luma (0-255) every pixel is, for the eye, black. */
export const BLANK_MEAN_LUMA = 2;
/** Below this luma standard deviation (0-255) the image is one flat colour. */
export const UNIFORM_STD_DEV_LUMA = 1;
/** How many evenly spaced pixels are looked at to count distinct colours. */
export const COLOR_SAMPLE_SIZE = 1024;

/** What a generated PNG looks like in numbers; luma is Rec. 601 (0.299 R + 0.587 G + 0.114 B) on 0-255, alpha ignored. */
export interface ImageInfo {
  readonly width: number;
  readonly height: number;
  readonly colorType: PngColorType;
  readonly bitDepth: PngBitDepth;
  readonly pixelCount: number;
  readonly meanLuma: number;
  readonly stdDevLuma: number;
  readonly minLuma: number;
  readonly maxLuma: number;
  /** Pixels in the evenly spaced sample (all of them for small images). */
  readonly sampledPixels: number;
  /** Distinct colours (alpha ignored) among the sampled pixels. */
  readonly distinctColorsInSample: number;
  /** Mean luma below BLANK_MEAN_LUMA: the black image MPS + fp16 can produce. */
  readonly isBlank: boolean;
  /** Luma standard deviation below UNIFORM_STD_DEV_LUMA: a flat image, black or not. */
  readonly isUniform: boolean;
}

/** How inspectPng names the image when the caller does not: the gate only inspects what ComfyUI's /view served. */
export const DEFAULT_IMAGE_SOURCE = 'the image from /view';

/**
 * Decodes a PNG and measures every pixel. Throws PngDecodeError for bytes that are not a usable PNG
 * or declare more than the limits allow, and ImageCheckError for a size other than `options.expected`,
 * both before anything is inflated.
 */
export function inspectPng(buffer: Uint8Array, options: PngCheckOptions = {}): ImageInfo {
  return getImageInfo(decodePng(buffer, { source: DEFAULT_IMAGE_SOURCE, ...options }));
}

/** Measures a decoded image: luma mean, spread and range over all pixels, and colour variety in a sample. */
export function getImageInfo(image: DecodedPng): ImageInfo {
  const { width, height, colorType, bitDepth, channels, pixels } = image;
  const pixelCount = width * height;
  // 16-bit samples are brought to the same 0-255 scale so the thresholds mean the same for every file.
  const scale = bitDepth === 16 ? 1 / 257 : 1;
  const hasColor = channels >= 3;
  let sum = 0;
  let sumOfSquares = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < pixels.length; i += channels) {
    const luma = hasColor ? (0.299 * at(pixels, i) + 0.587 * at(pixels, i + 1) + 0.114 * at(pixels, i + 2)) * scale : at(pixels, i) * scale;
    sum += luma;
    sumOfSquares += luma * luma;
    if (luma < min) min = luma;
    if (luma > max) max = luma;
  }
  const meanLuma = sum / pixelCount;
  // Rounding can push E[x²] - E[x]² a hair below zero for a flat image.
  const stdDevLuma = Math.sqrt(Math.max(0, sumOfSquares / pixelCount - meanLuma * meanLuma));
  const { sampledPixels, distinctColorsInSample } = getColorSample(image, pixelCount);
  return {
    width,
    height,
    colorType,
    bitDepth,
    pixelCount,
    meanLuma,
    stdDevLuma,
    minLuma: min,
    maxLuma: max,
    sampledPixels,
    distinctColorsInSample,
    isBlank: meanLuma < BLANK_MEAN_LUMA,
    isUniform: stdDevLuma < UNIFORM_STD_DEV_LUMA,
  };
}

/** Throws ImageCheckError when the image has the wrong size, is black, or is one flat colour. */
export function validateImage(info: ImageInfo, expected: ExpectedImage): void {
  const size = `${info.width}x${info.height}`;
  const context = { width: info.width, height: info.height, meanLuma: info.meanLuma, stdDevLuma: info.stdDevLuma };
  if (info.width !== expected.width || info.height !== expected.height) {
    throw new ImageCheckError('IMAGE_WRONG_SIZE', `image is ${size}, expected ${expected.width}x${expected.height}`, {
      hint: 'the EmptyLatentImage node of the submitted workflow sets the size; check the workflow the gate sent',
      context: { ...context, expectedWidth: expected.width, expectedHeight: expected.height },
    });
  }
  const stats = `mean luma ${info.meanLuma.toFixed(2)}, std dev ${info.stdDevLuma.toFixed(2)} over all ${size} pixels`;
  if (info.isBlank) {
    throw new ImageCheckError('IMAGE_BLANK', `image is black: ${stats}`, {
      hint: 'MPS with --force-fp16 can produce black images; try --force-upcast-attention or without --force-fp16',
      context,
    });
  }
  if (info.isUniform) {
    throw new ImageCheckError('IMAGE_UNIFORM', `image is a single flat colour: ${stats}`, {
      hint: 'a flat image usually means NaNs in the model or the VAE decode; check the ComfyUI log, try --force-upcast-attention or --fp32-vae',
      context,
    });
  }
}

function getColorSample(image: DecodedPng, pixelCount: number): { sampledPixels: number; distinctColorsInSample: number } {
  const { channels, pixels, bitDepth } = image;
  const sampledPixels = Math.min(pixelCount, COLOR_SAMPLE_SIZE);
  const base = bitDepth === 16 ? 65536 : 256;
  const colors = new Set<number>();
  for (let s = 0; s < sampledPixels; s++) {
    const i = Math.floor((s * pixelCount) / sampledPixels) * channels;
    // Three 16-bit channels fit in 48 bits, well inside a double's exact integers.
    colors.add(channels >= 3 ? (at(pixels, i) * base + at(pixels, i + 1)) * base + at(pixels, i + 2) : at(pixels, i));
  }
  return { sampledPixels, distinctColorsInSample: colors.size };
}

/** A sample of the decoded pixels; the loops stay inside the buffer, so a miss is a bug and reads 0. */
function at(pixels: ArrayLike<number>, index: number): number {
  return pixels[index] ?? 0;
}
