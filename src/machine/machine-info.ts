import { arch, cpus, platform, release, totalmem } from 'node:os';
import { runCommand } from '../processes/run-command.ts';
import { sanitizeLine } from '../text/sanitize.ts';
import type { BenchmarkReport } from '../truths/benchmark-report.ts';

export type MachineInfo = BenchmarkReport['machine'];

/** `sw_vers` and `sysctl` answer at once; a machine where they hang is described without them. */
const TOOL_TIMEOUT_MS = 2000;
const TOOL_MAX_OUTPUT_BYTES = 4096;

/** Describes this machine the way the plan's report does: "Apple M1 Pro (MacBookPro18,3), macOS 15.5 arm64, 16 GB memory". */
export async function getMachineInfo(system: NodeJS.Platform = platform()): Promise<MachineInfo> {
  if (system !== 'darwin') return describeMachine(`${system} ${release()}`, undefined);
  const [version, model] = await Promise.all([readCommand('sw_vers', ['-productVersion']), readCommand('sysctl', ['-n', 'hw.model'])]);
  return describeMachine(getMacOsName(version), model);
}

/**
 * The same description from what Node knows without running a tool (on a Mac the Darwin version
 * instead of the macOS version, and no model): for a report that must be written at once, e.g. on
 * Ctrl-C before getMachineInfo has answered.
 */
export function getBasicMachineInfo(system: NodeJS.Platform = platform()): MachineInfo {
  return describeMachine(system === 'darwin' ? getMacOsName(undefined) : `${system} ${release()}`, undefined);
}

// Without sw_vers only the Darwin kernel's version is known (24.5.0 for macOS 15.5): say which it is.
function getMacOsName(version: string | undefined): string {
  return version === undefined ? `macOS (Darwin ${release()})` : `macOS ${version}`;
}

function describeMachine(os: string, model: string | undefined): MachineInfo {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = Math.round(totalmem() / 2 ** 30);
  const description = `${cpu}${model === undefined ? '' : ` (${model})`}, ${os} ${arch()}, ${memoryGiB} GB memory`;
  return { description, os, arch: arch(), cpu, memoryGiB, ...(model === undefined ? {} : { model }) };
}

// The first line a tool printed, as inert text; undefined when it failed or printed nothing.
async function readCommand(command: string, args: readonly string[]): Promise<string | undefined> {
  const result = await runCommand(command, args, { timeoutMs: TOOL_TIMEOUT_MS, maxOutputBytes: TOOL_MAX_OUTPUT_BYTES });
  if (result.failure !== undefined || result.exitCode !== 0) return undefined;
  const line = sanitizeLine(result.stdout.trim().split('\n')[0] ?? '', 80);
  return line === '' ? undefined : line;
}
