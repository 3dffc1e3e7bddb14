import { mkdtempSync, rmSync } from 'node:fs';
import { arch, cpus, release, tmpdir, totalmem } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { FAKE_GPU_TOOLS } from '../../../fixtures/fake-env.ts';
import { getBasicMachineInfo, getMachineInfo } from '../../../src/machine/machine-info.ts';

const CPU = cpus()[0]?.model.trim() ?? 'unknown CPU';
const MEMORY_GIB = Math.round(totalmem() / 2 ** 30);
// A PATH with neither sw_vers nor sysctl: a Mac whose tools cannot be run.
const EMPTY_BIN = mkdtempSync(join(tmpdir(), 'gate-machine-'));

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(() => {
  rmSync(EMPTY_BIN, { recursive: true, force: true });
});

describe('getMachineInfo', () => {
  it('asks sw_vers and sysctl on a Mac (here the fake tools: macOS 15.5 on a MacBookPro18,3)', async () => {
    vi.stubEnv('PATH', `${FAKE_GPU_TOOLS}${delimiter}${process.env.PATH ?? ''}`);
    expect(await getMachineInfo('darwin')).toEqual({
      description: `${CPU} (MacBookPro18,3), macOS 15.5 ${arch()}, ${MEMORY_GIB} GB memory`,
      os: 'macOS 15.5',
      arch: arch(),
      cpu: CPU,
      memoryGiB: MEMORY_GIB,
      model: 'MacBookPro18,3',
    });
  });

  it('says it only knows the Darwin version when the tools cannot run', async () => {
    vi.stubEnv('PATH', EMPTY_BIN);
    const machine = await getMachineInfo('darwin');
    expect(machine).toEqual(getBasicMachineInfo('darwin'));
    expect(machine.os).toBe(`macOS (Darwin ${release()})`);
    expect(machine).not.toHaveProperty('model');
  });

  it('runs no tool elsewhere', async () => {
    vi.stubEnv('PATH', EMPTY_BIN);
    expect(await getMachineInfo('linux')).toEqual({
      description: `${CPU}, linux ${release()} ${arch()}, ${MEMORY_GIB} GB memory`,
      os: `linux ${release()}`,
      arch: arch(),
      cpu: CPU,
      memoryGiB: MEMORY_GIB,
    });
    expect(getBasicMachineInfo('linux')).toEqual(await getMachineInfo('linux'));
  });
});
