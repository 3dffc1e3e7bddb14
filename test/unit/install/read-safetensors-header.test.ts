import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../../src/install/errors.ts';
import { readSafetensorsHeader } from '../../../src/install/read-safetensors-header.ts';
import { createHeaderBytes, createSafetensors, createSafetensorsHeader } from './write-safetensors.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gate-safetensors-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeFixture(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function getError(path: string): Promise<CheckpointError> {
  const error: unknown = await readSafetensorsHeader(path).then(
    () => new Error('expected readSafetensorsHeader to reject'),
    (reason: unknown) => reason,
  );
  if (error instanceof CheckpointError) return error;
  throw error;
}

const TENSORS = {
  'model.diffusion_model.input_blocks.0.0.weight': { dtype: 'F16', shape: [320, 4, 3, 3] },
  'model.diffusion_model.input_blocks.0.0.bias': { dtype: 'F32', shape: [320] },
  'cond_stage_model.transformer.text_model.embeddings.position_ids': { dtype: 'I64', shape: [1, 77] },
  'first_stage_model.scale': { dtype: 'BF16', shape: [] },
} as const;

describe('readSafetensorsHeader', () => {
  it('describes a valid file from its header', async () => {
    const bytes = createSafetensors(TENSORS, { format: 'pt', 'modelspec.title': 'tiny' });
    const path = await writeFixture('valid.safetensors', bytes);
    const headerBytes = Number(bytes.readBigUInt64LE(0));
    expect(await readSafetensorsHeader(path)).toEqual({
      path,
      headerBytes,
      fileBytes: bytes.length,
      tensorCount: 4,
      dataBytes: 320 * 4 * 3 * 3 * 2 + 320 * 4 + 77 * 8 + 2,
      dtypeCounts: { F16: 1, F32: 1, I64: 1, BF16: 1 },
      uncheckedDtypes: [],
      metadata: { format: 'pt', 'modelspec.title': 'tiny' },
    });
    expect(8 + headerBytes + 23_040 + 1_280 + 616 + 2).toBe(bytes.length);
  });

  it('reads only the header of a 2 GiB file', async () => {
    const { header, dataBytes } = createSafetensorsHeader({ 'big.weight': { dtype: 'F16', shape: [1024, 1024, 1024] } });
    const prefix = createHeaderBytes(header);
    const path = join(dir, 'sparse.safetensors');
    const handle = await open(path, 'w');
    await handle.write(prefix, 0, prefix.length, 0);
    // A sparse file: the 2 GiB of data take no disk space and would take seconds to read.
    await handle.truncate(prefix.length + dataBytes);
    await handle.close();
    const start = performance.now();
    const result = await readSafetensorsHeader(path);
    // Reading the 2 GiB would take seconds; the header alone takes milliseconds.
    expect(performance.now() - start).toBeLessThan(1500);
    expect(result).toMatchObject({ tensorCount: 1, dataBytes: 2 ** 31, fileBytes: prefix.length + 2 ** 31 });
  });

  it('calls a file shorter than its header says truncated, with both sizes', async () => {
    const bytes = createSafetensors(TENSORS);
    const path = await writeFixture('truncated.safetensors', bytes.subarray(0, bytes.length - 1000));
    const error = await getError(path);
    expect(error.code).toBe('CHECKPOINT_TRUNCATED');
    expect(error.message).toBe(`${path} is truncated: the file is ${bytes.length - 1000} bytes but its header says ${bytes.length}`);
  });

  it('reports files too short for the length prefix or for the header itself', async () => {
    const tiny = await writeFixture('tiny.safetensors', Buffer.from([1, 2, 3, 4, 5]));
    expect((await getError(tiny)).message).toBe(`${tiny} is truncated: the file is 5 bytes, too short for the 8-byte header length`);
    const cut = await writeFixture('cut-header.safetensors', createSafetensors(TENSORS).subarray(0, 40));
    const headerEnd = 8 + Number(createSafetensors(TENSORS).readBigUInt64LE(0));
    expect((await getError(cut)).message).toBe(`${cut} is truncated: the file is 40 bytes but its header says the JSON header alone ends at byte ${headerEnd}`);
  });

  it('reports bytes after the last tensor', async () => {
    const bytes = Buffer.concat([createSafetensors(TENSORS), Buffer.alloc(16)]);
    const path = await writeFixture('trailing.safetensors', bytes);
    const error = await getError(path);
    expect(error.code).toBe('CHECKPOINT_SIZE_MISMATCH');
    expect(error.message).toBe(`${path} is ${bytes.length} bytes but its header says ${bytes.length - 16}: 16 bytes follow the last tensor`);
  });

  it('recognises an HTML page saved under a model name by its absurd header length', async () => {
    const path = await writeFixture('login.safetensors', Buffer.from('<!DOCTYPE html><html><body>Sign in</body></html>'));
    const error = await getError(path);
    expect(error.code).toBe('CHECKPOINT_HEADER_TOO_LARGE');
    expect(error.message).toBe(
      `${path}: header too large: its first 8 bytes ("<!DOCTYP") declare a 5789751444030890300-byte JSON header, over the 100000000-byte limit; the file looks like an HTML page (a login or error page saved under the model name)`,
    );
  });

  it('rejects a header that is not JSON', async () => {
    const json = Buffer.from('{"a": {"dtype": "F16",');
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(json.length));
    const path = await writeFixture('garbage.safetensors', Buffer.concat([prefix, json]));
    const error = await getError(path);
    expect(error.code).toBe('CHECKPOINT_HEADER_INVALID');
    expect(error.message).toMatch(new RegExp(`^${escapeRegExp(path)} has an invalid safetensors header: its 22-byte header is not JSON \\(.+\\)$`));
  });

  it('checks each tensor: byte size against dtype and shape, offsets, packing', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['size', { w: { dtype: 'F16', shape: [2, 3], data_offsets: [0, 10] } }, 'tensor "w" is F16 [2,3] = 12 bytes, but its data_offsets [0, 10] span 10'],
      [
        'gap',
        { a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] }, b: { dtype: 'U8', shape: [4], data_offsets: [8, 12] } },
        'tensor "b" starts at byte 8 of the data, but tensor "a" ends at byte 4',
      ],
      ['start', { a: { dtype: 'U8', shape: [4], data_offsets: [4, 8] } }, 'tensor "a" starts at byte 4 of the data, but the data starts at byte 0'],
      ['offsets', { a: { dtype: 'U8', shape: [4], data_offsets: [4, 0] } }, 'tensor "a" has data_offsets [4,0], not [begin, end] with begin <= end'],
      ['shape', { a: { dtype: 'U8', shape: [-1], data_offsets: [0, 1] } }, 'tensor "a" has shape [-1], not a list of non-negative integers'],
      ['dtype', { a: { shape: [1], data_offsets: [0, 1] } }, 'tensor "a" has dtype undefined, not a string'],
      ['metadata', { __metadata__: { steps: 20 } }, '__metadata__ must map names to strings, but "steps" is number 20'],
    ];
    for (const [name, header, detail] of cases) {
      const path = await writeFixture(`${name}.safetensors`, Buffer.concat([createHeaderBytes(header), Buffer.alloc(12)]));
      const error = await getError(path);
      expect(error.message).toBe(`${path} has an invalid safetensors header: ${detail}`);
    }
  });

  it('counts dtypes it has no byte size for without checking them', async () => {
    const path = await writeFixture('f4.safetensors', createSafetensors({ packed: { dtype: 'F4', shape: [16], bytes: 8 } }));
    expect(await readSafetensorsHeader(path)).toMatchObject({ tensorCount: 1, dataBytes: 8, uncheckedDtypes: ['F4'] });
  });

  it('says when the file does not exist', async () => {
    const path = join(dir, 'missing.safetensors');
    const error = await getError(path);
    expect(error.code).toBe('CHECKPOINT_UNREADABLE');
    expect(error.message).toBe(`${path} does not exist`);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
