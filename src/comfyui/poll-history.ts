import { ComfyTimeoutError, ComfyUnreachableError } from './errors.ts';
import type { ComfyHttp } from './http-client.ts';
import type { HistoryEntry } from './schemas.ts';

/** Each poll is bounded so that a hung server is noticed as fast as a dead one. */
const HISTORY_REQUEST_TIMEOUT_MS = 750;
/** Two failures in a row this far apart mean the server is gone (a restart in between would have answered). */
const GONE_AFTER_FAILURES_SPACED_MS = 500;

export interface HistoryPollOptions {
  readonly http: Pick<ComfyHttp, 'getHistoryEntry'>;
  readonly promptId: string;
  readonly intervalMs: number;
  readonly now: () => number;
  /** The prompt has a history entry: it has ended. */
  readonly onEntry: (entry: HistoryEntry) => void;
  /** GET /history failed twice in a row, ≥ 500 ms apart, with the connection refused, reset or timed out. */
  readonly onGone: (lastError: ComfyUnreachableError | ComfyTimeoutError) => void;
  /** Any other failure (unexpected status, malformed body): not worth retrying. */
  readonly onError: (error: unknown) => void;
}

export interface HistoryPoll {
  /** Why polling started; undefined until it has. */
  readonly reason: string | undefined;
  start(reason: string): void;
  stop(): void;
}

/** Polls GET /history/<id> until the entry appears, the server is gone, or stop() is called. */
export function createHistoryPoll(options: HistoryPollOptions): HistoryPoll {
  const { http, promptId, intervalMs, now, onEntry, onGone, onError } = options;
  let reason: string | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let firstFailureAt: number | undefined;

  const poll = async () => {
    timer = undefined;
    try {
      const entry = await http.getHistoryEntry(promptId, { timeoutMs: HISTORY_REQUEST_TIMEOUT_MS });
      if (stopped) return;
      firstFailureAt = undefined;
      if (entry !== undefined) return onEntry(entry);
    } catch (error) {
      if (stopped) return;
      if (!(error instanceof ComfyUnreachableError || error instanceof ComfyTimeoutError)) return onError(error);
      const failedAt = now();
      firstFailureAt ??= failedAt;
      if (failedAt - firstFailureAt >= GONE_AFTER_FAILURES_SPACED_MS) return onGone(error);
    }
    timer = setTimeout(() => void poll(), intervalMs);
  };

  return {
    get reason() {
      return reason;
    },
    start(why) {
      if (reason !== undefined || stopped) return;
      reason = why;
      void poll();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
