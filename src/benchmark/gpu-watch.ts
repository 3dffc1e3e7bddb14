import type { GateConfig } from '../config/gate-config.ts';
import { getClientTime } from '../comfyui/clock.ts';
import { GateError } from '../errors.ts';
import { getDeviceHint } from './failure-hints.ts';
import { startGpuMonitor, type MonitorStart } from '../gpu/gpu-monitor.ts';
import { watchIdleGpu } from '../gpu/idle-watchdog.ts';
import { GPU_STATE, type GpuRecord } from '../run-record/generation-record.ts';
import { writeState } from '../run-record/run-state.ts';

/** The GPU monitor for a whole benchmark, with an idle watchdog per generation. */
export interface GpuWatch {
  /** Arms the idle watchdog from `since` (the submit time); it aborts `controller` on a GPU that stays idle. Returns its stop. */
  watchGeneration(since: number, controller: AbortController): () => void;
  /** Stops sampling and leaves the samples in the run record for the GPU truth; `watchdog` is the message if it fired. Once only. */
  finish(watchdog: string | undefined): Promise<void>;
}

/** Starts the GPU monitor (or notes why none runs) before the first prompt is queued. */
export async function startGpuWatch(config: GateConfig, reportDir: string): Promise<GpuWatch> {
  const monitor = await startGpuMonitor(config, reportDir);
  let finished = false;
  return {
    // Once sampling stopped, the samples stand still: a watchdog would take that for an idle GPU.
    watchGeneration: (since, controller) => (finished ? () => undefined : startWatchdog(config, monitor, since, controller)),
    finish: async (watchdog) => {
      if (finished) return;
      finished = true;
      await saveGpuRecord(reportDir, monitor, watchdog);
    },
  };
}

function startWatchdog(config: GateConfig, monitor: MonitorStart, since: number, controller: AbortController): () => void {
  if (monitor.kind !== 'running') return () => undefined;
  return watchIdleGpu({
    since,
    idleMs: config.gpu.idleWatchdogMs,
    thresholdPercent: config.gpu.thresholdPercent,
    samples: () => monitor.sampler.samples(),
    now: getClientTime,
    onIdle: (message) =>
      controller.abort(
        new GateError('GPU_IDLE', message, {
          hint: getDeviceHint(config.expectedDevice, undefined, undefined),
        }),
      ),
  });
}

async function saveGpuRecord(reportDir: string, monitor: MonitorStart, watchdog: string | undefined): Promise<void> {
  const watchdogMessage = watchdog === undefined ? {} : { watchdog };
  let gpu: GpuRecord;
  if (monitor.kind === 'running') {
    await monitor.sampler.stop();
    const failure = monitor.sampler.failure();
    gpu = {
      sampler: monitor.sampler.name,
      reason: monitor.reason,
      intervalMs: monitor.sampler.intervalMs,
      samples: [...monitor.sampler.samples()],
      ...(failure === undefined ? {} : { failure: failure.message }),
      ...watchdogMessage,
    };
  } else if (monitor.kind === 'skipped') {
    gpu = { reason: monitor.reason, samples: [], skipped: monitor.reason };
  } else {
    gpu = { reason: monitor.reason, hint: monitor.hint, samples: [], failure: monitor.reason };
  }
  writeState(reportDir, GPU_STATE, gpu);
}
