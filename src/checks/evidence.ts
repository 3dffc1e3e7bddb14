import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'vitest';
import { IMAGE_FILE } from '../run-record/generation-record.ts';
import { getStateDir, writeState } from '../run-record/run-state.ts';
import type { TruthMeasurements } from '../truths/measurements.ts';
import { getGate } from './spec-support.ts';

// Evidence where the user looks: files attached to the truth that produced them, so Vitest UI
// shows them under that truth (an image inline, anything else as a download). Vitest copies an
// attached file when the annotation is made, so only files that exist by then can be attached.

// The reporter's file names (src/report/write-report.ts): specs and their helpers do not import the reporter.
const REPORT_FILE = '05-BENCHMARK.md';
const REPORT_JSON = 'benchmark.json';
const GPU_SAMPLES_STATE = 'gpu-samples';

/**
 * Attaches the generated image to the generation truth, and the report as it stands: the
 * reporter writes this run's report only after every truth has run, so what can be attached now
 * is the report an earlier run left (in Vitest UI: the run before this re-run), named as such.
 */
export async function attachGenerationEvidence(context: TestContext): Promise<void> {
  const { reportDir } = getGate();
  const image = join(getStateDir(reportDir), IMAGE_FILE);
  if (existsSync(image)) await context.annotate(`generated image (${IMAGE_FILE})`, 'evidence', { path: image, contentType: 'image/png' });
  const report = join(reportDir, REPORT_FILE);
  if (!existsSync(report)) {
    await context.annotate(`report: ${report} is written when this run ends`, 'evidence');
    return;
  }
  await context.annotate(`report of the earlier run ${describeEarlierRun(reportDir)}; this run's report replaces it when this run ends`, 'evidence', {
    path: report,
    contentType: 'text/markdown',
  });
}

/**
 * Attaches the GPU samples the truth judged, with the generation's phases: the data of
 * gpu-activity.svg. The chart itself is drawn by the reporter when the run ends, and its renderer
 * belongs to the report layer, which specs do not import; the samples are the same evidence.
 */
export async function attachGpuEvidence(context: TestContext, measurements: TruthMeasurements['gpu-active']): Promise<void> {
  const { reportDir } = getGate();
  const { sampler, thresholdPercent, intervalMs, samples, phases } = measurements;
  writeState(reportDir, GPU_SAMPLES_STATE, { sampler, thresholdPercent, intervalMs, samples, phases });
  await context.annotate(`GPU samples during the generation (gpu-samples.json; drawn as gpu-activity.svg when the run ends)`, 'evidence', {
    path: join(getStateDir(reportDir), `${GPU_SAMPLES_STATE}.json`),
    contentType: 'application/json',
  });
}

/** "<run id> (<date>)" from the earlier run's benchmark.json, so nobody takes it for this run's. */
function describeEarlierRun(reportDir: string): string {
  try {
    const earlier = JSON.parse(readFileSync(join(reportDir, REPORT_JSON), 'utf8')) as { runId?: unknown; date?: unknown };
    if (typeof earlier.runId === 'string' && typeof earlier.date === 'string') return `${earlier.runId} (started ${earlier.date})`;
  } catch {
    // No readable JSON beside the report: say that much instead of guessing.
  }
  return '(its run id could not be read)';
}
