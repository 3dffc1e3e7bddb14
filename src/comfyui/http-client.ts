import { z } from 'zod';
import { ComfyHttpError, ComfyResponseError, PromptRejectedError } from './errors.ts';
import { BODY_LIMITS } from './exchange-limits.ts';
import { assertStatus, parseJsonBody, sendRequest } from './http-request.ts';
import type { RawResponse } from './http-request.ts';
import { historyEntrySchema, promptRejectionSchema, queuedPromptSchema, systemStatsSchema, formatIssues } from './schemas.ts';
import type { ApiWorkflow, HistoryEntry, ImageRef, SystemStats } from './schemas.ts';

export interface ComfyHttpOptions {
  /** Upper bound for one whole request (connect, headers and body). */
  readonly requestTimeoutMs: number;
}

/** Per-call override, for callers that must stay within a tighter budget (history polling, interrupts). */
export interface CallOptions {
  readonly timeoutMs?: number;
}

export interface InterruptOptions extends CallOptions {
  /** Newer servers then interrupt only if this prompt is the one running; older ones ignore it. */
  readonly promptId?: string;
}

export interface QueuedPrompt {
  readonly promptId: string;
  readonly number: number;
}

/** ComfyUI's HTTP API, every answer validated. */
export interface ComfyHttp {
  readonly baseUrl: string;
  getSystemStats(options?: CallOptions): Promise<SystemStats>;
  queuePrompt(workflow: ApiWorkflow, clientId: string): Promise<QueuedPrompt>;
  /** undefined while the prompt is queued or running (ComfyUI answers `{}` until it ends). */
  getHistoryEntry(promptId: string, options?: CallOptions): Promise<HistoryEntry | undefined>;
  getImage(ref: ImageRef): Promise<Buffer>;
  interrupt(options?: InterruptOptions): Promise<void>;
  /** Takes a prompt that has not started off the queue (`POST /queue {"delete": [id]}`); a no-op for a running or finished one. */
  deleteQueuedPrompt(promptId: string, options?: CallOptions): Promise<void>;
  getObjectInfoClasses(): Promise<string[]>;
  getCheckpoints(): Promise<string[]>;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const checkpointLoaderInfoSchema = z.looseObject({
  CheckpointLoaderSimple: z.looseObject({
    input: z.looseObject({ required: z.looseObject({ ckpt_name: z.tuple([z.array(z.string())], z.unknown()) }) }),
  }),
});

/** Creates a client for the ComfyUI server at `baseUrl` (e.g. `http://127.0.0.1:8188`). */
export function createComfyHttp(baseUrl: string, { requestTimeoutMs }: ComfyHttpOptions): ComfyHttp {
  const base = baseUrl.replace(/\/+$/, '');
  const get = (path: string, maxBytes: number, options?: CallOptions) =>
    sendRequest('GET', `${base}${path}`, { timeoutMs: options?.timeoutMs ?? requestTimeoutMs, maxBytes });
  const post = (path: string, maxBytes: number, json?: unknown, options?: CallOptions) =>
    sendRequest('POST', `${base}${path}`, { timeoutMs: options?.timeoutMs ?? requestTimeoutMs, maxBytes, json });

  return {
    baseUrl: base,

    async getSystemStats(options) {
      const response = await get('/system_stats', BODY_LIMITS.systemStats, options);
      assertStatus(response);
      return parseJsonBody(response, systemStatsSchema);
    },

    async queuePrompt(workflow, clientId) {
      const response = await post('/prompt', BODY_LIMITS.prompt, { prompt: workflow, client_id: clientId });
      if (response.status === 400) throw getRejection(response);
      assertStatus(response);
      const body = parseJsonBody(response, queuedPromptSchema);
      return { promptId: body.prompt_id, number: body.number };
    },

    async getHistoryEntry(promptId, options) {
      const response = await get(`/history/${encodeURIComponent(promptId)}`, BODY_LIMITS.history, options);
      assertStatus(response);
      const history = parseJsonBody(response, z.record(z.string(), z.unknown()));
      if (!(promptId in history)) return undefined;
      const entry = historyEntrySchema.safeParse(history[promptId]);
      if (!entry.success) {
        const issues = formatIssues(entry.error).map((issue) => `${promptId}.${issue}`);
        throw new ComfyResponseError({ ...response, issues, body: response.body.toString('utf8') });
      }
      return entry.data;
    },

    async getImage(ref) {
      const query = new URLSearchParams({ filename: ref.filename, subfolder: ref.subfolder, type: ref.type });
      const response = await get(`/view?${query.toString()}`, BODY_LIMITS.view);
      assertStatus(response);
      const isPng = response.contentType.startsWith('image/png') && response.body.subarray(0, 8).equals(PNG_SIGNATURE);
      if (!isPng) {
        const issues = [`expected a PNG image, got content-type "${response.contentType}" and ${response.body.length} bytes`];
        throw new ComfyResponseError({ ...response, issues, body: response.body.subarray(0, 300).toString('latin1') });
      }
      return response.body;
    },

    async interrupt(options) {
      const json = options?.promptId === undefined ? undefined : { prompt_id: options.promptId };
      assertStatus(await post('/interrupt', BODY_LIMITS.small, json, options));
    },

    async deleteQueuedPrompt(promptId, options) {
      assertStatus(await post('/queue', BODY_LIMITS.small, { delete: [promptId] }, options));
    },

    async getObjectInfoClasses() {
      const response = await get('/object_info', BODY_LIMITS.objectInfo);
      assertStatus(response);
      return Object.keys(parseJsonBody(response, z.record(z.string(), z.unknown())));
    },

    async getCheckpoints() {
      const response = await get('/models/checkpoints', BODY_LIMITS.models);
      if (response.status !== 404) {
        assertStatus(response);
        return parseJsonBody(response, z.array(z.string()));
      }
      // Servers without /models/<folder> still list checkpoints as the loader's allowed values.
      const info = await get('/object_info/CheckpointLoaderSimple', BODY_LIMITS.objectInfo);
      assertStatus(info);
      return parseJsonBody(info, checkpointLoaderInfoSchema).CheckpointLoaderSimple.input.required.ckpt_name[0];
    },
  };
}

// A 400 with ComfyUI's error shape is a rejection; anything else stays an HTTP error with the body shown.
function getRejection(response: RawResponse): PromptRejectedError | ComfyHttpError {
  const text = response.body.toString('utf8');
  const { method, url, status } = response;
  let rawBody: unknown;
  try {
    rawBody = JSON.parse(text);
  } catch {
    return new ComfyHttpError({ method, url, status, body: text });
  }
  const parsed = promptRejectionSchema.safeParse(rawBody);
  return parsed.success ? new PromptRejectedError({ url, body: parsed.data }) : new ComfyHttpError({ method, url, status, body: text });
}
