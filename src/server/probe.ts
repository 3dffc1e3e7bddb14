import { request } from 'undici';

export type ProbeResult =
  | { readonly kind: 'comfyui'; readonly body: unknown }
  | { readonly kind: 'other'; readonly detail: string }
  | { readonly kind: 'refused' };

/** One GET /system_stats: is ComfyUI answering, something else, or nobody? Never throws. */
export async function probeSystemStats(baseUrl: string, timeoutMs = 2000): Promise<ProbeResult> {
  try {
    const response = await request(new URL('/system_stats', baseUrl), {
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) return { kind: 'other', detail: `HTTP ${response.statusCode}: ${text.slice(0, 120)}` };
    try {
      const body: unknown = JSON.parse(text);
      if (body !== null && typeof body === 'object' && 'devices' in body) return { kind: 'comfyui', body };
      return { kind: 'other', detail: `JSON without "devices": ${text.slice(0, 120)}` };
    } catch {
      return { kind: 'other', detail: `not JSON: ${text.slice(0, 120)}` };
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return { kind: 'refused' };
    return { kind: 'other', detail: error instanceof Error ? error.message : String(error) };
  }
}
