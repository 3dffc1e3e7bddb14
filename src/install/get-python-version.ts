import { lstat, readlink, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { runCommand, type CommandResult } from '../processes/run-command.ts';
import { sanitizeLine } from '../text/sanitize.ts';
import { KohyaSetupError } from './errors.ts';

/** How long `python --version` may take; a healthy interpreter answers in well under a second. */
export const PYTHON_VERSION_TIMEOUT_MS = 10_000;

/** `python --version` prints one short line; a venv python that prints more is broken. */
const MAX_VERSION_OUTPUT_BYTES = 64 * 1024;

const RECREATE_VENV_HINT = 'recreate the venv: delete it and run ./setup.sh in the kohya_ss folder';

/** Runs `<python> --version` and returns the version it prints (e.g. '3.10.14'); throws KohyaSetupError when it cannot. */
export async function getPythonVersion(pythonPath: string, timeoutMs = PYTHON_VERSION_TIMEOUT_MS): Promise<string> {
  await validateInterpreterExists(pythonPath);
  const result = await runCommand(pythonPath, ['--version'], { timeoutMs, maxOutputBytes: MAX_VERSION_OUTPUT_BYTES });
  if (result.failure !== undefined || result.exitCode !== 0) throw createRunError(pythonPath, timeoutMs, result);
  // Python 2 printed its version on stderr; Python 3 uses stdout.
  const printed = sanitizeLine((result.stdout.trim() || result.stderr.trim()).split('\n')[0] ?? '', 200);
  const match = /^Python (\d+\.\d+\.\d+\S*)$/.exec(printed);
  if (match?.[1] === undefined) {
    throw new KohyaSetupError('KOHYA_PYTHON_FAILED', `${pythonPath} --version printed ${JSON.stringify(printed)}, not a Python version`, {
      hint: RECREATE_VENV_HINT,
      context: { pythonPath, printed },
    });
  }
  return match[1];
}

async function validateInterpreterExists(pythonPath: string): Promise<void> {
  try {
    await stat(pythonPath);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return;
  }
  // A venv's python is usually a symlink; an upgraded or removed base Python leaves it dangling.
  const target = await lstat(pythonPath).then(
    async (link) => (link.isSymbolicLink() ? resolve(dirname(pythonPath), await readlink(pythonPath)) : undefined),
    () => undefined,
  );
  const message = target === undefined ? `${pythonPath} does not exist` : `${pythonPath} is a symlink to ${target}, which does not exist`;
  throw new KohyaSetupError('KOHYA_PYTHON_MISSING', message, {
    hint: target === undefined ? 'create the venv: run ./setup.sh in the kohya_ss folder' : `the Python the venv was made from is gone; ${RECREATE_VENV_HINT}`,
    context: { pythonPath },
  });
}

function createRunError(pythonPath: string, timeoutMs: number, result: CommandResult): KohyaSetupError {
  const context = { pythonPath };
  if (result.failure === 'not-executable') {
    return new KohyaSetupError('KOHYA_PYTHON_NOT_EXECUTABLE', `${pythonPath} is not executable`, {
      hint: `make it executable (chmod +x ${pythonPath}) or ${RECREATE_VENV_HINT}`,
      context,
    });
  }
  if (result.failure === 'timed-out') {
    return new KohyaSetupError('KOHYA_PYTHON_TIMEOUT', `${pythonPath} --version did not finish within ${timeoutMs} ms`, {
      hint: `run ${pythonPath} --version by hand to see what it waits for; ${RECREATE_VENV_HINT}`,
      context,
    });
  }
  const lastLine = sanitizeLine(result.stderr.trim().split('\n').at(-1) ?? '', 200);
  return new KohyaSetupError('KOHYA_PYTHON_FAILED', `${pythonPath} --version ${describeEnd(result)}${lastLine === '' ? '' : `: ${lastLine}`}`, {
    hint: RECREATE_VENV_HINT,
    context,
  });
}

function describeEnd(result: CommandResult): string {
  if (result.exitCode !== undefined && result.exitCode !== 0) return `exited with code ${result.exitCode}`;
  if (result.signal !== undefined) return `was killed by ${result.signal}`;
  if (result.failure === 'too-much-output') return `printed more than ${MAX_VERSION_OUTPUT_BYTES} bytes`;
  // Found by stat, yet not startable: a script whose #! interpreter is missing, for one.
  if (result.failure === 'not-found') return 'failed (it could not be started: its interpreter or a library it needs is missing)';
  return 'failed';
}
