import { GateError } from '../errors.ts';
import { sanitizeLine } from '../text/sanitize.ts';
import { formatBytes, formatSeconds } from './exchange-limits.ts';
import { formatPromptRejection, getMissingCheckpoint } from './node-errors.ts';
import type { ExecutionErrorData, PromptRejection } from './schemas.ts';

// Every piece of server text in a message, hint or context passes through sanitizeLine here.

const START_HINT = 'Is ComfyUI running? Start it, or check COMFYUI_URL / COMFYUI_PORT.';

/** The connection was refused, reset or timed out. */
export class ComfyUnreachableError extends GateError {
  readonly url: string;

  constructor({ url, reason, cause }: { url: string; reason: string; cause?: unknown }) {
    const shown = sanitizeLine(reason);
    super('COMFY_UNREACHABLE', `ComfyUI did not answer at ${url}: ${shown}`, {
      hint: START_HINT,
      context: { url, reason: shown },
      cause,
    });
    this.url = url;
  }
}

/** The server answered with a status the gate did not expect. */
export class ComfyHttpError extends GateError {
  readonly status: number;
  /** The raw body (server text): not enumerable, so it is never serialised or printed with the error. */
  declare readonly body: string;

  constructor({ method, url, status, body }: { method: string; url: string; status: number; body: string }) {
    const excerpt = sanitizeLine(body);
    const shown = excerpt === '' ? '(empty body)' : excerpt;
    super('COMFY_HTTP_STATUS', `${method} ${url} answered ${status}: ${shown}`, {
      hint:
        status >= 500
          ? "ComfyUI failed while answering: read ComfyUI's log (the traceback there says why), and restart it if it keeps failing."
          : 'Check that COMFYUI_URL points at ComfyUI (not another service) and read the ComfyUI log.',
      context: { method, url, status, body: excerpt },
    });
    this.status = status;
    keepRaw(this, 'body', body);
  }
}

/** The body was not JSON, or did not have the shape the gate relies on. */
export class ComfyResponseError extends GateError {
  readonly issues: readonly string[];

  constructor({ method, url, issues, body }: { method: string; url: string; issues: readonly string[]; body: string }) {
    const shown = issues.map((issue) => sanitizeLine(issue, 200));
    super('COMFY_BAD_RESPONSE', `${method} ${url} returned an unexpected body: ${shown.join('; ')}`, {
      hint: 'This ComfyUI version answers differently than the gate expects; check the version in GET /system_stats.',
      context: { method, url, issues: shown, body: sanitizeLine(body) },
    });
    this.issues = issues;
  }
}

/** The whole exchange (connect, headers, body) did not finish before its deadline. */
export class ComfyTimeoutError extends GateError {
  readonly url: string;

  constructor(info: { method: string; url: string; timeoutMs: number; receivedBytes: number; headersReceived: boolean; cause?: unknown }) {
    const { method, url, timeoutMs, receivedBytes, headersReceived, cause } = info;
    const reason = `no complete answer within ${formatSeconds(timeoutMs)}`;
    const progress = headersReceived ? `received ${receivedBytes} bytes so far` : 'no response headers';
    super('COMFY_TIMEOUT', `${method} ${url}: ${reason} (${progress})`, {
      hint: 'ComfyUI accepted the connection but answered too slowly: it may be stuck or overloaded; read its log, and restart it if it stays this slow.',
      context: { method, url, timeoutMs, receivedBytes, reason },
      cause,
    });
    this.url = url;
  }
}

/** The answer is larger than the cap for its endpoint: refused before (or while) reading it. */
export class ComfyTooLargeError extends GateError {
  constructor(info: { method: string; url: string; limitBytes: number; declaredBytes?: number; receivedBytes?: number }) {
    const { method, url, limitBytes, declaredBytes, receivedBytes } = info;
    const seen = declaredBytes === undefined ? `${receivedBytes ?? 0} bytes received when the gate stopped reading` : `content-length ${declaredBytes}`;
    super('COMFY_TOO_LARGE', `${method} ${url}: answer larger than ${formatBytes(limitBytes)} (${seen}): refused`, {
      hint: "ComfyUI's answers here are far smaller: check that COMFYUI_URL points at ComfyUI itself, not at a proxy or another service.",
      context: { method, url, limitBytes, declaredBytes: declaredBytes ?? null, receivedBytes: receivedBytes ?? null },
    });
  }
}

