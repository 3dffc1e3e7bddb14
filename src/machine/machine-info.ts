import { execFileSync } from 'node:child_process';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { BenchmarkReport } from '../truths/benchmark-report';

/** Describes this machine the way the plan's report does: "Apple M1 Pro, macOS 15.5 arm64, 16 GB memory". */
export function getMachineInfo(): BenchmarkReport['machine'] {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = Math.round(totalmem() / 2 ** 30);
  const os = platform() === 'darwin' ? `macOS ${readCommand('sw_vers', ['-productVersion']) ?? release()}` : `${platform()} ${release()}`;
  const model = platform() === 'darwin' ? readCommand('sysctl', ['-n', 'hw.model']) : undefined;
  const description = `${cpu}${model === undefined ? '' : ` (${model})`}, ${os} ${arch()}, ${memoryGiB} GB memory`;
  return { description, os, arch: arch(), cpu, memoryGiB, ...(model === undefined ? {} : { model }) };
}

function readCommand(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
