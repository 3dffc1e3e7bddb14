import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { renderNoiseImage } from '../../../fixtures/fake-comfyui/image/noise';
import { crc32, encodePng } from '../../../fixtures/fake-comfyui/image/png';
import { INSTALL_DIR } from './support/fake-process';
import { readPng } from './support/read-png';

// The fake's own PNG encoder and checkpoint, checked against independent readers.

describe('encodePng', () => {
  test('its CRC-32 agrees with zlib', () => {
    const bytes = Buffer.from('IEND and some more bytes');
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });

  test('round-trips pixels and text through an independent reader, splitting IDAT at 64 KiB', () => {
    const image = renderNoiseImage(300, 200, '42');
    const png = readPng(encodePng(image, { prompt: '{"a": 1}' }));
    expect([png.width, png.height, png.text.prompt]).toEqual([300, 200, '{"a": 1}']);
    expect(Buffer.from(png.rgb).equals(Buffer.from(image.rgb))).toBe(true);
    expect(png.chunkTypes.filter((type) => type === 'IDAT').length).toBeGreaterThan(1);
  });
});

describe('the install folder checkpoint', () => {
  test('is a valid safetensors file under 4 KB whose tensors fill the data exactly', () => {
    const file = readFileSync(join(INSTALL_DIR, 'models', 'checkpoints', 'anything-v5-PrtRE.safetensors'));
    expect(file.length).toBeLessThan(4096);
    const headerLength = Number(file.readBigUInt64LE(0));
    const header = JSON.parse(file.toString('utf8', 8, 8 + headerLength)) as Record<string, { dtype?: string; shape?: number[]; data_offsets?: [number, number] }>;
    expect(header.__metadata__).toBeDefined();
    const tensors = Object.entries(header).filter(([name]) => name !== '__metadata__');
    expect(tensors.length).toBeGreaterThanOrEqual(1);
    let end = 0;
    for (const [, tensor] of tensors) {
      const [from = 0, to = 0] = tensor.data_offsets ?? [];
      expect(tensor.dtype).toBe('F16');
      expect(to - from).toBe((tensor.shape ?? []).reduce((product, size) => product * size, 1) * 2);
      end = Math.max(end, to);
    }
    expect(8 + headerLength + end).toBe(file.length);
  });
});
