import type { LogLine } from './finding.ts';

// A flag counts only where ComfyUI was launched: a `main.py …` command line, the System Information
// `Arguments` item or table row, `/system_stats` argv, or `comfy launch`. ComfyUI's own hints
// ("try using: --use-split-cross-attention") name flags too, and must not read as if they were given.
const LAUNCH_LINE = /\bmain\.py\b|^Arguments\s*[:|]|"argv"\s*:|\bcomfy\b.*\blaunch\b/i;

/** Whether the message is a launch command or the recorded launch arguments. */
export function isLaunchLine(message: string): boolean {
  return LAUNCH_LINE.test(message);
}

/** The launch lines that pass any of `flags` as a whole token (`--cpu` does not match `--cpu-vae`). */
export function findLaunchFlags(lines: readonly LogLine[], flags: readonly string[]): LogLine[] {
  const tokens = flags.map((flag) => new RegExp(`(?<=^|[\\s"'\`\\[,=])${flag.replace(/[-]/g, '\\-')}(?=$|[\\s"'\`\\],])`));
  return lines.filter((line) => isLaunchLine(line.message) && tokens.some((token) => token.test(line.message)));
}

/** The first flag of `flags` passed on any launch line. */
export function getFirstFlag(lines: readonly LogLine[], flags: readonly string[]): string | undefined {
  return flags.find((flag) => findLaunchFlags(lines, [flag]).length > 0);
}
