import { CheckpointError } from './errors.ts';

/** Bytes per element of the safetensors dtypes whose size is whole bytes. */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

/** What the JSON header of a safetensors file says about the data after it. */
export interface SafetensorsLayout {
  readonly tensorCount: number;
  /** Bytes of tensor data: the largest `data_offsets` end. */
  readonly dataBytes: number;
  readonly dtypeCounts: Readonly<Record<string, number>>;
  /** Dtypes not in SAFETENSORS_DTYPE_BYTES, whose byte size could not be checked. */
  readonly uncheckedDtypes: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
}

interface TensorSpan {
  readonly name: string;
  readonly begin: number;
  readonly end: number;
}

const METADATA_KEY = '__metadata__';

/** Checks every tensor entry of a parsed header (dtype, shape, offsets) and that the data is packed without gaps. */
export function getSafetensorsLayout(header: unknown, path: string): SafetensorsLayout {
  if (!isRecord(header)) {
    throw invalid(path, `the header is ${describe(header)}, not a JSON object`);
  }
  const spans: TensorSpan[] = [];
  const dtypeCounts: Record<string, number> = {};
  const uncheckedDtypes = new Set<string>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      metadata = getMetadata(entry, path);
      continue;
    }
    const span = getTensorSpan(name, entry, path);
    const dtype = (entry as { dtype: string }).dtype;
    dtypeCounts[dtype] = (dtypeCounts[dtype] ?? 0) + 1;
    if (SAFETENSORS_DTYPE_BYTES[dtype] === undefined) uncheckedDtypes.add(dtype);
    spans.push(span);
  }
  return {
    tensorCount: spans.length,
    dataBytes: validatePacking(spans, path),
    dtypeCounts,
    uncheckedDtypes: [...uncheckedDtypes].sort(),
    metadata,
  };
}

function getTensorSpan(name: string, entry: unknown, path: string): TensorSpan {
  if (!isRecord(entry)) {
    throw invalid(path, `tensor "${name}" is ${describe(entry)}, not an object`);
  }
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== 'string') {
    throw invalid(path, `tensor "${name}" has dtype ${describe(dtype)}, not a string`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw invalid(path, `tensor "${name}" has shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
  }
  if (!isOffsetPair(offsets)) {
    throw invalid(path, `tensor "${name}" has data_offsets ${JSON.stringify(offsets)}, not [begin, end] with begin <= end`);
  }
  const [begin, end] = offsets;
  const elementBytes = SAFETENSORS_DTYPE_BYTES[dtype];
  if (elementBytes !== undefined) {
    const expected = (shape as number[]).reduce((product, size) => product * size, 1) * elementBytes;
    if (expected !== end - begin) {
      throw invalid(
        path,
        `tensor "${name}" is ${dtype} ${JSON.stringify(shape)} = ${expected} bytes, but its data_offsets [${begin}, ${end}] span ${end - begin}`,
      );
    }
  }
  return { name, begin, end };
}

// Like the safetensors library: tensors sorted by offset must tile the data from byte 0 with no gap or overlap.
function validatePacking(spans: TensorSpan[], path: string): number {
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let previous: TensorSpan | undefined;
  for (const span of spans) {
    const expectedBegin = previous?.end ?? 0;
    if (span.begin !== expectedBegin) {
      const before = previous === undefined ? 'the data starts at byte 0' : `tensor "${previous.name}" ends at byte ${previous.end}`;
      throw invalid(path, `tensor "${span.name}" starts at byte ${span.begin} of the data, but ${before}`);
    }
    previous = span;
  }
  return previous?.end ?? 0;
}

function getMetadata(entry: unknown, path: string): Record<string, string> {
  if (!isRecord(entry)) {
    throw invalid(path, `${METADATA_KEY} is ${describe(entry)}, not an object`);
  }
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== 'string') {
      throw invalid(path, `${METADATA_KEY} must map names to strings, but "${key}" is ${describe(value)}`);
    }
  }
  return entry as Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOffsetPair(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && isCount(value[0]) && isCount(value[1]) && value[0] <= value[1];
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function invalid(path: string, detail: string): CheckpointError {
  return new CheckpointError('CHECKPOINT_HEADER_INVALID', `${path} has an invalid safetensors header: ${detail}`, {
    hint: 'the file is damaged or was not written by a safetensors library; download it again',
    context: { path },
  });
}
