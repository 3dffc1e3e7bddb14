import type { GpuSampler } from './gpu-sampler.ts';
import { parseIoreg } from './parse-ioreg.ts';
import { parseMacmonLine } from './parse-macmon.ts';
import { createNvidiaSmiCsvLineParser } from './parse-nvidia-smi.ts';
import { createPowermetricsPlistSplitter, parsePowermetricsPlistRecord } from './parse-powermetrics-plist.ts';
import { startPollSampler } from './poll-sampler.ts';
import { startStreamSampler } from './stream-sampler.ts';

const NVIDIA_FIELDS = ['timestamp', 'utilization.gpu', 'memory.used', 'power.draw'] as const;

export interface SamplerStart {
  readonly intervalMs: number;
  readonly reportDir: string;
}

/**
 * powermetrics' gpu_power sampler as a NUL-separated plist stream. It needs root: run it directly
 * when we are root, else through `sudo -n`, which fails at once instead of asking for a password.
 */
export function startPowermetrics({ intervalMs, reportDir }: SamplerStart, viaSudo: boolean): GpuSampler {
  const args = ['--samplers', 'gpu_power', '-i', String(intervalMs), '-f', 'plist'];
  return startStreamSampler({
    name: 'powermetrics',
    file: viaSudo ? 'sudo' : 'powermetrics',
    args: viaSudo ? ['-n', 'powermetrics', ...args] : args,
    intervalMs,
    reportDir,
    records: createPowermetricsPlistSplitter(),
    // The record's own timestamp has whole seconds only; the arrival time lines up with the run's clock.
    parseRecord: (record, receivedAt) => ({ ...parsePowermetricsPlistRecord(record, receivedAt), at: receivedAt }),
  });
}

/** ioreg's IOAccelerator PerformanceStatistics, polled: no root needed. */
export function startIoreg({ intervalMs }: SamplerStart): GpuSampler {
  return startPollSampler({
    name: 'ioreg',
    file: 'ioreg',
    args: ['-r', '-d', '1', '-w', '0', '-c', 'IOAccelerator'],
    intervalMs,
    parse: (stdout, receivedAt) => parseIoreg(stdout, receivedAt),
  });
}

/** nvidia-smi's query loop, one CSV line per interval. */
export function startNvidiaSmi({ intervalMs, reportDir }: SamplerStart): GpuSampler {
  const parseLine = createNvidiaSmiCsvLineParser({ fields: NVIDIA_FIELDS });
  return startStreamSampler({
    name: 'nvidia-smi',
    file: 'nvidia-smi',
    args: [`--query-gpu=${NVIDIA_FIELDS.join(',')}`, '--format=csv,noheader,nounits', '-lms', String(intervalMs)],
    intervalMs,
    reportDir,
    records: 'lines',
    parseRecord: (line, receivedAt) => {
      const sample = parseLine(line);
      return sample === undefined ? undefined : { ...sample, at: receivedAt };
    },
  });
}

/** macmon's JSON-lines stream (`macmon pipe`): Apple Silicon, no root needed, when it is installed. */
export function startMacmon({ intervalMs, reportDir }: SamplerStart): GpuSampler {
  return startStreamSampler({
    name: 'macmon',
    file: 'macmon',
    args: ['pipe', '-i', String(intervalMs)],
    intervalMs,
    reportDir,
    records: 'lines',
    parseRecord: (line, receivedAt) => ({ ...parseMacmonLine(line, receivedAt), at: receivedAt }),
  });
}
