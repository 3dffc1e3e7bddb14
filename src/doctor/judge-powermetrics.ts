import type { DeviceType, SamplerChoice } from '../config/env-schema.ts';
import { fail, ok, warn, type DoctorCheck } from './doctor-check.ts';
import { notAMac } from './judge-machine.ts';
import type { PowermetricsReading } from './read-powermetrics.ts';

/** What decides whether the gate will want powermetrics. */
export interface PowermetricsContext {
  readonly isMac: boolean;
  readonly sampler: SamplerChoice;
  readonly skipGpu: boolean;
  readonly expectedDevice: DeviceType;
  /** Who runs the gate: the sudoers line is for this user. */
  readonly user: string;
}

/** True when the gate's GPU monitor would start powermetrics here, so the doctor should try it. */
export function isPowermetricsWanted(context: PowermetricsContext): boolean {
  if (!context.isMac || context.skipGpu) return false;
  return context.sampler === 'powermetrics' || (context.sampler === 'auto' && context.expectedDevice === 'mps');
}

/** `sudo -n powermetrics`: OK when it runs; else WARN (auto falls back to ioreg) or FAIL (GATE_GPU_SAMPLER=powermetrics has no fallback). */
export function judgePowermetrics(context: PowermetricsContext, reading: PowermetricsReading | undefined): DoctorCheck {
  const name = 'powermetrics';
  if (!context.isMac) return notAMac('powermetrics', name, context.expectedDevice);
  if (!isPowermetricsWanted(context) || reading === undefined) return ok('powermetrics', name, `not used (${describeNonUse(context)})`);
  if (reading.kind === 'runs') return ok('powermetrics', name, 'sudo -n powermetrics runs without a password');
  const sudoers = `echo '${context.user} ALL=(root) NOPASSWD: /usr/bin/powermetrics' | sudo tee /etc/sudoers.d/powermetrics`;
  if (context.sampler === 'powermetrics') {
    return fail(
      'powermetrics',
      name,
      `${reading.detail}; GATE_GPU_SAMPLER=powermetrics has no fallback`,
      `${sudoers}, or set GATE_GPU_SAMPLER=auto to fall back to ioreg`,
    );
  }
  return warn('powermetrics', name, `${reading.detail}; the gate falls back to ioreg`, sudoers);
}

function describeNonUse(context: PowermetricsContext): string {
  if (context.skipGpu) return 'GATE_SKIP=gpu';
  if (context.sampler !== 'auto') return `GATE_GPU_SAMPLER=${context.sampler}`;
  return `COMFYUI_EXPECT_DEVICE=${context.expectedDevice}`;
}
