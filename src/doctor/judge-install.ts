import { join } from 'node:path';
import { formatBytes } from '../report/format.ts';
import { fail, ok, warn, type DoctorCheck } from './doctor-check.ts';
import type { InstallReading } from './read-install.ts';

/** Below this much free space a few checkpoints and a day of outputs no longer fit. */
export const MIN_FREE_DISK_BYTES = 10e9;

/** The ComfyUI folder; only reached when loadConfig accepted it or the gate attaches, so a problem is a WARN. */
export function judgeFolder(install: InstallReading): DoctorCheck {
  const name = 'ComfyUI folder';
  if (install.isFolder && install.hasMainPy) return ok('comfyui-folder', name, `${install.dir} (main.py present)`);
  // Boot mode never gets here with a bad folder: loadConfig refuses it first. Attach mode reads only the checkpoint from it.
  const found = install.isFolder ? `${install.dir} has no main.py` : `${install.dir} does not exist`;
  return warn('comfyui-folder', name, found, 'set COMFYUI_DIR to your ComfyUI folder: the checkpoint check reads its models/checkpoints even when attaching');
}

/** ComfyUI's version from comfyui_version.py; older installs have none, which is no problem. */
export function judgeVersion(install: InstallReading): DoctorCheck {
  const found = 'value' in install.version ? `${install.version.value} (comfyui_version.py)` : `unknown (${install.version.missing})`;
  return ok('comfyui-version', 'ComfyUI version', found);
}

/** The benchmark's checkpoint in models/checkpoints, where the gate's workflow loads it from. */
export function judgeCheckpoint(install: InstallReading, checkpointName: string): DoctorCheck {
  const name = 'Checkpoint';
  const folder = join(install.dir, 'models', 'checkpoints');
  const fix = `download ${checkpointName} into ${folder}/, or set GATE_CHECKPOINT to the file name of a checkpoint that is there`;
  const { bytes, path } = install.checkpoint;
  if (bytes === undefined) return fail('checkpoint', name, `${checkpointName} is not in ${folder}`, fix);
  if (bytes === 0) return fail('checkpoint', name, `${path} is empty`, `delete it and ${fix}`);
  return ok('checkpoint', name, `${checkpointName}, ${formatBytes(bytes)}`);
}

/** Free space where ComfyUI keeps its models and writes its outputs. */
export function judgeDisk(install: InstallReading): DoctorCheck {
  const name = 'Free disk';
  if (install.freeBytes === undefined) {
    return warn('disk', name, `could not read the free space of ${install.dir}`, 'check that COMFYUI_DIR exists and can be read');
  }
  // Rounded down, so a WARN never shows the threshold itself.
  const found = `${(Math.floor(install.freeBytes / 1e8) / 10).toFixed(1)} GB free in ${install.dir}`;
  if (install.freeBytes < MIN_FREE_DISK_BYTES) {
    return warn(
      'disk',
      name,
      found,
      `free at least ${MIN_FREE_DISK_BYTES / 1e9} GB there: a checkpoint is 2-7 GB and ComfyUI writes every image to its output folder`,
    );
  }
  return ok('disk', name, found);
}
