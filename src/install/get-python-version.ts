import { execFile } from 'node:child_process';
import type { ExecFileException } from 'node:child_process';
import { lstat, readlink, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { KohyaSetupError } from './errors';

/** How long `python --version` may take; a healthy interpreter answers in well under a second. */
export const PYTHON_VERSION_TIMEOUT_MS = 10_000;

const RECREATE_VENV_HINT = 'recreate the venv: delete it and run ./setup.sh in the kohya_ss folder';

/** Runs `<python> --version` and returns the version it prints (e.g. '3.10.14'); throws KohyaSetupError when it cannot. */
export async function getPythonVersion(pythonPath: string, timeoutMs = PYTHON_VERSION_TIMEOUT_MS): Promise<string> {
  await validateInterpreterExists(pythonPath);
  const { stdout, stderr } = await runVersion(pythonPath, timeoutMs);
  // Python 2 printed its version on stderr; Python 3 uses stdout.
  const printed = (stdout.trim() || stderr.trim()).split('\n')[0] ?? '';
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
  const message = target === undefined
    ? `${pythonPath} does not exist`
    : `${pythonPath} is a symlink to ${target}, which does not exist`;
  throw new KohyaSetupError('KOHYA_PYTHON_MISSING', message, {
    hint: target === undefined ? 'create the venv: run ./setup.sh in the kohya_ss folder' : `the Python the venv was made from is gone; ${RECREATE_VENV_HINT}`,
    context: { pythonPath },
  });
}

function runVersion(pythonPath: string, timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(pythonPath, ['--version'], { timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) {
        resolvePromise({ stdout, stderr });
        return;
      }
      reject(createRunError(pythonPath, timeoutMs, error, stderr));
    });
  });
}

function createRunError(pythonPath: string, timeoutMs: number, error: ExecFileException, stderr: string): KohyaSetupError {
  const context = { pythonPath };
  if (error.code === 'EACCES') {
    return new KohyaSetupError('KOHYA_PYTHON_NOT_EXECUTABLE', `${pythonPath} is not executable`, {
      hint: `make it executable (chmod +x ${pythonPath}) or ${RECREATE_VENV_HINT}`,
      context,
      cause: error,
    });
  }
  if (error.killed === true) {
    return new KohyaSetupError('KOHYA_PYTHON_TIMEOUT', `${pythonPath} --version did not finish within ${timeoutMs} ms`, {
      hint: `run ${pythonPath} --version by hand to see what it waits for; ${RECREATE_VENV_HINT}`,
      context,
      cause: error,
    });
  }
  const how = typeof error.code === 'number' ? `exited with code ${error.code}` : error.signal ? `was killed by ${error.signal}` : `failed (${error.message})`;
  const lastLine = stderr.trim().split('\n').at(-1) ?? '';
  return new KohyaSetupError('KOHYA_PYTHON_FAILED', `${pythonPath} --version ${how}${lastLine === '' ? '' : `: ${lastLine}`}`, {
    hint: RECREATE_VENV_HINT,
    context,
    cause: error,
  });
}
