import { describe, expect, it } from 'vitest';
import { judgeChip, judgeMacos, judgeMemory } from '../../../src/doctor/judge-machine.ts';
import { LINUX_BOX, M1_PRO } from './doctor-fixtures.ts';

const NOT_A_MAC_FIX = 'the plan runs on an Apple Silicon Mac; on this machine set COMFYUI_EXPECT_DEVICE=cuda or cpu';

describe("machine checks on the plan's Mac", () => {
  it('passes macOS 15.5 on a 16 GB M1 Pro', () => {
    expect([judgeMacos(M1_PRO, 'mps'), judgeChip(M1_PRO, 'mps'), judgeMemory(M1_PRO)]).toEqual([
      { id: 'macos', status: 'OK', name: 'macOS', found: '15.5', fix: null },
      { id: 'chip', status: 'OK', name: 'Chip', found: 'Apple M1 Pro (MacBookPro18,3)', fix: null },
      { id: 'memory', status: 'OK', name: 'Memory', found: '16 GB', fix: null },
    ]);
  });

  it('fails a macOS older than 12.3, which has no MPS', () => {
    expect(judgeMacos({ ...M1_PRO, macosVersion: { value: '12.2.1' } }, 'mps')).toEqual({
      id: 'macos',
      status: 'FAIL',
      name: 'macOS',
      found: '12.2.1: older than 12.3, which MPS needs',
      fix: 'update macOS (System Settings → General → Software Update)',
    });
    expect(judgeMacos({ ...M1_PRO, macosVersion: { value: '12.3' } }, 'mps').status).toBe('OK');
    expect(judgeMacos({ ...M1_PRO, macosVersion: { value: '11.7' } }, 'cpu').status).toBe('OK');
  });

  it('warns about a virtual Mac, a non-Apple chip and less than 16 GB', () => {
    const runner = { ...M1_PRO, chip: 'Apple M1 (Virtual)', model: 'VirtualMac2,1', memoryBytes: 7516192768 };
    expect(judgeChip(runner, 'mps')).toEqual({
      id: 'chip',
      status: 'WARN',
      name: 'Chip',
      found: 'Apple M1 (Virtual) (VirtualMac2,1): a virtual Mac, whose paravirtual GPU shows up as MPS but cannot run a real generation',
      fix: 'run the gate on the Mac itself',
    });
    expect(judgeChip({ ...M1_PRO, chip: 'Intel(R) Core(TM) i9-9880H CPU @ 2.30GHz', model: 'MacBookPro16,1' }, 'mps')).toEqual({
      id: 'chip',
      status: 'WARN',
      name: 'Chip',
      found: 'Intel(R) Core(TM) i9-9880H CPU @ 2.30GHz (MacBookPro16,1): not Apple Silicon',
      fix: 'the plan expects an Apple Silicon Mac (M1 Pro); numbers from this machine do not prove that one',
    });
    expect(judgeMemory(runner)).toEqual({
      id: 'memory',
      status: 'WARN',
      name: 'Memory',
      found: "7 GB, less than the plan's 16 GB",
      fix: 'expect swapping and slower generations: close other apps, or raise GATE_BUDGET_S',
    });
  });

  it('warns when sw_vers or sysctl cannot answer', () => {
    const broken = { ...M1_PRO, macosVersion: { problem: 'sw_vers -productVersion exited with code 1' }, chip: undefined, memoryBytes: undefined };
    expect([judgeMacos(broken, 'mps'), judgeChip(broken, 'mps'), judgeMemory(broken)]).toEqual([
      { id: 'macos', status: 'WARN', name: 'macOS', found: 'sw_vers -productVersion exited with code 1', fix: 'run sw_vers by hand to see why it fails' },
      {
        id: 'chip',
        status: 'WARN',
        name: 'Chip',
        found: 'sysctl could not read machdep.cpu.brand_string',
        fix: 'run sysctl -n machdep.cpu.brand_string by hand to see why',
      },
      { id: 'memory', status: 'WARN', name: 'Memory', found: 'sysctl could not read hw.memsize', fix: 'run sysctl -n hw.memsize by hand to see why' },
    ]);
  });
});

describe('machine checks off a Mac', () => {
  it('says n/a (not a Mac) as a WARN when the plan expects MPS, as OK otherwise', () => {
    expect([judgeMacos(LINUX_BOX, 'mps'), judgeChip(LINUX_BOX, 'mps')]).toEqual([
      { id: 'macos', status: 'WARN', name: 'macOS', found: 'n/a (not a Mac)', fix: NOT_A_MAC_FIX },
      { id: 'chip', status: 'WARN', name: 'Chip', found: 'n/a (not a Mac)', fix: NOT_A_MAC_FIX },
    ]);
    expect([judgeMacos(LINUX_BOX, 'cuda'), judgeChip(LINUX_BOX, 'cuda'), judgeMemory(LINUX_BOX)]).toEqual([
      { id: 'macos', status: 'OK', name: 'macOS', found: 'n/a (not a Mac)', fix: null },
      { id: 'chip', status: 'OK', name: 'Chip', found: 'n/a (not a Mac)', fix: null },
      { id: 'memory', status: 'OK', name: 'Memory', found: '125.9 GB', fix: null },
    ]);
  });
});
