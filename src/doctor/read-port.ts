import { get } from 'node:http';
import { createConnection } from 'node:net';
import { sanitizeLine } from '../text/sanitize.ts';

/** How long a connect, and then a /system_stats answer, may take on loopback before the port counts as held by something odd. */
export const PORT_TIMEOUT_MS = 1000;

/** ComfyUI's /system_stats is a few KB; anything far bigger is not ComfyUI. */
const MAX_BODY_BYTES = 256 * 1024;

/** Who is on a port: nobody, a ComfyUI, or another program. */
export type PortReading = { readonly kind: 'free' } | { readonly kind: 'comfyui' } | { readonly kind: 'other'; readonly detail: string };

/** Connects to host:port with a deadline; when something accepts, asks it for /system_stats. */
export async function readPort(host: string, port: number, timeoutMs = PORT_TIMEOUT_MS): Promise<PortReading> {
  const connected = await tryConnect(host, port, timeoutMs);
  if (connected !== 'open') return connected;
  return readUrl(`http://${host}:${port}`, timeoutMs);
}

/**
 * One GET /system_stats without keep-alive, destroyed at the deadline: a ComfyUI answers 200 with a
 * device list. Its own request, not the gate's probe, so that no socket outlives the doctor's answer.
 */
export function readUrl(url: string, timeoutMs = PORT_TIMEOUT_MS): Promise<PortReading> {
  return new Promise((resolve) => {
    const settle = (reading: PortReading) => {
      clearTimeout(timer);
      request.destroy();
      resolve(reading);
    };
    const request = get(new URL('/system_stats', url), { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_BODY_BYTES) settle({ kind: 'other', detail: `/system_stats answered more than ${MAX_BODY_BYTES / 1024} KB` });
        else chunks.push(chunk);
      });
      response.on('end', () => settle(judgeAnswer(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
      response.on('error', (error) => settle({ kind: 'other', detail: sanitizeLine(error.message, 120) }));
    });
    request.on('error', (error: NodeJS.ErrnoException) =>
      settle(
        error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET'
          ? { kind: 'free' }
          : { kind: 'other', detail: `connecting failed: ${error.code ?? sanitizeLine(error.message, 80)}` },
      ),
    );
    const timer = setTimeout(
      () => settle({ kind: 'other', detail: `it accepts connections but sent no complete HTTP answer within ${timeoutMs / 1000} s` }),
      timeoutMs,
    );
  });
}

function judgeAnswer(status: number, text: string): PortReading {
  const excerpt = sanitizeLine(text.trim(), 120);
  if (status !== 200) return { kind: 'other', detail: `HTTP ${status}: ${excerpt}` };
  try {
    const body: unknown = JSON.parse(text);
    const isComfyui = body !== null && typeof body === 'object' && 'devices' in body && Array.isArray(body.devices);
    return isComfyui ? { kind: 'comfyui' } : { kind: 'other', detail: `JSON without a "devices" list: ${excerpt}` };
  } catch {
    return { kind: 'other', detail: `not JSON: ${excerpt}` };
  }
}

function tryConnect(host: string, port: number, timeoutMs: number): Promise<'open' | PortReading> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (result: 'open' | PortReading) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ kind: 'other', detail: `neither accepted nor refused a connection within ${timeoutMs / 1000} s` }));
    socket.once('connect', () => done('open'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNREFUSED' ? { kind: 'free' } : { kind: 'other', detail: `connecting failed: ${error.code ?? error.message}` }),
    );
  });
}
