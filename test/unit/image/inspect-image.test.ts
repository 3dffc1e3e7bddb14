import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ImageCheckError } from '../../../src/image/errors.ts';
import { inspectPng, validateImage } from '../../../src/image/inspect-image.ts';
import type { ImageInfo } from '../../../src/image/inspect-image.ts';
import { createSamples, encodePng } from './encode-png.ts';

const RECORDED_OUTPUT = new URL('../../../fixtures/recordings/0.3.64-cuda/output.png', import.meta.url);

function getCheckError(info: ImageInfo, expected: { width: number; height: number }): ImageCheckError {
  try {
    validateImage(info, expected);
  } catch (error) {
    if (error instanceof ImageCheckError) return error;
    throw error;
  }
  throw new Error('expected validateImage to throw');
}

describe('inspectPng on a recorded ComfyUI output', () => {
  const buffer = readFileSync(RECORDED_OUTPUT);

  it('measures the 512x512 RGB image as detailed, neither blank nor uniform', () => {
    const info = inspectPng(buffer);
    expect(info).toMatchObject({ width: 512, height: 512, colorType: 2, bitDepth: 8, pixelCount: 262_144 });
    expect(info.meanLuma.toFixed(1)).toBe('126.4');
    expect(info.stdDevLuma.toFixed(1)).toBe('29.0');
    expect(info.isBlank).toBe(false);
    expect(info.isUniform).toBe(false);
    expect(info.sampledPixels).toBe(1024);
    expect(info.distinctColorsInSample).toBeGreaterThan(1000);
    expect(() => validateImage(info, { width: 512, height: 512 })).not.toThrow();
  });
});

describe('inspectPng on built images', () => {
  it('finds a black image blank and uniform, and validateImage says what to try', () => {
    const info = inspectPng(encodePng({ width: 64, height: 64, colorType: 2, bitDepth: 8, samples: new Array(64 * 64 * 3).fill(0) }));
    expect(info).toMatchObject({ meanLuma: 0, stdDevLuma: 0, isBlank: true, isUniform: true, distinctColorsInSample: 1 });
    const error = getCheckError(info, { width: 64, height: 64 });
    expect(error.code).toBe('IMAGE_BLANK');
    expect(error.message).toBe('image is black: mean luma 0.00, std dev 0.00 over all 64x64 pixels');
    expect(error.hint).toBe('MPS with --force-fp16 can produce black images; try --force-upcast-attention or without --force-fp16');
  });

  it('finds a flat gray image uniform but not blank', () => {
    const info = inspectPng(encodePng({ width: 32, height: 16, colorType: 0, bitDepth: 8, samples: new Array(512).fill(128) }));
    expect(info).toMatchObject({ meanLuma: 128, stdDevLuma: 0, isBlank: false, isUniform: true });
    const error = getCheckError(info, { width: 32, height: 16 });
    expect(error.code).toBe('IMAGE_UNIFORM');
    expect(error.message).toBe('image is a single flat colour: mean luma 128.00, std dev 0.00 over all 32x16 pixels');
  });

  it('measures a horizontal gray gradient exactly', () => {
    const info = inspectPng(encodePng({ width: 256, height: 4, colorType: 0, bitDepth: 8, samples: createSamples(256, 4, (x) => [x]) }));
    expect(info.meanLuma).toBe(127.5);
    // The population standard deviation of 0..255 is sqrt((256² - 1) / 12).
    expect(info.stdDevLuma).toBeCloseTo(Math.sqrt((256 * 256 - 1) / 12), 9);
    expect(info).toMatchObject({ minLuma: 0, maxLuma: 255, isBlank: false, isUniform: false, distinctColorsInSample: 256 });
  });

  it('weighs RGB with Rec. 601 and ignores alpha', () => {
    const samples = createSamples(2, 1, (x) => (x === 0 ? [255, 0, 0, 0] : [0, 0, 255, 255]));
    const info = inspectPng(encodePng({ width: 2, height: 1, colorType: 6, bitDepth: 8, samples }));
    expect(info.meanLuma).toBeCloseTo((0.299 * 255 + 0.114 * 255) / 2, 9);
  });

  it('puts 16-bit images on the same 0-255 scale', () => {
    const samples = createSamples(2, 2, (x) => [x === 0 ? 0 : 65535]);
    const info = inspectPng(encodePng({ width: 2, height: 2, colorType: 0, bitDepth: 16, samples }));
    expect(info).toMatchObject({ bitDepth: 16, meanLuma: 127.5, minLuma: 0, maxLuma: 255 });
  });

  it('measures a palette image through its colours', () => {
    const palette = [
      [0, 0, 0],
      [200, 200, 200],
    ] as const;
    const info = inspectPng(encodePng({ width: 4, height: 1, colorType: 3, bitDepth: 1, samples: [0, 1, 1, 1], palette }));
    expect(info).toMatchObject({ colorType: 3, bitDepth: 1, distinctColorsInSample: 2 });
    expect(info.meanLuma).toBeCloseTo(150, 9);
  });

  it('lets validateImage report a wrong size before anything else', () => {
    const info = inspectPng(encodePng({ width: 8, height: 4, colorType: 0, bitDepth: 8, samples: new Array(32).fill(0) }));
    const error = getCheckError(info, { width: 512, height: 512 });
    expect(error.code).toBe('IMAGE_WRONG_SIZE');
    expect(error.message).toBe('image is 8x4, expected 512x512');
  });
});
