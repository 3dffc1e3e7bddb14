import type { GateConfig } from '../config/gate-config.ts';
import { judgeActivity } from '../gpu/judge-activity.ts';
import type { GenerationRecord, GpuRecord } from '../run-record/generation-record.ts';
import type { TruthMeasurements } from '../truths/measurements.ts';

/** Judges the samples that fall inside the generation's window, and lays them out for the chart. */
export function getGpuMeasurements(config: GateConfig, window: GenerationRecord, gpu: GpuRecord): TruthMeasurements['gpu-active'] {
  const interval = gpu.intervalMs ?? config.gpu.intervalMs;
  // A sample arrives at the end of the interval it describes, so the last one may land just after the run.
  const judgement = judgeActivity(gpu.samples, {
    from: window.submittedAt,
    to: window.endedAt + interval,
    thresholdPercent: config.gpu.thresholdPercent,
    minActiveSamples: config.gpu.minActiveSamples,
  });
  const history = gpu.failure !== undefined && judgement.sampleCount === 0 ? 'unknown' : judgement.history;
  return {
    ...judgement,
    history: gpu.watchdog !== undefined ? 'flat' : history,
    thresholdPercent: config.gpu.thresholdPercent,
    ...(gpu.sampler === undefined ? {} : { sampler: gpu.sampler }),
    samplerReason: gpu.reason,
    ...(gpu.intervalMs === undefined ? {} : { intervalMs: gpu.intervalMs }),
    ...(gpu.watchdog === undefined ? {} : { watchdog: gpu.watchdog }),
    samples: gpu.samples
      .filter((sample) => sample.at >= window.submittedAt - 2 * interval && sample.at <= window.endedAt + 2 * interval)
      .map((sample) => ({
        atMs: Math.round(sample.at - window.submittedAt),
        activePercent: sample.activePercent,
        ...(sample.powerW === undefined ? {} : { powerW: sample.powerW }),
      })),
    phases: window.phases,
  };
}
