import { userInfo } from 'node:os';
import type { GateConfig } from '../config/gate-config.ts';
import type { GpuSampler } from './gpu-sampler.ts';
import { startIoreg, startMacmon, startNvidiaSmi, startPowermetrics, type SamplerStart } from './samplers.ts';

export type MonitorStart =
  | { readonly kind: 'running'; readonly sampler: GpuSampler; readonly reason: string }
  | { readonly kind: 'unavailable'; readonly reason: string; readonly hint: string }
  | { readonly kind: 'skipped'; readonly reason: string };

interface Candidate {
  readonly label: string;
  readonly start: () => GpuSampler;
  /** Why this one is chosen when it works. */
  readonly because: string;
}

export interface MonitorOptions {
  /** Whether powermetrics may run directly (else through `sudo -n`); defaults to "this process is root". */
  readonly isRoot?: boolean;
}

/** Time a sampler gets to deliver its first sample before the next candidate is tried. */
const FIRST_SAMPLE_GRACE_MS = 3000;

/** Picks and starts the GPU sampler for this run: the configured one, or the best that works here. */
export async function startGpuMonitor(
  config: GateConfig,
  reportDir: string,
  { isRoot = process.getuid?.() === 0 }: MonitorOptions = {},
): Promise<MonitorStart> {
  const { sampler: choice, intervalMs } = config.gpu;
  if (config.skip.includes('gpu')) return { kind: 'skipped', reason: `SKIPPED by configuration (GATE_SKIP=${config.skip.join(',')})` };
  if (choice === 'none') {
    return {
      kind: 'unavailable',
      reason: 'GPU sampling is switched off (GATE_GPU_SAMPLER=none), so GPU activity cannot be proven',
      hint: 'set GATE_GPU_SAMPLER=auto, or GATE_SKIP=gpu to leave this truth out on purpose',
    };
  }
  if (choice === 'auto' && config.expectedDevice === 'cpu') {
    return { kind: 'skipped', reason: 'SKIPPED by configuration (COMFYUI_EXPECT_DEVICE=cpu: there is no GPU to watch)' };
  }
  const start: SamplerStart = { intervalMs, reportDir };
  const candidates = getCandidates(choice, config.expectedDevice, start, isRoot);
  const problems: string[] = [];
  for (const candidate of candidates) {
    const sampler = candidate.start();
    try {
      await withTimeout(sampler.firstSample(), FIRST_SAMPLE_GRACE_MS, `no sample within ${FIRST_SAMPLE_GRACE_MS / 1000} s`);
      const fallback = problems.length === 0 ? '' : ` (${problems.join('; ')})`;
      return { kind: 'running', sampler, reason: `${candidate.because}${fallback}` };
    } catch (error) {
      await sampler.stop();
      problems.push(`${candidate.label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { kind: 'unavailable', reason: `no GPU sampler works here: ${problems.join('; ')}`, hint: getSamplerHint(config.expectedDevice) };
}

function getCandidates(choice: GateConfig['gpu']['sampler'], device: GateConfig['expectedDevice'], start: SamplerStart, isRoot: boolean): Candidate[] {
  const powermetrics: Candidate = isRoot
    ? { label: 'powermetrics', start: () => startPowermetrics(start, false), because: 'runs directly: the gate runs as root' }
    : { label: 'sudo -n powermetrics', start: () => startPowermetrics(start, true), because: 'runs through sudo -n: sudoers allows it without a password' };
  const ioreg: Candidate = { label: 'ioreg', start: () => startIoreg(start), because: 'needs no root' };
  const nvidia: Candidate = { label: 'nvidia-smi', start: () => startNvidiaSmi(start), because: 'the NVIDIA driver tool, for the cuda profile' };
  switch (choice) {
    case 'powermetrics':
      return [{ ...powermetrics, because: `${powermetrics.because}; set by GATE_GPU_SAMPLER` }];
    case 'ioreg':
      return [{ ...ioreg, because: 'needs no root; set by GATE_GPU_SAMPLER' }];
    case 'macmon':
      return [{ label: 'macmon', start: () => startMacmon(start), because: 'needs no root; set by GATE_GPU_SAMPLER' }];
    case 'nvidia-smi':
      return [{ ...nvidia, because: 'the NVIDIA driver tool; set by GATE_GPU_SAMPLER' }];
    default:
      return device === 'cuda' ? [nvidia] : [powermetrics, { ...ioreg, because: 'needs no root; used since powermetrics could not run' }];
  }
}

function getSamplerHint(device: GateConfig['expectedDevice']): string {
  if (device === 'cuda') return 'install the NVIDIA driver utilities so that nvidia-smi is on PATH';
  return `let powermetrics run without a password: add \`${userInfo().username} ALL=(root) NOPASSWD: /usr/bin/powermetrics\` with \`sudo visudo -f /etc/sudoers.d/powermetrics\`; or make sure ioreg is on PATH`;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
