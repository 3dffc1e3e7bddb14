import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Starts the fake ComfyUI exactly as the gate does: `<ComfyUI>/venv/bin/python main.py --force-fp16
// --listen 127.0.0.1 --port <port>`, cwd = the ComfyUI folder, detached in its own process group.

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const INSTALL_DIR = join(REPO_ROOT, 'fixtures', 'fake-comfyui', 'install');
export const GATE_ARGS = ['main.py', '--force-fp16', '--listen', '127.0.0.1'] as const;

// Fast defaults for tests; each test can override.
const TEST_ENV = { FAKE_COMFYUI_BOOT_MS: '0', FAKE_COMFYUI_STEP_MS: '2', FAKE_COMFYUI_NODE_MS: '2', FAKE_COMFYUI_LOAD_MS: '2' };

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface FakeProcess {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  readonly eventsFile: string;
  readonly comfyDir: string;
  stderr(): string;
  /** The FAKE_COMFYUI_EVENTS lines so far. */
  events(): Record<string, unknown>[];
}

export interface StartOptions {
  readonly env?: Record<string, string>;
  /** Replaces the gate's flags after main.py (the port is still appended unless `port` is false). */
  readonly args?: readonly string[];
  readonly port?: number | false;
  readonly comfyDir?: string;
  /** Wait until GET /system_stats answers 200 (default true). */
  readonly waitReady?: boolean;
}

const started = new Set<ChildProcess>();
const scratchDirs: string[] = [];

/** A port nobody listens on right now. */
export async function getFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port from listen(0)');
  return address.port;
}

/** Spawns the fake through its install folder's venv/bin/python and (by default) waits until it serves. */
export async function startFake(options: StartOptions = {}): Promise<FakeProcess> {
  const port = options.port === false ? 0 : (options.port ?? (await getFreePort()));
  const comfyDir = options.comfyDir ?? INSTALL_DIR;
  const eventsFile = join(makeScratchDir(), 'events.jsonl');
  const args = [...(options.args ?? GATE_ARGS), ...(options.port === false ? [] : ['--port', String(port)])];
  const child = spawn(join(comfyDir, 'venv', 'bin', 'python'), args, {
    cwd: comfyDir,
    env: { ...process.env, PYTORCH_ENABLE_MPS_FALLBACK: '1', FAKE_COMFYUI_HOME: REPO_ROOT, FAKE_COMFYUI_EVENTS: eventsFile, ...TEST_ENV, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout?.on('data', () => undefined);
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const fake: FakeProcess = {
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    eventsFile,
    comfyDir,
    stderr: () => stderr,
    events: () => readEvents(eventsFile),
  };
  if (options.waitReady !== false) await waitUntilReady(fake);
  return fake;
}

/** Polls GET /system_stats until 200; fails with the fake's stderr if it exits or 15 s pass. */
export async function waitUntilReady(fake: FakeProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: Exit | undefined;
  void fake.exited.then((value) => (exit = value));
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`fake exited (${JSON.stringify(exit)}) before answering:\n${fake.stderr()}`);
    try {
      const response = await fetch(`${fake.url}/system_stats`);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // connection refused until it listens
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`fake did not answer /system_stats within ${timeoutMs} ms:\n${fake.stderr()}`);
}

/** Kills every fake started so far (their whole process groups). */
export async function stopAllFakes(): Promise<void> {
  const children = [...started];
  started.clear();
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        return; // already gone
      }
      await gone;
    }),
  );
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A temporary directory removed by stopAllFakes. */
export function makeScratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-comfyui-test-'));
  scratchDirs.push(dir);
  return dir;
}

/** A copy of the install folder to change (custom nodes, checkpoints) without touching the repo. */
export function copyInstall(): string {
  const dir = join(makeScratchDir(), 'ComfyUI');
  cpSync(INSTALL_DIR, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

function readEvents(file: string): Record<string, unknown>[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  } catch {
    return [];
  }
}
