import { runCommand } from '../processes/run-command.ts';
import { describeCommandFailure } from './describe-command.ts';

/** One 100 ms sample plus start-up; a prompt for a password would never end, but `-n` forbids one. */
const POWERMETRICS_TIMEOUT_MS = 5000;

/** The exact command the doctor tries, so the output can name it. */
export const POWERMETRICS_PROBE = ['sudo', '-n', 'powermetrics', '--samplers', 'gpu_power', '-i', '100', '-n', '1'] as const;

/** Whether powermetrics runs through `sudo -n`, i.e. without a password. */
export type PowermetricsReading = { readonly kind: 'runs' } | { readonly kind: 'refused'; readonly detail: string };

/** Takes one gpu_power sample through `sudo -n`, as the gate's sampler would. */
export async function readPowermetrics(): Promise<PowermetricsReading> {
  const [file, ...args] = POWERMETRICS_PROBE;
  const result = await runCommand(file, args, { timeoutMs: POWERMETRICS_TIMEOUT_MS, maxOutputBytes: 256 * 1024 });
  const failure = describeCommandFailure(POWERMETRICS_PROBE.slice(0, 3).join(' '), result, POWERMETRICS_TIMEOUT_MS);
  return failure === undefined ? { kind: 'runs' } : { kind: 'refused', detail: failure };
}
