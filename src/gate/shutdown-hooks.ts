import { setTimeout as sleep } from 'node:timers/promises';
import { isGroupAlive, signalGroup } from '../server/process-group';
import { signalRegisteredChildren } from './child-registry';

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
const SIGNAL_GRACE_MS = 2000;

/**
 * Makes sure nothing the gate started outlives it: on SIGINT/SIGTERM/SIGHUP it stops the server's
 * group and every registered child (SIGTERM, then SIGKILL), then exits; on any exit it SIGKILLs
 * whatever is left. Returns a function that removes the hooks.
 */
export function installShutdownHooks(reportDir: string, getServerPid: () => number | undefined): () => void {
  const killAll = (signal: NodeJS.Signals) => {
    const pid = getServerPid();
    const groups = signalRegisteredChildren(reportDir, signal);
    if (pid !== undefined && signalGroup(pid, signal)) groups.push(pid);
    return groups;
  };
  const onSignal = async (signal: NodeJS.Signals) => {
    process.stderr.write(`\n[comfyui-gate] ${signal}: stopping ComfyUI and the GPU sampler…\n`);
    const groups = killAll('SIGTERM');
    const until = Date.now() + SIGNAL_GRACE_MS;
    while (groups.some((pid) => isGroupAlive(pid)) && Date.now() < until) await sleep(50);
    killAll('SIGKILL');
    process.exit(SIGNAL_EXIT_CODES[signal] ?? 1);
  };
  const onExit = () => void killAll('SIGKILL');
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.once(signal, onSignal);
  process.once('exit', onExit);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
    process.off('exit', onExit);
  };
}