/** A 3xx answer: the gate never follows a redirect, so where it pointed is shown instead. */
export class ComfyRedirectError extends GateError {
  readonly status: number;

  constructor({ method, url, status, location }: { method: string; url: string; status: number; location: string | undefined }) {
    const target = location === undefined || location === '' ? '(no Location header)' : sanitizeLine(location, 200);
    super('COMFY_REDIRECT', `${method} ${url} answered ${status} → ${target} (the gate does not follow redirects)`, {
      hint: 'Point COMFYUI_URL straight at ComfyUI (the address it prints at start-up, "To see the GUI go to: http://127.0.0.1:8188"), not at a proxy or a login page.',
      context: { method, url, status, location: target },
    });
    this.status = status;
  }
}

/** POST /prompt answered 400: ComfyUI rejected the workflow before running it. */
export class PromptRejectedError extends GateError {
  /** The parsed 400 body (server text): not enumerable, so it is never serialised or printed with the error. */
  declare readonly body: PromptRejection;

  constructor({ url, body }: { url: string; body: PromptRejection }) {
    const checkpoint = getMissingCheckpoint(body);
    super('PROMPT_REJECTED', `ComfyUI rejected the workflow: ${formatPromptRejection(body)}`, {
      hint:
        checkpoint === undefined
          ? 'Fix the workflow, or install the nodes and models it needs, then run again.'
          : `Put ${sanitizeLine(checkpoint, 200)} into ComfyUI's models/checkpoints folder (or configure one of the installed checkpoints).`,
      context: {
        url,
        errorType: sanitizeLine(body.error.type, 100),
        nodes: Object.keys(body.node_errors ?? {}).map((id) => sanitizeLine(id, 50)),
      },
    });
    keepRaw(this, 'body', body);
  }
}

/** What is known about a failed run: the whole `execution_error` payload when the server sent one. */
export interface ExecutionFailure {
  readonly promptId: string;
  readonly data?: ExecutionErrorData;
}

/** The run started but a node raised an exception (`execution_error`). */
export class ExecutionFailedError extends GateError {
  readonly promptId: string;
  /** The whole execution_error payload (server text): not enumerable, so it is never serialised or printed with the error. */
  declare readonly data: ExecutionErrorData | undefined;

  constructor({ promptId, data }: ExecutionFailure) {
    const shown = data === undefined ? undefined : getShownFailure(data);
    const where = shown === undefined ? `prompt ${promptId}` : `node ${shown.nodeId} (${shown.nodeType})`;
    const what = shown === undefined ? 'status error without details' : `${shown.exceptionType}: ${shown.exceptionMessage}`;
    super('EXECUTION_FAILED', `ComfyUI failed while running ${where}: ${what}`, {
      hint: getExecutionHint(shown?.exceptionMessage ?? ''),
      context: {
        promptId,
        nodeId: shown?.nodeId ?? null,
        nodeType: shown?.nodeType ?? null,
        exceptionType: shown?.exceptionType ?? null,
        exceptionMessage: shown?.exceptionMessage ?? null,
        tracebackFirst: shown?.tracebackFirst ?? null,
        tracebackLast: shown?.tracebackLast ?? null,
      },
    });
    this.promptId = promptId;
    keepRaw(this, 'data', data);
  }
}

/** The run ended with `execution_interrupted`, and not because the gate asked for it. */
export class ExecutionInterruptedError extends GateError {
  readonly promptId: string;

  constructor({ promptId, nodeId, nodeType }: { promptId: string; nodeId?: string | null; nodeType?: string | null }) {
    const id = nodeId == null ? null : sanitizeLine(nodeId, 50);
    const type = nodeType == null ? null : sanitizeLine(nodeType, 100);
    const where = id === null ? '' : ` at node ${id}${type === null ? '' : ` (${type})`}`;
    super('EXECUTION_INTERRUPTED', `ComfyUI interrupted run ${promptId}${where}`, {
      hint: 'Something sent POST /interrupt (another client, or Cancel in the ComfyUI page); run again without interfering.',
      context: { promptId, nodeId: id, nodeType: type },
    });
    this.promptId = promptId;
  }
}

