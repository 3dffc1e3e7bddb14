import type { FollowRun } from './follow-run.ts';

/** Calls `onDeadline` once the clock reaches `deadlineMs` (absolute, on `now`'s clock), unless the follow ended first. */
export function watchDeadline(
  run: FollowRun<unknown>,
  { deadlineMs, now, onDeadline }: { deadlineMs: number; now: () => number; onDeadline: () => void },
): void {
  const check = () => {
    // Timers may fire a little early: wait out the rest.
    if (now() < deadlineMs) run.later(deadlineMs - now(), check);
    else onDeadline();
  };
  run.later(deadlineMs - now(), check);
}

/** Calls `onAbort` when `signal` aborts (at once if it already has), unless the follow ended first. */
export function watchAbort(run: FollowRun<unknown>, signal: AbortSignal | undefined, onAbort: () => void): void {
  if (signal === undefined || run.done) return;
  if (signal.aborted) {
    onAbort();
    return;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  run.onStop(() => signal.removeEventListener('abort', onAbort));
}
