import { setTimeout as sleep } from 'node:timers/promises';
import { probeSystemStats } from './probe.ts';

/** Backoff between readiness polls, after Playwright's webServer: quick at first, then once a second. */
export const READY_POLL_DELAYS_MS = [100, 250, 500, 1000] as const;

export interface ReadyWaitOptions {
  readonly url: string;
  readonly signal: AbortSignal;
  /** Resolves once the server's log says it listens, so the next poll is not up to a second late. */
  readonly listening?: Promise<void>;
  /** Told what each failed poll saw, so a timeout can say it. */
  readonly onMiss?: (problem: string) => void;
}

export interface ReadyResult {
  readonly body: unknown;
  readonly polls: number;
}

/** Polls GET /system_stats until ComfyUI answers with its stats; stops when `signal` aborts. */
export async function waitUntilReady({ url, signal, listening, onMiss }: ReadyWaitOptions): Promise<ReadyResult> {
  let polls = 0;
  let early = listening;
  for (;;) {
    signal.throwIfAborted();
    polls += 1;
    const probe = await probeSystemStats(url, 2000);
    if (probe.kind === 'comfyui') return { body: probe.body, polls };
    onMiss?.(probe.kind === 'refused' ? 'connection refused' : probe.detail);
    const delay = READY_POLL_DELAYS_MS[Math.min(polls - 1, READY_POLL_DELAYS_MS.length - 1)] ?? 1000;
    const pause = sleep(delay, undefined, { signal }).catch(() => undefined);
    if (early === undefined) {
      await pause;
    } else {
      // The log line cuts one pause short; after that the backoff applies again.
      const woke = await Promise.race([pause.then(() => false), early.then(() => true)]);
      if (woke) early = undefined;
    }
  }
}
