import { getClientTime } from './clock.ts';
import { ExecutionFailedError, ExecutionInterruptedError, RunDeadlineError } from './errors.ts';
import { watchAbort, watchDeadline } from './follow-deadline.ts';
import { createHistoryFallback } from './follow-history.ts';
import { createFollowRun } from './follow-run.ts';
import { followSocket } from './follow-socket.ts';
import type { ComfyHttp } from './http-client.ts';
import type { RunOutcome } from './run-outcome.ts';
import { RunRecorder } from './run-recorder.ts';
import type { RunTerminal } from './run-recorder.ts';
import type { ApiWorkflow, KnownComfyMessage } from './schemas.ts';
import { sendInterrupt } from './send-interrupt.ts';
import type { ComfySocket } from './socket.ts';

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

/**
 * Follows a queued prompt to its end: resolves with timings on success, rejects with one error
 * class per failure mode. Four steps share one settle-once run: the socket (followSocket), the
 * history fallback when the socket is missing, closed or silent (createHistoryFallback), the hard
 * deadline and the external abort (watchDeadline, watchAbort), both of which interrupt the prompt.
 */
export function followPrompt(options: FollowPromptOptions): Promise<RunOutcome> {
  const { http, socket, promptId, submittedAt, deadlineMs, workflow, signal } = options;
  const { silenceMs = 5000, historyPollMs = 250, now = getClientTime } = options;
  validateOptions({ submittedAt, deadlineMs, silenceMs, historyPollMs });

  return new Promise<RunOutcome>((resolve, reject) => {
    const run = createFollowRun<RunOutcome>(resolve, reject);
    const recorder = new RunRecorder({ promptId, submittedAt, ...(workflow === undefined ? {} : { workflow }) });
    let socketClosed = socket === undefined;

    const settle = (terminal: RunTerminal, via: RunOutcome['via']) => {
      if (terminal.kind === 'success') run.succeed(recorder.getOutcome(via, terminal.at, via === 'history' ? history.reason : undefined));
      else run.fail(getRunError(promptId, terminal));
    };
    const interruptThenFail = (getError: (interruptSent: boolean) => unknown) => run.failAfter(() => sendInterrupt(http, promptId).then(getError));

    const history = createHistoryFallback(run, {
      http,
      promptId,
      intervalMs: historyPollMs,
      now,
      onEntry: (entry, seenAt) => settle(recorder.applyHistory(entry, seenAt), 'history'),
      describeLoss: () => ({ socketClosed, lastSeen: recorder.describeLastSeen() }),
    });

    if (socket === undefined) history.start('no socket');
    else {
      followSocket(run, {
        socket,
        promptId,
        silenceMs,
        now,
        onMessage: (message, receivedAt) => {
          try {
            notifyCaller(options, message, receivedAt);
          } catch (error) {
            run.fail(error); // a throwing callback is a bug in the caller: surface it
            return;
          }
          const terminal = recorder.record(message, receivedAt);
          if (terminal !== undefined) settle(terminal, 'websocket');
        },
        onLost: (reason, closed) => {
          socketClosed ||= closed;
          history.start(reason);
        },
      });
    }

    watchDeadline(run, {
      deadlineMs,
      now,
      onDeadline: () => {
        const lastSeen = recorder.describeLastSeen();
        const elapsedMs = now() - submittedAt;
        const budgetMs = deadlineMs - submittedAt;
        interruptThenFail((interruptSent) => new RunDeadlineError({ promptId, budgetMs, elapsedMs, lastSeen, interruptSent }));
      },
    });
    watchAbort(run, signal, () => interruptThenFail(() => signal?.reason));
  });
}

function getRunError(promptId: string, terminal: Exclude<RunTerminal, { kind: 'success' }>): Error {
  if (terminal.kind === 'error') return new ExecutionFailedError({ promptId, ...(terminal.data === undefined ? {} : { data: terminal.data }) });
  return new ExecutionInterruptedError({ promptId, nodeId: terminal.data?.node_id, nodeType: terminal.data?.node_type });
}

// The caller's callbacks: every message of the prompt, and the sampling steps.
function notifyCaller({ onEvent, onProgress, submittedAt }: FollowPromptOptions, message: KnownComfyMessage, receivedAt: number): void {
  onEvent?.(message, receivedAt);
  if (message.type === 'progress') {
    const { value, max, node = null } = message.data;
    onProgress?.({ step: value, maxSteps: max, node, elapsedMs: receivedAt - submittedAt });
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
