import { totalmem } from 'node:os';
import { runCommand } from '../processes/run-command.ts';
import { sanitizeLine } from '../text/sanitize.ts';
import { describeCommandFailure } from './describe-command.ts';

const TOOL_TIMEOUT_MS = 3000;

/** What macOS says about itself; `isMac` is false where there is no sw_vers. */
export interface MachineReading {
  readonly isMac: boolean;
  /** `sw_vers -productVersion`, e.g. `15.5`, or why it could not be read. */
  readonly macosVersion: { readonly value: string } | { readonly problem: string };
  /** `machdep.cpu.brand_string`, e.g. `Apple M1 Pro`; undefined off a Mac or when sysctl cannot say. */
  readonly chip: string | undefined;
  /** `hw.model`, e.g. `MacBookPro18,3`. */
  readonly model: string | undefined;
  /** `sysctl -n hw.memsize` on a Mac, the OS's total memory elsewhere. */
  readonly memoryBytes: number | undefined;
}

/** Reads the macOS version, then the chip, model and memory from sysctl at once. */
export async function readMachine(): Promise<MachineReading> {
  const version = await runCommand('sw_vers', ['-productVersion'], { timeoutMs: TOOL_TIMEOUT_MS });
  const problem = describeCommandFailure('sw_vers -productVersion', version, TOOL_TIMEOUT_MS);
  const macosVersion = problem === undefined ? { value: sanitizeLine(version.stdout, 40) } : { problem };
  if (version.failure === 'not-found') {
    return { isMac: false, macosVersion, chip: undefined, model: undefined, memoryBytes: totalmem() };
  }
  const [chip, model, memsize] = await Promise.all([readSysctl('machdep.cpu.brand_string'), readSysctl('hw.model'), readSysctl('hw.memsize')]);
  return { isMac: true, macosVersion, chip, model, memoryBytes: memsize !== undefined && /^\d+$/.test(memsize) ? Number(memsize) : undefined };
}

async function readSysctl(key: string): Promise<string | undefined> {
  const result = await runCommand('sysctl', ['-n', key], { timeoutMs: TOOL_TIMEOUT_MS });
  const value = sanitizeLine(result.stdout, 80);
  return describeCommandFailure('sysctl', result, TOOL_TIMEOUT_MS) === undefined && value !== '' ? value : undefined;
}
