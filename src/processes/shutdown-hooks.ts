import { setTimeout as sleep } from 'node:timers/promises';
import { isGroupAlive, signalGroup } from './process-group.ts';
import { signalRegisteredChildren } from './child-registry.ts';

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
const SIGNAL_GRACE_MS = 2000;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Makes sure nothing the gate started outlives it: on SIGINT/SIGTERM/SIGHUP, and on any exit, it
 * stops the server's group and every registered child (SIGTERM, then SIGKILL after a grace).
 * Returns a function that removes the hooks.
 */
export interface ShutdownOptions {
  readonly reportDir: string;
  /** The pid of the ComfyUI the gate booted; undefined in attach mode or before the spawn. */
  readonly getServerPid: () => number | undefined;
  /** Said on a signal: what is being stopped, in the gate's words. */
  readonly stoppingWhat: string;
  /** Runs first on a signal, bounded by the grace period (attach mode: cancel the gate's own prompt). */
  readonly beforeStop?: () => Promise<void>;
}

export function installShutdownHooks({ reportDir, getServerPid, stoppingWhat, beforeStop }: ShutdownOptions): () => void {
  const killAll = (signal: NodeJS.Signals) => {
    const pid = getServerPid();
    const groups = signalRegisteredChildren(reportDir, signal);
    if (pid !== undefined && signalGroup(pid, signal)) groups.push(pid);
    return groups;
  };
  let stopping = false;
  const onSignal = async (signal: NodeJS.Signals) => {
    // Ctrl-C reaches Vitest twice (from the terminal and forwarded by npm); a second signal must
    // not fall through to the default action, which would end the process before the exit hook.
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n[comfyui-gate] ${signal}: stopping ${stoppingWhat}…\n`);
    const until = Date.now() + SIGNAL_GRACE_MS;
    if (beforeStop !== undefined) await Promise.race([beforeStop().catch(() => undefined), sleep(SIGNAL_GRACE_MS / 2)]);
    const groups = killAll('SIGTERM');
    while (groups.some((pid) => isGroupAlive(pid)) && Date.now() < until) await sleep(50);
    killAll('SIGKILL');
    process.exit(SIGNAL_EXIT_CODES[signal] ?? 1);
  };
  // Vitest's own signal handler exits the process a millisecond after a signal, so this hook is
  // where the stop happens: SIGTERM, a bounded synchronous wait, then SIGKILL for what is left.
  const onExit = () => {
    const groups = killAll('SIGTERM');
    const until = Date.now() + SIGNAL_GRACE_MS;
    while (groups.some((pid) => isGroupAlive(pid)) && Date.now() < until) Atomics.wait(PAUSE, 0, 0, 20);
    killAll('SIGKILL');
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  process.once('exit', onExit);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
    process.off('exit', onExit);
  };
}
