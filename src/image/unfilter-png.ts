import { PngDecodeError } from './errors';

/** Where one image's scanlines sit in the inflated IDAT stream. */
export interface ScanlineLayout {
  readonly height: number;
  /** Bytes of pixel data per row, without the leading filter-type byte. */
  readonly stride: number;
  /** Distance to the corresponding byte of the previous pixel (at least 1, as the PNG spec rounds up). */
  readonly bytesPerPixel: number;
}

/** Undoes the five PNG row filters (None, Sub, Up, Average, Paeth); returns `height * stride` raw bytes. */
export function unfilterScanlines(filtered: Uint8Array, { height, stride, bytesPerPixel: bpp }: ScanlineLayout): Uint8Array {
  const out = new Uint8Array(height * stride);
  // Row -1 is all zeros by definition, which is exactly what a fresh array holds.
  let previous = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const inStart = y * (stride + 1);
    const filter = filtered[inStart]!;
    const line = filtered.subarray(inStart + 1, inStart + 1 + stride);
    const row = out.subarray(y * stride, (y + 1) * stride);
    switch (filter) {
      case 0:
        row.set(line);
        break;
      case 1:
        unfilterSub(line, row, bpp);
        break;
      case 2:
        for (let i = 0; i < stride; i++) {
          row[i] = (line[i]! + previous[i]!) & 0xff;
        }
        break;
      case 3:
        unfilterAverage(line, row, previous, bpp);
        break;
      case 4:
        unfilterPaeth(line, row, previous, bpp);
        break;
      default:
        throw new PngDecodeError('PNG_MALFORMED', `PNG is malformed: row ${y} uses filter type ${filter}; only 0-4 exist`, {
          hint: 'fetch the image again from the server (/view); the image data is damaged',
          context: { row: y, filter },
        });
    }
    previous = row;
  }
  return out;
}

// The first pixel of a row has no left neighbour, so each filter handles it apart from the rest:
// that keeps the branch out of the per-byte loop, which decides how fast a 512x512 image decodes.
function unfilterSub(line: Uint8Array, row: Uint8Array, bpp: number): void {
  row.set(line.subarray(0, bpp));
  for (let i = bpp; i < row.length; i++) {
    row[i] = (line[i]! + row[i - bpp]!) & 0xff;
  }
}

function unfilterAverage(line: Uint8Array, row: Uint8Array, previous: Uint8Array, bpp: number): void {
  for (let i = 0; i < bpp; i++) {
    row[i] = (line[i]! + (previous[i]! >>> 1)) & 0xff;
  }
  for (let i = bpp; i < row.length; i++) {
    row[i] = (line[i]! + ((row[i - bpp]! + previous[i]!) >>> 1)) & 0xff;
  }
}

// The Paeth predictor as the PNG spec defines it, with its tie-break order: left, then up, then up-left.
function unfilterPaeth(line: Uint8Array, row: Uint8Array, previous: Uint8Array, bpp: number): void {
  // With no left or up-left neighbour the predictor is always `up`.
  for (let i = 0; i < bpp; i++) {
    row[i] = (line[i]! + previous[i]!) & 0xff;
  }
  for (let i = bpp; i < row.length; i++) {
    const left = row[i - bpp]!;
    const up = previous[i]!;
    const upLeft = previous[i - bpp]!;
    const toLeft = Math.abs(up - upLeft);
    const toUp = Math.abs(left - upLeft);
    const toUpLeft = Math.abs(left + up - 2 * upLeft);
    const predicted = toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    row[i] = (line[i]! + predicted) & 0xff;
  }
}
