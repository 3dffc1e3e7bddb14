// A small safetensors writer for tests: lays tensors out back to back, as the library does,
// and lets a test bend any part of the file (header JSON, padding, data length).

export interface TestTensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Bytes of data for this tensor; defaults to what dtype and shape require. */
  readonly bytes?: number;
}

const DTYPE_BYTES: Record<string, number> = { F16: 2, BF16: 2, F32: 4, F64: 8, I8: 1, U8: 1, I16: 2, I32: 4, I64: 8, BOOL: 1 };

/** The header object for tensors packed in order, with their data_offsets filled in. */
export function createSafetensorsHeader(
  tensors: Readonly<Record<string, TestTensor>>,
  metadata?: Readonly<Record<string, unknown>>,
): { header: Record<string, unknown>; dataBytes: number } {
  const header: Record<string, unknown> = metadata === undefined ? {} : { __metadata__: metadata };
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    const bytes = tensor.bytes ?? tensor.shape.reduce((product, size) => product * size, 1) * (DTYPE_BYTES[tensor.dtype] ?? 1);
    header[name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  return { header, dataBytes: offset };
}

/** The 8-byte little-endian length prefix and the JSON header, padded with spaces to a multiple of 8 as the library does. */
export function createHeaderBytes(header: unknown): Buffer {
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([prefix, Buffer.from(json)]);
}

/** A whole safetensors file whose data bytes count up from 0 (mod 256). */
export function createSafetensors(tensors: Readonly<Record<string, TestTensor>>, metadata?: Readonly<Record<string, unknown>>): Buffer {
  const { header, dataBytes } = createSafetensorsHeader(tensors, metadata);
  const data = Buffer.alloc(dataBytes);
  for (let i = 0; i < dataBytes; i++) data[i] = i & 0xff;
  return Buffer.concat([createHeaderBytes(header), data]);
}
