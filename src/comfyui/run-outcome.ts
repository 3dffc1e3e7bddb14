import type { ImageRef } from './schemas.ts';

/** One node's execution as the client saw it: from its `executing` message to the next marker (client clock, epoch ms). */
export interface NodeTiming {
  readonly id: string;
  readonly classType?: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** One `progress` message: `value` of `max` steps, received at `at` (client clock, epoch ms). */
export interface StepEvent {
  readonly value: number;
  readonly max: number;
  readonly at: number;
  readonly node: string | null;
}

/** Where the end of a run was timed: the socket's terminal message, or the server timestamps in /history. */
/** A finished, successful run. */
export interface RunOutcome {
  readonly promptId: string;
  /** How the run was followed, and so where the server's timestamps come from: the socket's messages or /history. */
  readonly via: 'websocket' | 'history';
  /** Why the history fallback was used ("socket closed", "socket silent for 5000 ms", "no socket"). */
  readonly fallbackReason?: string;
  /** Client clock, epoch ms. */
  readonly submittedAt: number;
  /** When the run ended on the client clock; when followed via 'history', mapped from the server's end timestamp. */
  readonly completedAt: number;
  /** Server wall clock, epoch ms, from execution_start and the terminal event (from /history's status messages when followed there). */
  readonly serverStart?: number;
  readonly serverEnd?: number;
  readonly nodes: readonly NodeTiming[];
  /** Nodes ComfyUI answered from its cache (`execution_cached`), as it listed them. */
  readonly cachedNodeIds: readonly string[];
  /** Nodes that ran for this prompt, in execution order as far as it was seen. */
  readonly executedNodeIds: readonly string[];
  /** @deprecated the same list as cachedNodeIds. */
  readonly cachedNodes: readonly string[];
  readonly steps: readonly StepEvent[];
  readonly images: readonly ImageRef[];
  /** Set when the timings are not plausible for a real generation (see getSuspicion): why. */
  readonly suspect?: string;
}

export interface NodeSeconds {
  readonly id: string;
  readonly classType?: string;
  readonly seconds: number;
}

/** Sampling speed between the first and the last progress event: (n − 1) / (t_last − t_first); undefined for fewer than 2. */
export function getStepsPerSecond(steps: readonly Pick<StepEvent, 'at'>[]): number | undefined {
  const first = steps[0];
  const last = steps.at(-1);
  if (steps.length < 2 || first === undefined || last === undefined || last.at <= first.at) return undefined;
  return (steps.length - 1) / ((last.at - first.at) / 1000);
}

/** Seconds each executed node took, in execution order (cached nodes do not appear). */
export function getNodeSeconds(outcome: Pick<RunOutcome, 'nodes'>): NodeSeconds[] {
  return outcome.nodes.map(({ id, classType, startedAt, endedAt }) => ({
    id,
    ...(classType === undefined ? {} : { classType }),
    seconds: (endedAt - startedAt) / 1000,
  }));
}

/** The server's own run time (terminal event − execution_start), undefined when a timestamp is missing. */
export function getServerSeconds(outcome: Pick<RunOutcome, 'serverStart' | 'serverEnd'>): number | undefined {
  const { serverStart, serverEnd } = outcome;
  return serverStart === undefined || serverEnd === undefined ? undefined : (serverEnd - serverStart) / 1000;
}

/** Submit → completion on the client clock, in seconds. */
export function getClientSeconds(outcome: Pick<RunOutcome, 'submittedAt' | 'completedAt'>): number {
  return (outcome.completedAt - outcome.submittedAt) / 1000;
}
