import { describe, expect, it } from 'vitest';
import { judgeCheckpoint, judgeDisk, judgeFolder, judgeVersion } from '../../../src/doctor/judge-install.ts';
import type { InstallReading } from '../../../src/doctor/read-install.ts';
import { COMFYUI_DIR } from './doctor-fixtures.ts';

const CHECKPOINT = 'anything-v5-PrtRE.safetensors';
const INSTALL: InstallReading = {
  dir: COMFYUI_DIR,
  isFolder: true,
  hasMainPy: true,
  version: { value: '0.3.64' },
  checkpoint: { path: `${COMFYUI_DIR}/models/checkpoints/${CHECKPOINT}`, bytes: 2132625894 },
  freeBytes: 84_512_000_000,
};
const DOWNLOAD_FIX = `download ${CHECKPOINT} into ${COMFYUI_DIR}/models/checkpoints/, or set GATE_CHECKPOINT to the file name of a checkpoint that is there`;

describe('install checks', () => {
  it('passes a complete install', () => {
    expect([judgeFolder(INSTALL), judgeVersion(INSTALL), judgeCheckpoint(INSTALL, CHECKPOINT), judgeDisk(INSTALL)]).toEqual([
      { id: 'comfyui-folder', status: 'OK', name: 'ComfyUI folder', found: `${COMFYUI_DIR} (main.py present)`, fix: null },
      { id: 'comfyui-version', status: 'OK', name: 'ComfyUI version', found: '0.3.64 (comfyui_version.py)', fix: null },
      { id: 'checkpoint', status: 'OK', name: 'Checkpoint', found: `${CHECKPOINT}, 2.13 GB (2,132,625,894 bytes)`, fix: null },
      { id: 'disk', status: 'OK', name: 'Free disk', found: `84.5 GB free in ${COMFYUI_DIR}`, fix: null },
    ]);
  });

  it('shows an unknown version as information, not a problem', () => {
    expect(judgeVersion({ ...INSTALL, version: { missing: 'no comfyui_version.py' } })).toEqual({
      id: 'comfyui-version',
      status: 'OK',
      name: 'ComfyUI version',
      found: 'unknown (no comfyui_version.py)',
      fix: null,
    });
  });

  it('fails a missing or empty checkpoint, saying where it belongs', () => {
    expect(judgeCheckpoint({ ...INSTALL, checkpoint: { path: INSTALL.checkpoint.path, bytes: undefined } }, CHECKPOINT)).toEqual({
      id: 'checkpoint',
      status: 'FAIL',
      name: 'Checkpoint',
      found: `${CHECKPOINT} is not in ${COMFYUI_DIR}/models/checkpoints`,
      fix: DOWNLOAD_FIX,
    });
    expect(judgeCheckpoint({ ...INSTALL, checkpoint: { path: INSTALL.checkpoint.path, bytes: 0 } }, CHECKPOINT)).toEqual({
      id: 'checkpoint',
      status: 'FAIL',
      name: 'Checkpoint',
      found: `${INSTALL.checkpoint.path} is empty`,
      fix: `delete it and ${DOWNLOAD_FIX}`,
    });
  });

  it('warns below 10 GB free and when the free space cannot be read', () => {
    expect(judgeDisk({ ...INSTALL, freeBytes: 9_990_000_000 })).toEqual({
      id: 'disk',
      status: 'WARN',
      name: 'Free disk',
      found: `9.9 GB free in ${COMFYUI_DIR}`,
      fix: 'free at least 10 GB there: a checkpoint is 2-7 GB and ComfyUI writes every image to its output folder',
    });
    expect(judgeDisk({ ...INSTALL, freeBytes: 10_000_000_000 }).status).toBe('OK');
    expect(judgeDisk({ ...INSTALL, freeBytes: undefined })).toEqual({
      id: 'disk',
      status: 'WARN',
      name: 'Free disk',
      found: `could not read the free space of ${COMFYUI_DIR}`,
      fix: 'check that COMFYUI_DIR exists and can be read',
    });
  });

  it('warns about a folder that is missing or has no main.py (only reached when attaching)', () => {
    const fix = 'set COMFYUI_DIR to your ComfyUI folder: the checkpoint check reads its models/checkpoints even when attaching';
    expect(judgeFolder({ ...INSTALL, isFolder: false, hasMainPy: false })).toEqual({
      id: 'comfyui-folder',
      status: 'WARN',
      name: 'ComfyUI folder',
      found: `${COMFYUI_DIR} does not exist`,
      fix,
    });
    expect(judgeFolder({ ...INSTALL, hasMainPy: false })).toEqual({
      id: 'comfyui-folder',
      status: 'WARN',
      name: 'ComfyUI folder',
      found: `${COMFYUI_DIR} has no main.py`,
      fix,
    });
  });
});
