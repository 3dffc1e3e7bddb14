import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ComfyHttp } from '../comfyui/http-client.ts';
import type { RunOutcome } from '../comfyui/run-outcome.ts';
import { GateError } from '../errors.ts';
import { inspectPng, validateImage, type ImageInfo } from '../image/inspect-image.ts';
import { IMAGE_FILE } from '../run-record/generation-record.ts';
import { getStateDir } from '../run-record/run-state.ts';
import type { BenchmarkReport } from '../truths/benchmark-report.ts';
import type { BenchmarkPlan } from './benchmark-plan.ts';
import { round } from './run-figures.ts';

/** The generated image as fetched and measured; `validate` then throws if it is wrong. */
export interface FetchedImage {
  readonly image: NonNullable<BenchmarkReport['benchmark']['image']>;
  validate(): void;
}

/**
 * Fetches the run's first image into the run record (the reporter files it with its report) and
 * measures it. The plan's workflow must produce one of the size it asked for; a GATE_WORKFLOW
 * workflow may produce none, or something other than a PNG, which is then left alone.
 */
export async function fetchImage(
  http: Pick<ComfyHttp, 'getImage'>,
  outcome: RunOutcome,
  reportDir: string,
  plan: Pick<BenchmarkPlan, 'expectedImage'>,
): Promise<FetchedImage | undefined> {
  const { expectedImage } = plan;
  const ref = expectedImage === undefined ? outcome.images.find((candidate) => candidate.filename.toLowerCase().endsWith('.png')) : outcome.images[0];
  if (ref === undefined) {
    if (expectedImage === undefined) return undefined;
    throw new GateError('NO_IMAGE', 'The run finished but produced no image', { hint: 'check the workflow has a SaveImage node; see the ComfyUI log' });
  }
  const png = await http.getImage(ref);
  const imagePath = join(getStateDir(reportDir), IMAGE_FILE);
  mkdirSync(dirname(imagePath), { recursive: true });
  writeFileSync(imagePath, png);
  // Checked against the size asked for before a byte is inflated: a bomb is refused from its header.
  const info = inspectPng(png, { source: `${IMAGE_FILE} from /view`, ...(expectedImage === undefined ? {} : { expected: expectedImage }) });
  return {
    image: { path: IMAGE_FILE, width: info.width, height: info.height, meanLuma: round(info.meanLuma, 1), stdDevLuma: round(info.stdDevLuma, 1) },
    // Without a size the gate asked for, the image is held to its own size: black and flat still fail.
    validate: () => validateImage(info, expectedImage ?? getOwnSize(info)),
  };
}

function getOwnSize(info: ImageInfo): { width: number; height: number } {
  return { width: info.width, height: info.height };
}
