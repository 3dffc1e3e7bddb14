import { execa } from 'execa';

/** What a short command printed and how it ended; never throws for a non-zero exit. */
export interface CommandResult {
  readonly command: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  /** Set when the command could not start (ENOENT, EACCES) or ran out of time or output. */
  readonly failure?: 'not-found' | 'not-executable' | 'timed-out' | 'too-much-output' | 'failed';
  readonly durationMs: number;
}

export interface RunCommandOptions {
  readonly timeoutMs: number;
  /** Bytes kept of each stream; a command that prints more is stopped. */
  readonly maxOutputBytes?: number;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;

/**
 * Runs a short command (a version probe, `sysctl`, `sw_vers`, the venv's python) with an argument
 * array, never a shell, under a deadline and an output cap; killed with SIGKILL when either is hit.
 */
export async function runCommand(file: string, args: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  const command = [file, ...args].join(' ');
  const result = await execa(file, [...args], {
    reject: false,
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
    stdin: 'ignore',
    encoding: 'utf8',
    stripFinalNewline: true,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const code = (result as { code?: string }).code;
  const failure = result.timedOut
    ? 'timed-out'
    : result.isMaxBuffer
      ? 'too-much-output'
      : code === 'ENOENT'
        ? 'not-found'
        : code === 'EACCES'
          ? 'not-executable'
          : result.failed && result.exitCode === undefined
            ? 'failed'
            : undefined;
  return {
    command,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    exitCode: result.exitCode,
    signal: result.signal,
    durationMs: result.durationMs,
    ...(failure === undefined ? {} : { failure }),
  };
}
