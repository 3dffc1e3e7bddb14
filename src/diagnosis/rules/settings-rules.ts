import { createFinding, findLines, logFigure } from '../create-finding.ts';
import type { Finding, LogLine } from '../finding.ts';
import { findLaunchFlags } from '../launch-flags.ts';

// Launch settings that keep a Mac run going, only slower: 32-bit weights and a vram mode that
// shuttles model parts in and out of memory that on Apple Silicon is shared anyway.

const FORCING_FP32 = [/\bForcing\s+FP32\b/i];
const FP32_WEIGHTS = [/\bmodel\s+weight\s+dtype\s+(?:torch\.)?float32\b/i];
const FP16_ASKED = [/\bForcing\s+FP16\b/i];
const VRAM_STATE = /\bSet\s+vram\s+state\s+to:\s*([A-Z_]+)/i;
// SHARED is Apple Silicon's; NORMAL/HIGH keep models resident; DISABLED means the CPU (running-on-cpu).
const FULL_SPEED_STATES = new Set(['SHARED', 'NORMAL_VRAM', 'HIGH_VRAM', 'DISABLED']);

/** The model ran in fp32: --force-fp32, "Forcing FP32", or fp32 weights although fp16 was asked for. */
export function findFp32Forced(lines: readonly LogLine[]): Finding | undefined {
  const flags = findLaunchFlags(lines, ['--force-fp32', '--fp32-unet']);
  const forcing = findLines(lines, FORCING_FP32);
  const fp16Asked = findLaunchFlags(lines, ['--force-fp16', '--fp16-unet']).length > 0 || findLines(lines, FP16_ASKED).length > 0;
  const weights = fp16Asked ? findLines(lines, FP32_WEIGHTS) : [];
  if (flags.length + forcing.length + weights.length === 0) return undefined;
  const how = flags.length + forcing.length > 0 ? 'fp32 was forced at launch' : 'the model weights loaded as float32 although fp16 was asked for';
  return createFinding(
    {
      id: 'fp32-forced',
      severity: 'slows',
      title: 'FP32 forced',
      cause: `The model ran in 32-bit floats (${how}), which moves twice the memory of fp16 and is slower on the Apple GPU.`,
      fix: 'Drop --force-fp32 / --fp32-unet (ComfyUI picks fp16 on MPS); if a node fails in half precision, force fp32 only for that part (e.g. --fp32-vae), or use an fp16 checkpoint.',
    },
    [...flags, ...forcing, ...weights],
  );
}

/** A vram mode other than SHARED/NORMAL on a Mac, or --lowvram / --novram at launch. */
export function findLowVramMode(lines: readonly LogLine[]): Finding | undefined {
  const flags = findLaunchFlags(lines, ['--lowvram', '--novram']);
  const states = lines.flatMap((line) => {
    const state = VRAM_STATE.exec(line.message)?.[1]?.toUpperCase();
    return state === undefined || FULL_SPEED_STATES.has(state) ? [] : [{ line, state: logFigure(state) }];
  });
  if (flags.length + states.length === 0) return undefined;
  const state = states[0]?.state;
  return createFinding(
    {
      id: 'low-vram-mode',
      severity: 'slows',
      title: 'Low-VRAM mode on a Mac',
      cause:
        `ComfyUI was set to keep little in GPU memory${state === undefined ? '' : ` (${state})`}, so it moves model parts in and out ` +
        'while sampling; on Apple Silicon the memory is shared, so this costs time and saves nothing.',
      fix: 'Remove --lowvram / --novram from the launch arguments; ComfyUI picks SHARED on Apple Silicon by itself.',
    },
    [...flags, ...states.map((hit) => hit.line)],
    state === undefined ? undefined : { vramState: state },
  );
}
