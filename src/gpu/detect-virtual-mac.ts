import { execa } from 'execa';

export interface VirtualMacCheck {
  readonly isVirtual: boolean;
  /** What was read, e.g. "kern.hv_vmm_present=1, hw.model=VirtualMac2,1". */
  readonly evidence: string;
}

/**
 * Asks sysctl whether this Mac is a virtual machine. GitHub-hosted macOS runners are, and their
 * "Apple Paravirtual device" shows up as MPS but cannot run a real generation.
 */
export async function detectVirtualMac(): Promise<VirtualMacCheck> {
  const [vmm, model] = await Promise.all([readSysctl('kern.hv_vmm_present'), readSysctl('hw.model')]);
  const isVirtual = vmm === '1' || (model?.startsWith('VirtualMac') ?? false);
  return { isVirtual, evidence: `kern.hv_vmm_present=${vmm ?? 'n/a'}, hw.model=${model ?? 'n/a'}` };
}

async function readSysctl(key: string): Promise<string | undefined> {
  const result = await execa('sysctl', ['-n', key], { reject: false, timeout: 2000 });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}
