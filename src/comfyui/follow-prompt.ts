import { getClientTime } from './clock';
import { ComfyStoppedError, ExecutionFailedError, ExecutionInterruptedError, RunDeadlineError } from './errors';
import type { ComfyHttp } from './http-client';
import { createHistoryPoll } from './poll-history';
import type { RunOutcome } from './run-outcome';
import { RunRecorder } from './run-recorder';
import type { RunTerminal } from './run-recorder';
import type { ApiWorkflow, ComfyMessage, KnownComfyMessage } from './schemas';
import type { ComfySocket } from './socket';

export interface RunProgress {
  readonly step: number;
  readonly maxSteps: number;
  readonly node: string | null;
  /** Receipt time − submittedAt. */
  readonly elapsedMs: number;
}

export interface FollowPromptOptions {
  readonly http: Pick<ComfyHttp, 'baseUrl' | 'getHistoryEntry' | 'interrupt'>;
  /** undefined when the socket could not be opened: the run is then followed through /history only. */
  readonly socket: ComfySocket | undefined;
  readonly promptId: string;
  /** Client clock (getClientTime), epoch ms, taken just before POST /prompt. */
  readonly submittedAt: number;
  /** Absolute hard deadline on the same clock: submittedAt + budget. */
  readonly deadlineMs: number;
  /** Socket quiet this long → also poll /history (default 5000). */
  readonly silenceMs?: number;
  readonly historyPollMs?: number;
  /** Gives node timings their class_type (else taken from the history entry, when used). */
  readonly workflow?: ApiWorkflow;
  readonly onProgress?: (progress: RunProgress) => void;
  /** Every valid socket message of this prompt, with its receipt time. */
  readonly onEvent?: (message: KnownComfyMessage, receivedAt: number) => void;
  /** External abort (a GPU watchdog): interrupts the run and rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Must be on the socket's clock (default getClientTime). */
  readonly now?: () => number;
}

/** An interrupt gets this long: a deadline is kept to within ~2 s. */
const INTERRUPT_TIMEOUT_MS = 2000;

type PromptMessage = Extract<KnownComfyMessage, { data: { prompt_id: string } }>;

