import { parseSwapUsage, parseThermal } from '../diagnosis/measured-causes.ts';
import { runCommand } from '../processes/run-command.ts';

const TOOL_TIMEOUT_MS = 2000;
const TOOL_MAX_OUTPUT_BYTES = 8192;

/** Swap in use now (`sysctl vm.swapusage`); undefined off a Mac or when the tool fails. */
export async function readSwapUsedMiB(): Promise<number | undefined> {
  const result = await runCommand('sysctl', ['vm.swapusage'], { timeoutMs: TOOL_TIMEOUT_MS, maxOutputBytes: TOOL_MAX_OUTPUT_BYTES });
  if (result.failure !== undefined || result.exitCode !== 0) return undefined;
  return parseSwapUsage(result.stdout)?.usedMiB;
}

/** The CPU speed limit now (`pmset -g therm`); undefined off a Mac or when the tool fails. */
export async function readThermal(): Promise<ReturnType<typeof parseThermal>> {
  const result = await runCommand('pmset', ['-g', 'therm'], { timeoutMs: TOOL_TIMEOUT_MS, maxOutputBytes: TOOL_MAX_OUTPUT_BYTES });
  if (result.failure !== undefined || result.exitCode !== 0) return undefined;
  return parseThermal(result.stdout);
}

/** ComfyUI's resident memory now, in MiB (`ps -o rss=`, which macOS and Linux both print in KiB). */
export async function readResidentMiB(pid: number): Promise<number | undefined> {
  const result = await runCommand('ps', ['-o', 'rss=', '-p', String(pid)], { timeoutMs: TOOL_TIMEOUT_MS, maxOutputBytes: TOOL_MAX_OUTPUT_BYTES });
  const kib = Number(result.stdout.trim());
  return result.failure === undefined && result.exitCode === 0 && Number.isFinite(kib) && kib > 0 ? Math.round(kib / 1024) : undefined;
}
