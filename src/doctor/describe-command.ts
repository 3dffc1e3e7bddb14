import type { CommandResult } from '../processes/run-command.ts';
import { sanitizeLine } from '../text/sanitize.ts';

/**
 * Why a command did not succeed, in one line that starts with `label`; undefined when it exited 0.
 * Its stderr is outside text, so only its sanitised last line is shown.
 */
export function describeCommandFailure(label: string, result: CommandResult, timeoutMs: number): string | undefined {
  switch (result.failure) {
    case 'not-found':
      return `${label}: command not found`;
    case 'not-executable':
      return `${label}: not executable`;
    case 'timed-out':
      return `${label} did not finish within ${timeoutMs / 1000} s`;
    case 'too-much-output':
      return `${label} printed far more than expected`;
    default:
      break;
  }
  if (result.exitCode === 0 && result.failure === undefined) return undefined;
  const how =
    result.signal !== undefined ? `was killed by ${result.signal}` : result.exitCode !== undefined ? `exited with code ${result.exitCode}` : 'could not run';
  const lastLine = getLastLine(result.stderr);
  return lastLine === '' ? `${label} ${how}` : `${label} ${how}: ${sanitizeLine(lastLine, 200)}`;
}

/** The last line of outside text that has anything on it, or ''. */
export function getLastLine(text: string): string {
  return (
    text
      .split(/\r\n?|\n/)
      .filter((line) => line.trim() !== '')
      .at(-1)
      ?.trim() ?? ''
  );
}
