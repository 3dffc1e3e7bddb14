import { request } from 'undici';
import type { z } from 'zod';
import { ComfyHttpError, ComfyResponseError, ComfyUnreachableError } from './errors';
import { describeConnectionError, getErrorCode } from './net-errors';
import { formatIssues } from './schemas';

/** A whole HTTP answer, body read to the end. */
export interface RawResponse {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

export interface SendOptions {
  readonly timeoutMs: number;
  /** Sent as JSON when present. */
  readonly json?: unknown;
}

/** One request with a hard overall timeout; any connection-level failure becomes ComfyUnreachableError. */
export async function sendRequest(method: 'GET' | 'POST', url: string, { timeoutMs, json }: SendOptions): Promise<RawResponse> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await request(url, {
      method,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(json === undefined ? {} : { body: JSON.stringify(json), headers: { 'content-type': 'application/json' } }),
    });
    const body = Buffer.from(await response.body.arrayBuffer());
    const contentType = response.headers['content-type'];
    return { method, url, status: response.statusCode, contentType: String(contentType ?? ''), body };
  } catch (error) {
    if (getErrorCode(error) === 'UND_ERR_INVALID_ARG') throw error; // a bug in the caller, not the server
    const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : describeConnectionError(error, timeoutMs);
    throw new ComfyUnreachableError({ url, reason, cause: error });
  }
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
