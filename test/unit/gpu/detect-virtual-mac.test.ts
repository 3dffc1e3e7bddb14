import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectVirtualMac } from '../../../src/gpu/detect-virtual-mac.ts';

// The fake sysctl comes first on PATH; detectVirtualMac spawns `sysctl` with this process's env.
const FAKE_BIN = fileURLToPath(new URL('../../../fixtures/fake-gpu-tools/bin', import.meta.url));
const saved = { PATH: process.env.PATH, FAKE_MAC_VIRTUAL: process.env.FAKE_MAC_VIRTUAL };

beforeEach(() => {
  process.env.PATH = `${FAKE_BIN}:${saved.PATH ?? ''}`;
  delete process.env.FAKE_MAC_VIRTUAL;
});

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('detectVirtualMac', () => {
  it('reads a real Mac as not virtual', async () => {
    expect(await detectVirtualMac()).toEqual({ isVirtual: false, evidence: 'kern.hv_vmm_present=0, hw.model=MacBookPro18,3' });
  });

  it('recognises a hosted runner VM', async () => {
    process.env.FAKE_MAC_VIRTUAL = '1';
    expect(await detectVirtualMac()).toEqual({ isVirtual: true, evidence: 'kern.hv_vmm_present=1, hw.model=VirtualMac2,1' });
  });

  it('says n/a for what it could not read', async () => {
    process.env.PATH = '/nonexistent';
    expect(await detectVirtualMac()).toEqual({ isVirtual: false, evidence: 'kern.hv_vmm_present=n/a, hw.model=n/a' });
  });
});
