import type { TestContext } from 'vitest';
import { GENERATION_STATE, GPU_STATE, type GenerationRecord, type GpuRecord } from '../run-record/generation-record.ts';
import { readRunState, skipAsNotRun } from './spec-support.ts';

/**
 * The generation's window and GPU samples for the GPU truth, or the skip it calls for: SKIPPED
 * when configuration switched sampling off, NOT RUN when there was no generation to watch or it
 * failed for another reason than an idle GPU (whose samples then prove nothing).
 */
export function getGpuWindowOrSkip(context: TestContext): { readonly window: GenerationRecord; readonly gpu: GpuRecord } {
  const window = readRunState<GenerationRecord>(GENERATION_STATE);
  const gpu = readRunState<GpuRecord>(GPU_STATE);
  if (window === undefined || gpu === undefined) skipAsNotRun(context, 'NOT RUN: the generation did not start, so there was nothing to watch');
  if (gpu.skipped !== undefined) {
    context.task.meta.skipKind = 'config';
    context.skip(gpu.skipped);
  }
  if (window.status === 'failed' && gpu.watchdog === undefined) {
    skipAsNotRun(context, `NOT RUN: the generation failed, so its GPU activity proves nothing (${window.error ?? 'no reason recorded'})`);
  }
  return { window, gpu };
}
