import { describe, expect, it } from 'vitest';
import { runFake } from './fake-process.ts';

const KEYS = ['kern.hv_vmm_present', 'hw.model', 'machdep.cpu.brand_string', 'hw.memsize'];

describe('fake sysctl', () => {
  it('describes a physical M1 Pro MacBook Pro by default', async () => {
    const result = await runFake('sysctl', ['-n', ...KEYS]);

    expect(result).toMatchObject({ code: 0, stdout: '0\nMacBookPro18,3\nApple M1 Pro\n17179869184\n', stderr: '' });
  });

  it('describes a GitHub-hosted runner VM with FAKE_MAC_VIRTUAL=1', async () => {
    const result = await runFake('sysctl', ['-n', 'kern.hv_vmm_present', 'hw.model'], { FAKE_MAC_VIRTUAL: '1' });

    expect(result).toMatchObject({ code: 0, stdout: '1\nVirtualMac2,1\n' });
  });

  it('prints "name: value" without -n', async () => {
    expect((await runFake('sysctl', ['hw.model'])).stdout).toBe('hw.model: MacBookPro18,3\n');
  });

  it('reports an unknown oid like the real tool, kern.hv_support included on a VM', async () => {
    const unknown = await runFake('sysctl', ['-n', 'kern.no_such_key']);
    const onVm = await runFake('sysctl', ['kern.hv_support'], { FAKE_MAC_VIRTUAL: '1' });

    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: "sysctl: unknown oid 'kern.no_such_key'\n" });
    expect(onVm).toMatchObject({ code: 1, stderr: "sysctl: unknown oid 'kern.hv_support'\n" });
  });
});
