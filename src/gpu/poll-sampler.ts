import { execa } from 'execa';
import type { GpuSample } from './gpu-sample.ts';
import type { GpuSampler, SamplerName } from './gpu-sampler.ts';
import { GpuSamplerError } from './sampler-errors.ts';

export interface PollSamplerOptions {
  readonly name: SamplerName;
  readonly file: string;
  readonly args: readonly string[];
  readonly intervalMs: number;
  readonly parse: (stdout: string, receivedAt: number) => GpuSample;
}

/** Runs a snapshot tool (ioreg) once per interval; each run is short and ends on its own. */
export function startPollSampler({ name, file, args, intervalMs, parse }: PollSamplerOptions): GpuSampler {
  const command = [file, ...args].join(' ');
  const collected: GpuSample[] = [];
  let failure: Error | undefined;
  let running = true;
  let resolveFirst: (sample: GpuSample) => void = () => undefined;
  let rejectFirst: (error: Error) => void = () => undefined;
  const first = new Promise<GpuSample>((resolve, reject) => {
    resolveFirst = resolve;
    rejectFirst = reject;
  });
  first.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;

  const poll = async () => {
    const result = await execa(file, [...args], { reject: false, timeout: Math.max(2000, intervalMs * 4) });
    if (!running) return;
    try {
      if (result.exitCode !== 0) {
        throw new GpuSamplerError(
          `${command} failed with ${result.failed && result.exitCode === undefined ? result.shortMessage : `exit code ${result.exitCode}`}: ${result.stderr.trim().slice(0, 200)}`,
          {
            hint: `run \`${command}\` by hand to see why`,
            context: { command },
          },
        );
      }
      const sample = parse(result.stdout, Date.now());
      collected.push(sample);
      resolveFirst(sample);
      timer = setTimeout(() => void poll(), intervalMs);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      rejectFirst(failure);
      running = false;
    }
  };
  void poll();

  return {
    name,
    command,
    intervalMs,
    samples: () => collected,
    firstSample: () => first,
    failure: () => failure,
    stop: async () => {
      running = false;
      clearTimeout(timer);
    },
  };
}
