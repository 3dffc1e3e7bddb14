import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getFreePort } from '../../../fixtures/fake-env.ts';
import { assertPortFree } from '../../../src/server/check-port.ts';
import { startComfyui, type RunningServer, type StartOptions } from '../../../src/server/comfyui-server.ts';
import { PortBusyError, ServerExitedError, ServerNotReadyError, SpawnError } from '../../../src/server/errors.ts';
import { closeServers, holdPortWithTcp } from './local-servers.ts';
import { isProcessRunning } from './processes.ts';
import {
  createStandIn,
  EXITS_WITH_TRACEBACK,
  LISTENS_AFTER_200_MS,
  NEVER_LISTENS,
  readStandInPid,
  TRACEBACK_LINES,
  type BootPlan,
} from './stand-in-comfyui.ts';

let root: string;
let logPath: string;
const plans: BootPlan[] = [];
const servers: RunningServer[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gate-server-'));
  logPath = join(root, 'comfyui.log');
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  for (const plan of plans.splice(0)) {
    const pid = readStandInPid(plan);
    if (pid !== undefined && isProcessRunning(pid)) process.kill(-pid, 'SIGKILL');
  }
  await closeServers();
  rmSync(root, { recursive: true, force: true });
});

async function createPlan(behaviour: string, readyTimeoutMs?: number): Promise<BootPlan> {
  const plan = createStandIn(root, 'ComfyUI', behaviour, await getFreePort(), readyTimeoutMs);
  plans.push(plan);
  return plan;
}

async function getBootError(plan: BootPlan, options?: StartOptions): Promise<unknown> {
  return startComfyui(plan, logPath, options).then(
    (server) => {
      servers.push(server);
      return new Error('expected the boot to fail');
    },
    (reason: unknown) => reason,
  );
}

