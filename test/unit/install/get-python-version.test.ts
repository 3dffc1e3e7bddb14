import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KohyaSetupError } from '../../../src/install/errors.ts';
import { getPythonVersion } from '../../../src/install/get-python-version.ts';
import { PYTHON_3_10, createFakeKohya } from './fake-kohya.ts';
import type { FakePython } from './fake-kohya.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gate-python-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function getPython(name: string, python: FakePython): Promise<string> {
  return join(await createFakeKohya(root, name, python), 'venv', 'bin', 'python');
}

async function getError(promise: Promise<unknown>): Promise<KohyaSetupError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
  if (error instanceof KohyaSetupError) return error;
  throw error;
}

describe('getPythonVersion', () => {
  it('returns the version the interpreter prints', async () => {
    expect(await getPythonVersion(await getPython('ok', PYTHON_3_10))).toBe('3.10.14');
  });

  it('accepts a version printed on stderr, as Python 2 did', async () => {
    expect(await getPythonVersion(await getPython('stderr', { kind: 'script', body: 'echo "Python 2.7.18" >&2' }))).toBe('2.7.18');
  });

  it('says which interpreter is missing, not executable, or a dangling symlink', async () => {
    const missing = await getPython('missing', { kind: 'none' });
    expect(await getError(getPythonVersion(missing))).toMatchObject({ code: 'KOHYA_PYTHON_MISSING', message: `${missing} does not exist` });

    const locked = await getPython('locked', { kind: 'not-executable' });
    expect(await getError(getPythonVersion(locked))).toMatchObject({ code: 'KOHYA_PYTHON_NOT_EXECUTABLE', message: `${locked} is not executable` });

    const dangling = await getPython('dangling', { kind: 'dangling-symlink' });
    expect(await getError(getPythonVersion(dangling))).toMatchObject({
      code: 'KOHYA_PYTHON_MISSING',
      message: `${dangling} is a symlink to /nonexistent/python3.10, which does not exist`,
    });
  });

  it('reports an interpreter that fails, prints nonsense, or hangs', async () => {
    const failing = await getPython('failing', { kind: 'script', body: 'echo "dyld: Library not loaded: libpython3.10.dylib" >&2; exit 134' });
    expect(await getError(getPythonVersion(failing))).toMatchObject({
      code: 'KOHYA_PYTHON_FAILED',
      message: `${failing} --version exited with code 134: dyld: Library not loaded: libpython3.10.dylib`,
    });

    const odd = await getPython('odd', { kind: 'script', body: 'echo "hello"' });
    expect((await getError(getPythonVersion(odd))).message).toBe(`${odd} --version printed "hello", not a Python version`);

    // exec, so the timeout's SIGKILL reaches the sleeping process itself and no orphan holds the pipe open.
    const hanging = await getPython('hanging', { kind: 'script', body: 'exec sleep 30' });
    expect(await getError(getPythonVersion(hanging, 200))).toMatchObject({
      code: 'KOHYA_PYTHON_TIMEOUT',
      message: `${hanging} --version did not finish within 200 ms`,
    });
  });
});
