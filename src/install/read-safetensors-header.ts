import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { CheckpointError } from './errors.ts';
import { getSafetensorsLayout } from './parse-safetensors-header.ts';
import type { SafetensorsLayout } from './parse-safetensors-header.ts';

/** The safetensors library refuses headers above 100 MB; so does this reader. */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

/** What a safetensors file's header says, checked against the file's real size. */
export interface SafetensorsHeader extends SafetensorsLayout {
  readonly path: string;
  /** N: the length of the JSON header that follows the 8-byte length prefix. */
  readonly headerBytes: number;
  readonly fileBytes: number;
}

const LENGTH_PREFIX_BYTES = 8;
const REDOWNLOAD_HINT =
  'the download stopped early or was replaced; delete the file and download it again, then compare its SHA-256 with the one the model page lists';

/** Reads and checks only the header of a .safetensors file (never the tensor data), so it is quick even for 2 GB files. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const handle = await openFile(path);
  try {
    const { size: fileBytes, isFile } = await getFileStat(handle, path);
    if (!isFile) {
      throw unreadable(path, `${path} is not a regular file`);
    }
    if (fileBytes < LENGTH_PREFIX_BYTES) {
      throw truncated(path, `the file is ${fileBytes} bytes, too short for the 8-byte header length`);
    }
    const prefix = await readBytes(handle, path, 0, LENGTH_PREFIX_BYTES);
    const declared = prefix.readBigUInt64LE(0);
    if (declared > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) {
      throw createHeaderTooLarge(path, declared, prefix);
    }
    const headerBytes = Number(declared);
    if (LENGTH_PREFIX_BYTES + headerBytes > fileBytes) {
      throw truncated(path, `the file is ${fileBytes} bytes but its header says the JSON header alone ends at byte ${LENGTH_PREFIX_BYTES + headerBytes}`);
    }
    const headerText = decodeHeader(await readBytes(handle, path, LENGTH_PREFIX_BYTES, headerBytes), path);
    const layout = getSafetensorsLayout(parseHeaderJson(headerText, path, headerBytes), path);
    validateFileSize(path, fileBytes, LENGTH_PREFIX_BYTES + headerBytes + layout.dataBytes);
    return { path, headerBytes, fileBytes, ...layout };
  } finally {
    await handle.close();
  }
}

function validateFileSize(path: string, fileBytes: number, expectedBytes: number): void {
  if (fileBytes < expectedBytes) {
    throw truncated(path, `the file is ${fileBytes} bytes but its header says ${expectedBytes}`);
  }
  if (fileBytes > expectedBytes) {
    throw new CheckpointError(
      'CHECKPOINT_SIZE_MISMATCH',
      `${path} is ${fileBytes} bytes but its header says ${expectedBytes}: ${fileBytes - expectedBytes} bytes follow the last tensor`,
      { hint: REDOWNLOAD_HINT, context: { path, fileBytes, expectedBytes } },
    );
  }
}

function createHeaderTooLarge(path: string, declared: bigint, prefix: Buffer): CheckpointError {
  const start = prefix.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  // A huge "length" is almost always other bytes read as one: an HTML page or a pickled .ckpt saved as .safetensors.
  const looksLike =
    prefix[0] === 0x3c
      ? 'an HTML page (a login or error page saved under the model name)'
      : prefix[0] === 0x50 && prefix[1] === 0x4b
        ? 'a zip archive (a PyTorch .ckpt/.pt renamed to .safetensors)'
        : 'not a safetensors file';
  return new CheckpointError(
    'CHECKPOINT_HEADER_TOO_LARGE',
    `${path}: header too large: its first 8 bytes ("${start}") declare a ${declared}-byte JSON header, over the ${MAX_SAFETENSORS_HEADER_BYTES}-byte limit; the file looks like ${looksLike}`,
    { hint: 'download the .safetensors file again from the model page', context: { path, start } },
  );
}

function decodeHeader(bytes: Buffer, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw invalidHeader(path, `its ${bytes.length}-byte header is not UTF-8 text`, error);
  }
}

function parseHeaderJson(text: string, path: string, headerBytes: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidHeader(path, `its ${headerBytes}-byte header is not JSON (${(error as Error).message})`, error);
  }
}

async function openFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw unreadable(path, code === 'ENOENT' ? `${path} does not exist` : `cannot open ${path}: ${(error as Error).message}`, error);
  }
}

async function getFileStat(handle: FileHandle, path: string): Promise<{ size: number; isFile: boolean }> {
  try {
    const stat = await handle.stat();
    return { size: stat.size, isFile: stat.isFile() };
  } catch (error) {
    throw unreadable(path, `cannot stat ${path}: ${(error as Error).message}`, error);
  }
}

// One read() may return fewer bytes than asked, so loop until the range is filled.
async function readBytes(handle: FileHandle, path: string, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  try {
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
  } catch (error) {
    throw unreadable(path, `cannot read ${path}: ${(error as Error).message}`, error);
  }
  if (filled < length) {
    throw truncated(path, `the file ended after ${position + filled} bytes while reading its header`);
  }
  return buffer;
}

function unreadable(path: string, message: string, cause?: unknown): CheckpointError {
  return new CheckpointError('CHECKPOINT_UNREADABLE', message, {
    hint: 'check the path and its permissions; download the checkpoint if it is missing',
    context: { path },
    cause,
  });
}

function truncated(path: string, detail: string): CheckpointError {
  return new CheckpointError('CHECKPOINT_TRUNCATED', `${path} is truncated: ${detail}`, { hint: REDOWNLOAD_HINT, context: { path } });
}

function invalidHeader(path: string, detail: string, cause: unknown): CheckpointError {
  return new CheckpointError('CHECKPOINT_HEADER_INVALID', `${path} has an invalid safetensors header: ${detail}`, {
    hint: 'the file is damaged or is not a safetensors file; download it again',
    context: { path },
    cause,
  });
}
