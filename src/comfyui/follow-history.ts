import { ComfyStoppedError } from './errors.ts';
import type { FollowRun } from './follow-run.ts';
import type { ComfyHttp } from './http-client.ts';
import { createHistoryPoll } from './poll-history.ts';
import type { HistoryPoll } from './poll-history.ts';
import type { HistoryEntry } from './schemas.ts';

export interface HistoryFallbackOptions {
  readonly http: Pick<ComfyHttp, 'baseUrl' | 'getHistoryEntry'>;
  readonly promptId: string;
  readonly intervalMs: number;
  readonly now: () => number;
  /** The prompt's entry arrived (at `seenAt`, on `now`'s clock): the run has ended. */
  readonly onEntry: (entry: HistoryEntry, seenAt: number) => void;
  /** For the message when the server is gone: what the socket did, and the last thing seen of the run. */
  readonly describeLoss: () => { readonly socketClosed: boolean; readonly lastSeen: string };
}

/**
 * The history fallback of a follow, idle until started: polls GET /history/<id> and fails the
 * follow with ComfyStoppedError once the server is gone, or with any other error at once.
 */
export function createHistoryFallback(run: FollowRun<unknown>, options: HistoryFallbackOptions): HistoryPoll {
  const { http, promptId, intervalMs, now, onEntry, describeLoss } = options;
  const poll = createHistoryPoll({
    http,
    promptId,
    intervalMs,
    now,
    onEntry: (entry) => onEntry(entry, now()),
    onError: (error) => run.fail(error),
    onGone: (error) => {
      const reason = String(error.context.reason ?? error.message);
      run.fail(new ComfyStoppedError({ url: http.baseUrl, promptId, reason, ...describeLoss(), cause: error }));
    },
  });
  run.onStop(() => poll.stop());
  return poll;
}
