import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { findTaggedProcesses } from '../../fixtures/tagged-processes.ts';
import type { ChaosScenario } from './chaos-scenarios.ts';
import { findEvent, readEvents, waitForEvent } from './events-file.ts';
import { startGateProcess, type GateExit, type GateProcess } from './gate-process.ts';

/** Everything must be gone this long after the signal. */
export const LEFTOVER_DEADLINE_MS = 5000;
const TRIGGER_TIMEOUT_MS = 60_000;
const POLL_MS = 20;

export interface ChaosRun {
  /** Signal → the npm process exited; undefined when it was still running at the deadline. */
  readonly npmExitMs: number | undefined;
  /** Signal → no tagged process left; undefined when some were left at the deadline. */
  readonly allGoneMs: number | undefined;
  /** How npm ended, e.g. "code 130" or "signal SIGTERM"; undefined while it ran on. */
  readonly exit: string | undefined;
  /** Tagged processes alive LEFTOVER_DEADLINE_MS after the signal, "pid command" (then killed). */
  readonly leftovers: readonly string[];
  /** The fake recorded its SIGTERM handler running, i.e. it was asked to stop rather than killed. */
  readonly fakeSawSigterm: boolean;
  /** Set when the moment to signal never came; the run is then not counted. */
  readonly problem?: string;
  readonly reportDir: string;
}

/** Runs `npm test` against the fake, signals it at the scenario's moment and watches everything go. */
export async function runChaosOnce(scenario: ChaosScenario, onStart: (gate: GateProcess) => void): Promise<ChaosRun> {
  const gate = await startGateProcess({ env: scenario.env, label: 'gate-chaos' });
  onStart(gate);
  let exit: GateExit | undefined;
  void gate.exited.then((value) => (exit = value));
  try {
    await waitForEvent(gate.eventsFile, scenario.after.event, { timeoutMs: TRIGGER_TIMEOUT_MS, gaveUp: gate.exited });
  } catch (error) {
    const killed = gate.killEverything();
    await gate.exited.catch(() => undefined);
    const problem = `${error instanceof Error ? error.message : String(error)}${killed.length === 0 ? '' : ` (then killed ${killed.length} processes)`}`;
    return { npmExitMs: undefined, allGoneMs: undefined, exit: describeExit(exit), leftovers: [], fakeSawSigterm: false, problem, reportDir: gate.reportDir };
  }
  await sleep(scenario.after.delayMs);
  const signalledAt = Date.now();
  gate.signal(scenario.target, scenario.signal);
  const { allGoneAt, leftovers } = await watchShutdown(gate, signalledAt + LEFTOVER_DEADLINE_MS);
  if (leftovers.length > 0) gate.killEverything();
  // npm can be gone from /proc a moment before its exit event reaches this process.
  await Promise.race([gate.exited, sleep(1000)]).catch(() => undefined);
  const fakeSawSigterm = findEvent(readEvents(gate.eventsFile), 'sigterm') !== undefined;
  if (leftovers.length === 0) rmSync(gate.reportDir, { recursive: true, force: true });
  return {
    npmExitMs: exit === undefined ? undefined : exit.at - signalledAt,
    allGoneMs: allGoneAt === undefined ? undefined : allGoneAt - signalledAt,
    exit: describeExit(exit),
    leftovers,
    fakeSawSigterm,
    reportDir: gate.reportDir,
  };
}

// Polls the process table for the run's tag until it is empty or the deadline passes.
async function watchShutdown(gate: GateProcess, deadline: number): Promise<{ allGoneAt: number | undefined; leftovers: string[] }> {
  for (;;) {
    const found = findTaggedProcesses(gate.tag);
    const now = Date.now();
    if (found.length === 0) return { allGoneAt: now, leftovers: [] };
    if (now >= deadline) return { allGoneAt: undefined, leftovers: found };
    await sleep(POLL_MS);
  }
}

function describeExit(exit: GateExit | undefined): string | undefined {
  if (exit === undefined) return undefined;
  return exit.signal === null ? `code ${exit.code ?? '?'}` : `signal ${exit.signal}`;
}
