import { totalmem } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FAKE_GPU_TOOLS } from '../../../fixtures/fake-env.ts';
import { readMachine } from '../../../src/doctor/read-machine.ts';
import { runCommand } from '../../../src/processes/run-command.ts';

// readMachine runs sw_vers and sysctl from PATH, as on a Mac; here PATH leads to the fakes.
afterEach(() => vi.unstubAllEnvs());

function useFakeMacTools(knobs: Record<string, string> = {}): void {
  vi.stubEnv('PATH', `${FAKE_GPU_TOOLS}${delimiter}${process.env.PATH ?? ''}`);
  for (const [name, value] of Object.entries(knobs)) vi.stubEnv(name, value);
}

describe('readMachine', () => {
  it('reads the fake M1 Pro: macOS 15.5, chip, model and 16 GB', async () => {
    useFakeMacTools();
    expect(await readMachine()).toEqual({
      isMac: true,
      macosVersion: { value: '15.5' },
      chip: 'Apple M1 Pro',
      model: 'MacBookPro18,3',
      memoryBytes: 17179869184,
    });
  });

  it('reads the fake runner VM with FAKE_MAC_VIRTUAL=1', async () => {
    useFakeMacTools({ FAKE_MAC_VIRTUAL: '1' });
    expect(await readMachine()).toMatchObject({ isMac: true, chip: 'Apple M1 (Virtual)', model: 'VirtualMac2,1', memoryBytes: 7516192768 });
  });

  it('is not a Mac where there is no sw_vers, and takes the OS total memory', async () => {
    vi.stubEnv('PATH', join(FAKE_GPU_TOOLS, 'no-such-folder'));
    expect(await readMachine()).toEqual({
      isMac: false,
      macosVersion: { problem: 'sw_vers -productVersion: command not found' },
      chip: undefined,
      model: undefined,
      memoryBytes: totalmem(),
    });
  });
});

describe('the fake sw_vers', () => {
  it('prints what the real one prints on macOS 15.5', async () => {
    const swVers = join(FAKE_GPU_TOOLS, 'sw_vers');
    const [plain, build, bad] = await Promise.all([
      runCommand(swVers, [], { timeoutMs: 5000 }),
      runCommand(swVers, ['-buildVersion'], { timeoutMs: 5000 }),
      runCommand(swVers, ['-x'], { timeoutMs: 5000 }),
    ]);
    expect(plain).toMatchObject({ exitCode: 0, stdout: 'ProductName:\t\tmacOS\nProductVersion:\t\t15.5\nBuildVersion:\t\t24F74' });
    expect(build).toMatchObject({ exitCode: 0, stdout: '24F74' });
    expect(bad).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: 'Usage: sw_vers [--productName|--productVersion|--buildVersion]\n(fake sw_vers: only these three flags are supported)',
    });
  });
});
