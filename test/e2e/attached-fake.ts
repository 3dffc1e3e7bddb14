import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestContext } from 'vitest';
import { FAKE_COMFYUI_DIR, getFreePort } from '../../fixtures/fake-env.ts';

/** How long the fake may take to print its "To see the GUI" line on a busy two-core machine. */
const READY_TIMEOUT_MS = 30_000;

export interface AttachedFake {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
}

export interface AttachedFakeOptions {
  /** The ComfyUI folder to run from (a copy of the fake install); the fake's own by default. */
  readonly comfyDir?: string;
  /** What the python runs: `main.py` (from the ComfyUI folder), or its absolute path as ComfyUI Desktop passes it. */
  readonly mainScript?: string;
  /** ComfyUI arguments before `--listen 127.0.0.1 --port <port>`, e.g. Desktop's `--base-directory`. */
  readonly args?: readonly string[];
  /** Fake knobs on top of this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts the fake ComfyUI the way a person starts ComfyUI before `COMFYUI_URL=… npm test`, waits
 * for its "To see the GUI" log line (a deadline, and its exit, end the wait), and stops it when
 * the test ends.
 */
export async function startAttachedFake(context: Pick<TestContext, 'onTestFinished'>, options: AttachedFakeOptions = {}): Promise<AttachedFake> {
  const port = await getFreePort();
  const comfyDir = options.comfyDir ?? FAKE_COMFYUI_DIR;
  const child = spawn(
    join(comfyDir, 'venv', 'bin', 'python'),
    [options.mainScript ?? 'main.py', ...(options.args ?? []), '--listen', '127.0.0.1', '--port', String(port)],
    {
      cwd: comfyDir,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  context.onTestFinished(() => void child.kill('SIGKILL'));
  let said = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the fake ComfyUI did not say "To see the GUI" within ${READY_TIMEOUT_MS} ms; it said: ${said.slice(-500)}`)),
      READY_TIMEOUT_MS,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString('utf8');
      if (!said.includes('To see the GUI')) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the fake ComfyUI exited (${signal ?? code}) before it was ready; it said: ${said.slice(-500)}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, port, process: child };
}
