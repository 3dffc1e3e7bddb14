/** One follow of a prompt: the first outcome wins, and every timer and listener ends with it. */
export interface FollowRun<T> {
  readonly done: boolean;
  /** Runs `action` after `ms` unless the follow has ended by then. */
  later(ms: number, action: () => void): void;
  /** Called once when the follow ends, whichever way. */
  onStop(cleanup: () => void): void;
  succeed(value: T): void;
  fail(error: unknown): void;
  /** Ends the follow now (nothing more is listened to), then rejects with what `getError` resolves to. */
  failAfter(getError: () => Promise<unknown>): void;
}

/** The lifecycle of one follow, settling the promise with `resolve` / `reject`. */
export function createFollowRun<T>(resolve: (value: T) => void, reject: (error: unknown) => void): FollowRun<T> {
  const cleanups: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let done = false;

  const stop = (): boolean => {
    if (done) return false;
    done = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const cleanup of cleanups.splice(0)) cleanup();
    return true;
  };

  return {
    get done() {
      return done;
    },
    later(ms, action) {
      if (done) return;
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          action();
        },
        Math.max(0, ms),
      );
      timers.add(timer);
    },
    onStop(cleanup) {
      if (done) cleanup();
      else cleanups.push(cleanup);
    },
    succeed(value) {
      if (stop()) resolve(value);
    },
    fail(error) {
      if (stop()) reject(error);
    },
    failAfter(getError) {
      if (stop()) void getError().then(reject, reject);
    },
  };
}
