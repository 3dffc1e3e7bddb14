import { z } from 'zod';
import { ComfyUnreachableError } from '../comfyui/errors.ts';
import { BODY_LIMITS } from '../comfyui/exchange-limits.ts';
import { sendRequest, type RawResponse } from '../comfyui/http-request.ts';
import { getErrorCode } from '../comfyui/net-errors.ts';
import { systemStatsSchema } from '../comfyui/schemas.ts';
import { GateError } from '../errors.ts';
import { sanitizeLine } from '../text/sanitize.ts';

export type ProbeResult =
  | { readonly kind: 'comfyui'; readonly body: unknown }
  | { readonly kind: 'refused' }
  | {
      readonly kind: 'other';
      /** One inert line saying what answered instead, e.g. `HTTP 503: loading models`. */
      readonly detail: string;
      /** The HTTP status when there was an answer. */
      readonly status?: number;
      /** The exchange failure (deadline, size cap, redirect, connection) when there was no usable answer. */
      readonly error?: GateError;
    };

/** Connection failures that mean nobody listens (or the listener went away): the port is free for all we know. */
const NOBODY_THERE = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']);
const EXCERPT_CHARS = 120;

/**
 * One GET /system_stats: is ComfyUI answering, something else, or nobody? Never throws. The
 * exchange has one deadline and the /system_stats size cap (it goes through sendRequest), so a
 * server that answers one byte a second or 50 MB costs at most `timeoutMs` and 1 MiB.
 */
export async function probeSystemStats(baseUrl: string, timeoutMs = 2000): Promise<ProbeResult> {
  const url = new URL('/system_stats', baseUrl).href;
  let response: RawResponse;
  try {
    response = await sendRequest('GET', url, { timeoutMs, maxBytes: BODY_LIMITS.systemStats });
  } catch (error) {
    if (error instanceof ComfyUnreachableError && NOBODY_THERE.has(getErrorCode(error.cause) ?? '')) return { kind: 'refused' };
    if (error instanceof GateError) return { kind: 'other', detail: error.message, error };
    return { kind: 'other', detail: sanitizeLine(error instanceof Error ? error.message : String(error)) };
  }
  const text = response.body.toString('utf8');
  const excerpt = sanitizeLine(text, EXCERPT_CHARS);
  if (response.status !== 200) return { kind: 'other', detail: `HTTP ${response.status}: ${getErrorExcerpt(text)}`, status: response.status };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'other', detail: `not JSON: ${excerpt}`, status: 200 };
  }
  if (comfyuiDevicesSchema.safeParse(body).success) return { kind: 'comfyui', body };
  const what = body !== null && typeof body === 'object' && 'devices' in body ? 'JSON whose "devices" are not ComfyUI\'s' : 'JSON without "devices"';
  return { kind: 'other', detail: `${what}: ${excerpt}`, status: 200 };
}

// A Python traceback says what went wrong on its last line; anything else from its beginning.
function getErrorExcerpt(text: string): string {
  if (!text.includes('Traceback (most recent call last)')) return sanitizeLine(text, EXCERPT_CHARS);
  const last =
    text
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .at(-1) ?? '';
  return `Traceback … ${sanitizeLine(last, EXCERPT_CHARS)}`;
}

// ComfyUI's answer has a device list with a type and a name per device; everything else varies by
// version (older ones lack fields), so only that decides.
const comfyuiDevicesSchema = z.looseObject({ devices: systemStatsSchema.shape.devices });
