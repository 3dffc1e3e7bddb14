import { GateError } from '../errors';
import { formatPromptRejection, getMissingCheckpoint } from './node-errors';
import type { ExecutionErrorData, PromptRejection } from './schemas';
import { getExcerpt } from './text';

const START_HINT = 'Is ComfyUI running? Start it, or check COMFYUI_URL / COMFYUI_PORT.';

/** The connection was refused, reset or timed out. */
export class ComfyUnreachableError extends GateError {
  readonly url: string;

  constructor({ url, reason, cause }: { url: string; reason: string; cause?: unknown }) {
    super('COMFY_UNREACHABLE', `ComfyUI did not answer at ${url}: ${reason}`, {
      hint: START_HINT,
      context: { url, reason },
      cause,
    });
    this.url = url;
  }
}

/** The server answered with a status the gate did not expect. */
export class ComfyHttpError extends GateError {
  readonly status: number;
  readonly body: string;

  constructor({ method, url, status, body }: { method: string; url: string; status: number; body: string }) {
    const excerpt = getExcerpt(body);
    const shown = excerpt === '' ? '(empty body)' : excerpt;
    super('COMFY_HTTP_STATUS', `${method} ${url} answered ${status}: ${shown}`, {
      hint: 'Check that COMFYUI_URL points at ComfyUI (not another service) and read the ComfyUI log.',
      context: { method, url, status, body: excerpt },
    });
    this.status = status;
    this.body = body;
  }
}

/** The body was not JSON, or did not have the shape the gate relies on. */
export class ComfyResponseError extends GateError {
  readonly issues: readonly string[];

  constructor({ method, url, issues, body }: { method: string; url: string; issues: readonly string[]; body: string }) {
    super('COMFY_BAD_RESPONSE', `${method} ${url} returned an unexpected body: ${issues.join('; ')}`, {
      hint: 'This ComfyUI version answers differently than the gate expects; check the version in GET /system_stats.',
      context: { method, url, issues: [...issues], body: getExcerpt(body) },
    });
    this.issues = issues;
  }
}

/** POST /prompt answered 400: ComfyUI rejected the workflow before running it. */
export class PromptRejectedError extends GateError {
  readonly body: PromptRejection;

  constructor({ url, body }: { url: string; body: PromptRejection }) {
    const checkpoint = getMissingCheckpoint(body);
    super('PROMPT_REJECTED', `ComfyUI rejected the workflow: ${formatPromptRejection(body)}`, {
      hint:
        checkpoint === undefined
          ? 'Fix the workflow, or install the nodes and models it needs, then run again.'
          : `Put ${checkpoint} into ComfyUI's models/checkpoints folder (or configure one of the installed checkpoints).`,
      context: { url, errorType: body.error.type, nodes: Object.keys(body.node_errors ?? {}) },
    });
    this.body = body;
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
  readonly data: ExecutionErrorData | undefined;

  constructor({ promptId, data }: ExecutionFailure) {
    const where = data === undefined ? `prompt ${promptId}` : `node ${data.node_id} (${data.node_type})`;
    const what = data === undefined ? 'status error without details' : `${data.exception_type}: ${data.exception_message.trim()}`;
    super('EXECUTION_FAILED', `ComfyUI failed while running ${where}: ${what}`, {
      hint: 'Read the traceback in the ComfyUI log; a truncated or corrupt model file is a common cause.',
      context: {
        promptId,
        nodeId: data?.node_id ?? null,
        nodeType: data?.node_type ?? null,
        exceptionType: data?.exception_type ?? null,
        exceptionMessage: data?.exception_message.trim() ?? null,
        tracebackFirst: data?.traceback[0]?.trim() ?? null,
        tracebackLast: data?.traceback.at(-1)?.trim() ?? null,
      },
    });
    this.promptId = promptId;
    this.data = data;
  }
}

/** The run ended with `execution_interrupted`, and not because the gate asked for it. */
export class ExecutionInterruptedError extends GateError {
  readonly promptId: string;

  constructor({ promptId, nodeId, nodeType }: { promptId: string; nodeId?: string | null; nodeType?: string | null }) {
    const where = nodeId == null ? '' : ` at node ${nodeId}${nodeType == null ? '' : ` (${nodeType})`}`;
    super('EXECUTION_INTERRUPTED', `ComfyUI interrupted run ${promptId}${where}`, {
      hint: 'Something sent POST /interrupt (another client, or Cancel in the ComfyUI page); run again without interfering.',
      context: { promptId, nodeId: nodeId ?? null, nodeType: nodeType ?? null },
    });
    this.promptId = promptId;
  }
}

/** The hard deadline passed before the run finished. */
export class RunDeadlineError extends GateError {
  readonly promptId: string;

  constructor(info: { promptId: string; budgetMs: number; elapsedMs: number; lastSeen: string; interruptSent: boolean }) {
    const { promptId, budgetMs, elapsedMs, lastSeen, interruptSent } = info;
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
    const { url, promptId, reason, socketClosed, lastSeen, cause } = info;
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