/** Follows a queued prompt to its end: resolves with timings on success, rejects with one error class per failure mode. */
export function followPrompt(options: FollowPromptOptions): Promise<RunOutcome> {
  const { http, socket, promptId, submittedAt, deadlineMs, workflow, onProgress, onEvent, signal } = options;
  const { silenceMs = 5000, historyPollMs = 250, now = getClientTime } = options;
  validateOptions({ submittedAt, deadlineMs, silenceMs, historyPollMs });

  return new Promise<RunOutcome>((resolve, reject) => {
    const recorder = new RunRecorder({ promptId, submittedAt, ...(workflow === undefined ? {} : { workflow }) });
    const startedAt = now();
    const cleanups: (() => void)[] = [];
    const timers = new Set<NodeJS.Timeout>();
    let done = false;
    let socketClosed = socket === undefined;

    const later = (ms: number, action: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        action();
      }, Math.max(0, ms));
      timers.add(timer);
    };
    // Stops every listener and timer; the first outcome wins, later ones are ignored.
    const stop = (): boolean => {
      if (done) return false;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const cleanup of cleanups.splice(0)) cleanup();
      return true;
    };
    const fail = (error: unknown) => {
      if (stop()) reject(error);
    };
    // Deadline and abort: stop listening at once, then give the interrupt its bounded time before rejecting.
    const interruptThenFail = (getError: (interruptSent: boolean) => unknown) => {
      if (stop()) void sendInterrupt(http, promptId).then((interruptSent) => reject(getError(interruptSent)));
    };

    const settle = (terminal: RunTerminal, via: RunOutcome['via']) => {
      if (terminal.kind === 'success') {
        if (stop()) resolve(recorder.getOutcome(via, terminal.at, via === 'history' ? history.reason : undefined));
      } else if (terminal.kind === 'error') {
        fail(new ExecutionFailedError({ promptId, ...(terminal.data === undefined ? {} : { data: terminal.data }) }));
      } else {
        fail(new ExecutionInterruptedError({ promptId, nodeId: terminal.data?.node_id, nodeType: terminal.data?.node_type }));
      }
    };

    const handleMessage = (message: ComfyMessage, receivedAt: number) => {
      if (done || !isForPrompt(message, promptId)) return;
      try {
        onEvent?.(message, receivedAt);
        if (message.type === 'progress') {
          const { value, max, node = null } = message.data;
          onProgress?.({ step: value, maxSteps: max, node, elapsedMs: receivedAt - submittedAt });
        }
      } catch (error) {
        fail(error); // a throwing callback is a bug in the caller: surface it
        return;
      }
      const terminal = recorder.record(message, receivedAt);
      if (terminal !== undefined) settle(terminal, 'websocket');
    };

    // ---- history fallback: no socket, socket closed, or socket silent ----
    const history = createHistoryPoll({
      http,
      promptId,
      intervalMs: historyPollMs,
      now,
      onEntry: (entry) => settle(recorder.applyHistory(entry, now()), 'history'),
      onError: fail,
      onGone: (error) => {
        const reason = String(error.context['reason'] ?? error.message);
        const lastSeen = recorder.describeLastSeen();
        fail(new ComfyStoppedError({ url: http.baseUrl, promptId, reason, socketClosed, lastSeen, cause: error }));
      },
    });
    cleanups.push(() => history.stop());
    const startPolling = (reason: string) => history.start(reason);

    // ---- socket ----
    if (socket === undefined) {
      startPolling('no socket');
    } else {
      cleanups.push(socket.on('message', handleMessage));
      cleanups.push(
        socket.onClose(() => {
          socketClosed = true;
          startPolling('socket closed');
        }),
      );
      // Messages that arrived between POST /prompt and this call (a cached run can finish in 3 ms).
      for (const { message, receivedAt } of socket.getRecentMessages()) handleMessage(message, receivedAt);
      const checkSilence = () => {
        const quietMs = now() - Math.max(startedAt, socket.lastFrameAt ?? startedAt);
        if (quietMs >= silenceMs) startPolling(`socket silent for ${silenceMs} ms`);
        else later(silenceMs - quietMs, checkSilence);
      };
      if (!done) later(silenceMs, checkSilence);
    }

    // ---- deadline and external abort ----
    const onDeadline = () => {
      if (now() < deadlineMs) return later(deadlineMs - now(), onDeadline); // timers may fire a little early
      const lastSeen = recorder.describeLastSeen();
      const elapsedMs = now() - submittedAt;
      const budgetMs = deadlineMs - submittedAt;
      interruptThenFail((interruptSent) => new RunDeadlineError({ promptId, budgetMs, elapsedMs, lastSeen, interruptSent }));
    };
    if (!done) later(deadlineMs - now(), onDeadline);
    if (signal !== undefined && !done) {
      const onAbort = () => interruptThenFail(() => signal.reason);
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
    }
  });
}

function isForPrompt(message: ComfyMessage, promptId: string): message is PromptMessage & { known: true } {
  return message.known && message.type !== 'status' && message.data.prompt_id === promptId;
}

// Best effort, bounded even if the client ignores timeoutMs: the run is over for the gate either way.
async function sendInterrupt(http: FollowPromptOptions['http'], promptId: string): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), INTERRUPT_TIMEOUT_MS);
  });
  const sent = http.interrupt({ promptId, timeoutMs: INTERRUPT_TIMEOUT_MS }).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([sent, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function validateOptions(options: { submittedAt: number; deadlineMs: number; silenceMs: number; historyPollMs: number }): void {
  const { submittedAt, deadlineMs, silenceMs, historyPollMs } = options;
  if (!(deadlineMs > submittedAt)) {
    throw new RangeError(
      `followPrompt: deadlineMs is an absolute time on the client clock and must be after submittedAt (${submittedAt}); got ${deadlineMs}. Did you mean submittedAt + ${deadlineMs}?`,
    );
  }
  for (const [name, value] of Object.entries({ silenceMs, historyPollMs })) {
    if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`followPrompt: ${name} must be a positive number of ms; got ${value}`);
  }
}
