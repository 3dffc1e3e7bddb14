import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Spawns the fake GPU tools the way the gate does: real processes, found on a prefixed PATH.

export const FIXTURES_DIR = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
export const FAKE_BIN_DIR = `${FIXTURES_DIR}fake-gpu-tools/bin`;

export interface FakeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface StdoutChunk {
  at: number;
  text: string;
}

export interface FakeProcess {
  pid: number;
  startedAt: number;
  chunks: StdoutChunk[];
  getStdout(): string;
  getStderr(): string;
  exited: Promise<FakeExit>;
  waitForStdout(description: string, isDone: (stdout: string) => boolean, timeoutMs: number): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Reads a file under fixtures/ (the real recordings the fakes replay). */
export function readFixture(relativePath: string): string {
  return readFileSync(`${FIXTURES_DIR}${relativePath}`, 'utf8');
}

/** The child's environment: ours without any FAKE_* knob, bin/ first on PATH, then `env`. */
export function createFakeEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('FAKE_')));
  return { ...base, PATH: `${FAKE_BIN_DIR}:${process.env.PATH ?? ''}`, ...env };
}

/** Starts a fake by bare command name, so PATH lookup picks it, as it would for the gate. */
export function startFake(command: string, args: string[], env: Record<string, string> = {}): FakeProcess {
  const startedAt = performance.now();
  const child = spawn(command, args, { env: createFakeEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const chunks: StdoutChunk[] = [];
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    chunks.push({ at: performance.now(), text });
    stdout += text;
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<FakeExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running.delete(child);
      for (const listener of listeners) listener();
      resolve({ code, signal, at: performance.now() });
    });
  });
  if (child.pid === undefined) {
    throw new Error(`could not spawn ${command}`);
  }

  const waitForStdout = (description: string, isDone: (text: string) => boolean, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (isDone(stdout)) {
          finish();
          resolve();
        } else if (child.exitCode !== null || child.signalCode !== null) {
          finish();
          reject(new Error(`${command} exited before ${description}; stdout: ${stdout.slice(-500)} stderr: ${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${command}: no ${description} within ${timeoutMs} ms; stdout so far: ${stdout.slice(-500)}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  return {
    pid: child.pid,
    startedAt,
    chunks,
    getStdout: () => stdout,
    getStderr: () => stderr,
    exited,
    waitForStdout,
  };
}

export interface FakeResult extends FakeExit {
  stdout: string;
  stderr: string;
}

/** Runs a fake to completion. */
export async function runFake(command: string, args: string[], env: Record<string, string> = {}): Promise<FakeResult> {
  const fake = startFake(command, args, env);
  const exit = await fake.exited;
  return { ...exit, stdout: fake.getStdout(), stderr: fake.getStderr() };
}

/** Sends SIGTERM to `fake` and resolves with how long it took to exit. */
export async function terminate(fake: FakeProcess): Promise<{ exit: FakeExit; tookMs: number }> {
  const sentAt = performance.now();
  process.kill(fake.pid, 'SIGTERM');
  const exit = await fake.exited;
  return { exit, tookMs: exit.at - sentAt };
}

/** For afterEach: SIGKILL every fake still running. */
export function killAllFakes(): void {
  for (const child of running) {
    child.kill('SIGKILL');
  }
  running.clear();
}