describe('startComfyui', () => {
  it('boots the server in its own process group and resolves once /system_stats answers', async () => {
    const plan = await createPlan(LISTENS_AFTER_200_MS);
    const server = await startComfyui(plan, logPath);
    servers.push(server);

    expect(server.url).toBe(plan.url);
    expect(server.pid).toBe(readStandInPid(plan));
    expect(server.logPath).toBe(logPath);
    // It listens after 200 ms, so at least the first poll was refused.
    expect(server.polls).toBeGreaterThanOrEqual(2);
    expect(server.readyAt - server.spawnedAt).toBeGreaterThanOrEqual(200);
    expect(server.systemStats).toEqual({
      system: {
        argv: ['main.py', '--force-fp16', '--listen', '127.0.0.1', '--port', String(plan.port)],
        cwd: plan.dir,
        pgid: server.pid,
        env: { PYTORCH_ENABLE_MPS_FALLBACK: '1', PYTHONUNBUFFERED: '1' },
      },
      devices: [{ name: 'mps', type: 'mps', index: null }],
    });
    // The output goes to the log file (written asynchronously), not to the terminal.
    await vi.waitFor(() => expect(readFileSync(logPath, 'utf8')).toContain(`To see the GUI go to: http://127.0.0.1:${plan.port}`), {
      timeout: 2000,
      interval: 20,
    });
    expect(readFileSync(logPath, 'utf8')).toBe(
      ['Total VRAM 16384 MB, total RAM 16384 MB', 'Device: mps', 'Starting server', '', `To see the GUI go to: http://127.0.0.1:${plan.port}`, ''].join('\n'),
    );
  });

  it('stops the server on stop(), any number of times', async () => {
    const plan = await createPlan(LISTENS_AFTER_200_MS);
    const server = await startComfyui(plan, logPath);
    servers.push(server);

    const first = server.stop();
    const second = server.stop();
    expect(second).toBe(first);
    expect(await first).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await server.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await server.stop()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(isProcessRunning(server.pid)).toBe(false);
    await expect(assertPortFree('127.0.0.1', plan.port)).resolves.toBeUndefined();
  });

  it('fails with the exit and the log tail when the server dies during boot', async () => {
    const plan = await createPlan(EXITS_WITH_TRACEBACK);
    const startedAt = performance.now();
    const error = await getBootError(plan);
    expect(performance.now() - startedAt).toBeLessThan(2000);

    expect(error).toBeInstanceOf(ServerExitedError);
    const exited = error as ServerExitedError;
    expect(exited.code).toBe('COMFYUI_EXITED');
    expect(exited.message).toBe(`ComfyUI exited during boot with exit code 1 before answering ${plan.url}/system_stats`);
    expect(exited.hint).toBe(
      `read the log lines below (full log: ${logPath}); a missing Python package means the venv is incomplete: ${plan.python} -m pip install -r requirements.txt`,
    );
    expect(exited.context).toEqual({ exit: 'exit code 1', log: logPath, logTail: ['Prestartup times for custom nodes:', ...TRACEBACK_LINES] });
  });

  it('gives up at the deadline, names the URL and the wait, and stops the server', async () => {
    const plan = await createPlan(NEVER_LISTENS, 1500);
    const ticks: number[] = [];
    const startedAt = performance.now();
    const error = await getBootError(plan, { onWaiting: (seconds) => ticks.push(seconds) });
    const tookMs = performance.now() - startedAt;
    // Told once a second how long the wait has lasted: once, at 1 s, before the 1.5 s deadline.
    expect(ticks).toEqual([1]);
    expect(tookMs).toBeGreaterThanOrEqual(1500);
    expect(tookMs).toBeLessThan(4000);

    expect(error).toBeInstanceOf(ServerNotReadyError);
    const notReady = error as ServerNotReadyError;
    expect(notReady.code).toBe('COMFYUI_NOT_READY');
    const waited = String(notReady.context.waitedSeconds);
    expect(Number(waited)).toBeGreaterThanOrEqual(1.5);
    expect(Number(waited)).toBeLessThan(3);
    expect(notReady.message).toBe(
      `ComfyUI did not answer ${plan.url}/system_stats within ${Number(waited).toFixed(1)} s (it is still running; last poll: connection refused)`,
    );
    expect(notReady.hint).toBe(`read ${logPath}; a first start can take long while models load: raise COMFYUI_READY_TIMEOUT_S (now 1.5)`);
    expect(notReady.context).toEqual({
      url: `${plan.url}/system_stats`,
      waitedSeconds: Number(waited),
      log: logPath,
      logTail: ['Loading checkpoint: anything-v5-PrtRE.safetensors'],
    });

    // Setup that fails half-way tears down what it started.
    const pid = readStandInPid(plan);
    expect(pid).toBeDefined();
    expect(isProcessRunning(pid ?? 0)).toBe(false);
  });

  it('says which python could not be started', async () => {
    const plan = await createPlan(LISTENS_AFTER_200_MS);
    const python = join(plan.dir, 'venv', 'bin', 'python3.11');
    const error = await getBootError({ ...plan, python });
    // The log file is opened asynchronously; let that happen before the folder is removed.
    await vi.waitFor(() => expect(existsSync(logPath)).toBe(true), { timeout: 2000, interval: 10 });
    expect(error).toBeInstanceOf(SpawnError);
    expect(error).toMatchObject({
      code: 'COMFYUI_SPAWN_FAILED',
      message: `Could not start ${python}: spawn ${python} ENOENT`,
      hint: 'check COMFYUI_PYTHON / the venv of COMFYUI_DIR',
      context: { python },
    });
  });

  it('refuses a busy port without starting anything', async () => {
    const plan = await createPlan(LISTENS_AFTER_200_MS);
    await holdPortWithTcp(plan.port);
    const error = await getBootError(plan);
    expect(error).toBeInstanceOf(PortBusyError);
    expect((error as PortBusyError).message).toBe(
      `Port ${plan.port} on 127.0.0.1 is busy: another program is listening there; the gate will not boot a second server or touch that process`,
    );
    expect(readStandInPid(plan)).toBeUndefined();
    expect(existsSync(logPath)).toBe(false);
  });
});
