import { crc32, inflateSync } from 'node:zlib';
import { PngDecodeError } from './errors.ts';
import { getRawByteLength, PNG_SIGNATURE } from './png-header.ts';
import type { PngHeader } from './png-header.ts';

// fast-png inflates every IDAT byte it is given, however many the header allows; a 512x512 header
// over a stream of zeros would still fill memory. So the stream is first inflated here by zlib,
// capped at the size the header declares (already checked against the limits), and only a file
// that passes goes to the decoder.

const REFETCH_HINT = 'fetch the image again from the server (/view) and check the ComfyUI log for errors while saving';

/** Checks every chunk's frame and CRC (zlib.crc32), then that the image data inflates to exactly what the header declares, never further. */
export function validateImageData(buffer: Uint8Array, header: PngHeader): void {
  const compressed = readCompressedData(buffer);
  const size = `${header.width}x${header.height}`;
  const expectedBytes = getRawByteLength(header);
  let inflated: Buffer;
  try {
    inflated = inflateSync(compressed, { maxOutputLength: expectedBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw malformed(`its image data inflates to more than the ${expectedBytes} bytes its ${size} header declares`, error);
    }
    if (code === 'Z_BUF_ERROR') {
      throw new PngDecodeError('PNG_TRUNCATED', 'PNG is truncated: its compressed image data ends before the zlib stream does', {
        hint: REFETCH_HINT,
        cause: error,
      });
    }
    throw malformed(`its image data does not inflate: ${(error as Error).message}`, error);
  }
  if (inflated.length !== expectedBytes) {
    throw malformed(`its image data inflates to ${inflated.length} bytes, but its ${size} header declares ${expectedBytes}`);
  }
}

function readCompressedData(buffer: Uint8Array): Buffer {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const parts: Uint8Array[] = [];
  for (let offset = PNG_SIGNATURE.length; offset < buffer.length; ) {
    if (offset + 8 > buffer.length) {
      throw truncated(`the file is ${buffer.length} bytes and ends inside the chunk header at byte ${offset}`);
    }
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...buffer.subarray(offset + 4, offset + 8));
    const crcOffset = offset + 8 + length;
    if (crcOffset + 4 > buffer.length) {
      throw truncated(`the file is ${buffer.length} bytes, but its ${type} chunk at byte ${offset} runs to byte ${crcOffset + 4}`);
    }
    const stored = view.getUint32(crcOffset);
    const actual = crc32(buffer.subarray(offset + 4, crcOffset));
    if (stored !== actual) {
      throw new PngDecodeError(
        'PNG_CRC_MISMATCH',
        `PNG chunk ${type} at byte ${offset} is corrupt: its CRC is ${toHex32(stored)} but its contents give ${toHex32(actual)}`,
        {
          hint: REFETCH_HINT,
          context: { chunk: type, offset },
        },
      );
    }
    if (type === 'IDAT') parts.push(buffer.subarray(offset + 8, crcOffset));
    if (type === 'IEND') {
      if (parts.length === 0) throw malformed('it has no IDAT chunk');
      return Buffer.concat(parts);
    }
    offset = crcOffset + 4;
  }
  throw truncated(`the file is ${buffer.length} bytes and has no IEND chunk`);
}

function truncated(detail: string): PngDecodeError {
  return new PngDecodeError('PNG_TRUNCATED', `PNG is truncated: ${detail}`, { hint: REFETCH_HINT });
}

function malformed(detail: string, cause?: unknown): PngDecodeError {
  return new PngDecodeError('PNG_MALFORMED', `PNG is malformed: ${detail}`, { hint: REFETCH_HINT, cause });
}

function toHex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
