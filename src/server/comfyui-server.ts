import type { ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import type { ServerPlan } from '../config/gate-config.ts';
import { assertPortFree } from './check-port.ts';
import { ServerExitedError, ServerNotReadyError, SpawnError } from './errors.ts';
import { readLogTail } from '../processes/log-tail.ts';
import { describeExit, stopGroup, waitForExit, type ExitInfo } from '../processes/process-group.ts';
import { waitUntilReady } from './wait-until-ready.ts';

type BootPlan = Extract<ServerPlan, { mode: 'boot' }>;

/**
 * The line ComfyUI prints once its HTTP server listens (see API.md, "Boot and readiness").
 * Not "Starting server": that comes before the port is open, and a poll it triggers is refused.
 */
const LISTENING_MARKER = 'To see the GUI go to:';
const STOP_GRACE_MS = 5000;

export interface RunningServer {
  readonly url: string;
  readonly pid: number;
  readonly logPath: string;
  /** Epoch ms of the spawn and of the first 200 from /system_stats. */
  readonly spawnedAt: number;
  readonly readyAt: number;
  readonly polls: number;
  readonly systemStats: unknown;
  /** Resolves when the server process exits, whoever ended it. */
  readonly exited: Promise<ExitInfo>;
  /** Stops the whole process group; safe to call any number of times. */
  stop(): Promise<ExitInfo>;
}

export interface StartOptions {
  /** Called about once a second while waiting, with the seconds waited so far. */
  readonly onWaiting?: (seconds: number) => void;
  /** Called once the process exists, before readiness: a signal during boot must be able to stop it. */
  readonly onSpawn?: (pid: number) => void;
}

/** Boots ComfyUI in its own process group and resolves once it answers /system_stats. */
export async function startComfyui(plan: BootPlan, logPath: string, { onWaiting, onSpawn }: StartOptions = {}): Promise<RunningServer> {
  await assertPortFree('127.0.0.1', plan.port);
  const log = createWriteStream(logPath, { flags: 'w' });
  const spawnedAt = epochNow();
  const child = spawnServer(plan, log);
  const listening = createNudge();
  watchOutput(child, log, () => listening.fire());
  let stopping: Promise<ExitInfo> | undefined;
  // The tail of the log is read once the server has exited, so let the log reach the disk first.
  const exited = waitForExit(child).finally(() => new Promise<void>((resolve) => log.end(resolve)));
  // When the spawn fails `exited` rejects with the error getSpawnError reports: not an unhandled rejection.
  exited.catch(() => undefined);
  const stop = () => (stopping ??= stopGroup(child, STOP_GRACE_MS));
  const pid = child.pid;
  if (pid === undefined) throw await getSpawnError(child, plan);
  onSpawn?.(pid);
  try {
    const waitingSince = performance.now();
    const ticker = setInterval(() => onWaiting?.(Math.round((performance.now() - waitingSince) / 1000)), 1000);
    const ready = await raceReadiness(plan, child, exited, listening, logPath).finally(() => clearInterval(ticker));
    return {
      url: plan.url,
      pid,
      logPath,
      spawnedAt,
      readyAt: epochNow(),
      polls: ready.polls,
      systemStats: ready.body,
      exited,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function spawnServer(plan: BootPlan, _log: WriteStream): ChildProcess {
  // An argument array and no shell: configuration values are never parsed as shell syntax.
  const child = execa(plan.python, [...plan.args], {
    cwd: plan.dir,
    env: { ...plan.env, PYTHONUNBUFFERED: '1' },
    detached: true,
    cleanup: false,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  return child.nodeChildProcess;
}

function watchOutput(child: ChildProcess, log: WriteStream, onListening: () => void): void {
  let seen = false;
  const scan = (chunk: Buffer) => {
    log.write(chunk);
    if (!seen && chunk.includes(LISTENING_MARKER)) {
      seen = true;
      onListening();
    }
  };
  child.stdout?.on('data', scan);
  child.stderr?.on('data', scan);
}

async function raceReadiness(
  plan: BootPlan,
  child: ChildProcess,
  exited: Promise<ExitInfo>,
  listening: ReturnType<typeof createNudge>,
  logPath: string,
): Promise<{ body: unknown; polls: number }> {
  const controller = new AbortController();
  const startedAt = performance.now();
  let lastProblem = 'no answer yet';
  const deadline = setTimeout(() => controller.abort(), plan.readyTimeoutMs);
  const onExit = exited.then((exit) => {
    controller.abort();
    return exit;
  });
  try {
    return await waitUntilReady({
      url: plan.url,
      signal: controller.signal,
      listening: listening.wait(),
      onMiss: (problem) => (lastProblem = problem),
    });
  } catch (error) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const exit = await onExit;
      throw new ServerExitedError(`ComfyUI exited during boot with ${describeExit(exit)} before answering ${plan.url}/system_stats`, {
        hint: `read the log lines below (full log: ${logPath}); a missing Python package means the venv is incomplete: ${plan.python} -m pip install -r requirements.txt`,
        context: { exit: describeExit(exit), log: logPath, logTail: readLogTail(logPath) },
      });
    }
    if (!controller.signal.aborted) throw error;
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    throw new ServerNotReadyError(`ComfyUI did not answer ${plan.url}/system_stats within ${seconds} s (it is still running; last poll: ${lastProblem})`, {
      hint: `read ${logPath}; a first start can take long while models load: raise COMFYUI_READY_TIMEOUT_S (now ${plan.readyTimeoutMs / 1000})`,
      context: { url: `${plan.url}/system_stats`, waitedSeconds: Number(seconds), log: logPath, logTail: readLogTail(logPath) },
    });
  } finally {
    clearTimeout(deadline);
  }
}

async function getSpawnError(child: ChildProcess, plan: BootPlan): Promise<SpawnError> {
  const failure = await new Promise<Error | undefined>((resolve) => {
    child.once('error', resolve);
    setTimeout(() => resolve(undefined), 1000);
  });
  return new SpawnError(`Could not start ${plan.python}: ${failure?.message ?? 'no process id'}`, {
    hint: 'check COMFYUI_PYTHON / the venv of COMFYUI_DIR',
    context: { python: plan.python },
  });
}

/** A one-shot signal that many waiters can await; waiting after it fired resolves at once. */
function createNudge() {
  let fire: () => void = () => undefined;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fire: () => fire(), wait: () => fired };
}

function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