/** The hard deadline passed before the run finished. */
export class RunDeadlineError extends GateError {
  readonly promptId: string;

  constructor(info: { promptId: string; budgetMs: number; elapsedMs: number; lastSeen: string; interruptSent: boolean }) {
    const { promptId, budgetMs, elapsedMs, interruptSent } = info;
    const lastSeen = sanitizeLine(info.lastSeen);
    const interrupt = interruptSent ? 'sent POST /interrupt' : 'POST /interrupt failed';
    super(
      'RUN_DEADLINE',
      `Run ${promptId} did not finish within ${(budgetMs / 1000).toFixed(1)} s (gave up after ${(elapsedMs / 1000).toFixed(1)} s; last seen: ${lastSeen}); ${interrupt}`,
      {
        hint: 'ComfyUI is too slow or stuck: check that it runs on the GPU (not --cpu) and that no other job holds the queue.',
        context: { promptId, budgetMs, elapsedMs: Math.round(elapsedMs), lastSeen, interruptSent },
      },
    );
    this.promptId = promptId;
  }
}

/** The server stopped answering mid-run: the WebSocket was gone or silent and GET /history failed twice in a row. */
export class ComfyStoppedError extends GateError {
  readonly promptId: string;

  constructor(info: { url: string; promptId: string; reason: string; socketClosed: boolean; lastSeen: string; cause?: unknown }) {
    const { url, promptId, socketClosed, cause } = info;
    const reason = sanitizeLine(info.reason);
    const lastSeen = sanitizeLine(info.lastSeen);
    const socket = socketClosed ? 'the WebSocket closed' : 'the WebSocket went silent';
    super(
      'COMFY_STOPPED',
      `ComfyUI at ${url} stopped answering during run ${promptId}: ${socket} and GET /history failed twice (${reason}); last seen: ${lastSeen}`,
      {
        hint: 'ComfyUI probably crashed (out of memory, killed): read the end of its log, then start it again.',
        context: { url, promptId, reason, socketClosed, lastSeen },
        cause,
      },
    );
    this.promptId = promptId;
  }
}

/** The benchmark workflow template or the values put into it are unusable. */
export class WorkflowError extends GateError {
  readonly issues: readonly string[];

  constructor({ what, issues }: { what: string; issues: readonly string[] }) {
    super('WORKFLOW_INVALID', `${what}: ${issues.join('; ')}`, {
      hint: 'Fix fixtures/benchmark-workflow.json or the benchmark settings named above.',
      context: { issues: [...issues] },
    });
    this.issues = issues;
  }
}

// Raw server payloads stay reachable for code, but out of JSON, Vitest's error print-out and reports.
function keepRaw(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: false, writable: false, configurable: false });
}

// The execution_error fields a message shows, each made inert and one line.
function getShownFailure(data: ExecutionErrorData) {
  const shown = (text: string | undefined, max?: number) => (text === undefined ? null : sanitizeLine(text.trim(), max));
  return {
    nodeId: sanitizeLine(data.node_id, 50),
    nodeType: sanitizeLine(data.node_type, 100),
    exceptionType: sanitizeLine(data.exception_type, 200),
    exceptionMessage: sanitizeLine(data.exception_message.trim()),
    tracebackFirst: shown(data.traceback[0]),
    tracebackLast: shown(data.traceback.at(-1)),
  };
}

/** What to do about a node's exception, by what it says; the report's Diagnosis adds the evidence. */
function getExecutionHint(message: string): string {
  if (/out of memory/i.test(message))
    return 'ComfyUI ran out of memory: close other apps, keep --force-fp16, or lower the resolution; the Diagnosis section has the figures';
  if (/MPS|not (currently )?implemented|dtype/i.test(message)) return 'an operation the Mac GPU does not support: the Diagnosis section names it and the fix';
  if (/safetensors|header|truncat|corrupt|unexpected end/i.test(message)) return 'the model file is likely truncated or corrupt: download it again';
  return "read the traceback in the ComfyUI log; the report's Diagnosis section names known causes";
}
