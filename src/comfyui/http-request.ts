import { request } from 'undici';
import type { z } from 'zod';
import { GateError } from '../errors.ts';
import { ComfyHttpError, ComfyRedirectError, ComfyResponseError, ComfyTimeoutError, ComfyTooLargeError, ComfyUnreachableError } from './errors.ts';
import { BODY_LIMITS } from './exchange-limits.ts';
import { describeConnectionError, getErrorCode } from './net-errors.ts';
import { discardBody, readCappedBody } from './read-capped-body.ts';
import { formatIssues } from './schemas.ts';

/** A whole HTTP answer, body read to the end. */
export interface RawResponse {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

export interface SendOptions {
  /** One deadline for the whole exchange: connect, headers and the last byte of the body. */
  readonly timeoutMs: number;
  /** The most body bytes this endpoint may answer with (see BODY_LIMITS; default BODY_LIMITS.small, 1 MiB). */
  readonly maxBytes?: number;
  /** Sent as JSON when present. */
  readonly json?: unknown;
}

/** undici's own timers only back up the deadline signal, so that one message explains every timeout. */
const UNDICI_TIMER_SLACK_MS = 1000;

/**
 * One exchange, the one way the gate reads an HTTP answer from ComfyUI (the client and the probe
 * both come here). It fails with ComfyTimeoutError when the whole exchange outlives `timeoutMs`,
 * ComfyTooLargeError when the body passes `maxBytes` (at once for a declared content-length),
 * ComfyRedirectError for a 3xx (never followed), ComfyUnreachableError for connection failures.
 */
export async function sendRequest(method: 'GET' | 'POST', url: string, options: SendOptions): Promise<RawResponse> {
  const { timeoutMs, maxBytes = BODY_LIMITS.small, json } = options;
  const deadline = AbortSignal.timeout(timeoutMs);
  const progress = { received: 0 };
  let headersReceived = false;
  try {
    const response = await request(url, {
      method,
      signal: deadline,
      headersTimeout: timeoutMs + UNDICI_TIMER_SLACK_MS,
      bodyTimeout: timeoutMs + UNDICI_TIMER_SLACK_MS,
      ...(json === undefined ? {} : { body: JSON.stringify(json), headers: { 'content-type': 'application/json' } }),
    });
    headersReceived = true;
    const status = response.statusCode;
    if (isRedirect(status)) {
      discardBody(response.body);
      throw new ComfyRedirectError({ method, url, status, location: getHeader(response.headers, 'location') });
    }
    const declaredBytes = Number(getHeader(response.headers, 'content-length') ?? Number.NaN);
    if (declaredBytes > maxBytes) {
      discardBody(response.body);
      throw new ComfyTooLargeError({ method, url, limitBytes: maxBytes, declaredBytes });
    }
    const body = await readCappedBody(response.body, maxBytes, progress);
    if (body === undefined) throw new ComfyTooLargeError({ method, url, limitBytes: maxBytes, receivedBytes: progress.received });
    return { method, url, status, contentType: getHeader(response.headers, 'content-type') ?? '', body };
  } catch (error) {
    if (error instanceof GateError) throw error;
    if (getErrorCode(error) === 'UND_ERR_INVALID_ARG') throw error; // a bug in the caller, not the server
    if (deadline.aborted || getErrorCode(error)?.endsWith('TIMEOUT') === true) {
      throw new ComfyTimeoutError({ method, url, timeoutMs, receivedBytes: progress.received, headersReceived, cause: error });
    }
    throw new ComfyUnreachableError({ url, reason: describeConnectionError(error, timeoutMs), cause: error });
  }
}

// 304 answers a conditional request, which the gate never sends: it stays an unexpected status.
function isRedirect(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304;
}

function getHeader(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Throws ComfyHttpError unless the status is the expected one. */
export function assertStatus(response: RawResponse, expected = 200): void {
  if (response.status !== expected) {
    const { method, url, status } = response;
    throw new ComfyHttpError({ method, url, status, body: response.body.toString('utf8') });
  }
}

/** Decodes a JSON body and validates it; says which field is wrong when it does not fit. */
export function parseJsonBody<S extends z.ZodType>(response: RawResponse, schema: S): z.output<S> {
  const text = response.body.toString('utf8');
  const { method, url } = response;
  let rawBody: unknown;
  try {
    rawBody = JSON.parse(text);
  } catch {
    throw new ComfyResponseError({ method, url, issues: [`body is not JSON (content-type ${response.contentType || 'none'})`], body: text });
  }
  const parsed = schema.safeParse(rawBody);
  if (!parsed.success) throw new ComfyResponseError({ method, url, issues: formatIssues(parsed.error), body: text });
  return parsed.data;
}
