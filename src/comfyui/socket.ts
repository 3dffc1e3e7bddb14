import WebSocket from 'ws';
import { getClientTime } from './clock.ts';
import { ComfyHttpError, ComfyRedirectError, ComfyUnreachableError } from './errors.ts';
import { SOCKET_LIMITS } from './exchange-limits.ts';
import { describeConnectionError } from './net-errors.ts';
import { parseComfyMessage } from './schemas.ts';
import type { ComfyMessage, KnownComfyMessage } from './schemas.ts';

/** Event name → payload: each known message type gives its `data`; `message` gives every valid text frame, known or not. */
export type ComfyEventMap = { [M in KnownComfyMessage as M['type']]: M['data'] } & { message: ComfyMessage };

/** `receivedAt` is the client clock (epoch ms, see getClientTime) when the frame arrived: the gate measures on it. */
export type ComfyEventHandler<K extends keyof ComfyEventMap> = (payload: ComfyEventMap[K], receivedAt: number) => void;

export interface ReceivedMessage {
  readonly message: ComfyMessage;
  readonly receivedAt: number;
}

export interface SocketCloseInfo {
  readonly code: number;
  readonly reason: string;
  readonly at: number;
}

export interface ComfySocketOptions {
  /** Deadline for connect, upgrade and handshake together. */
  readonly connectTimeoutMs: number;
  /** How many recent valid messages to keep for getRecentMessages (default 1000). */
  readonly recentLimit?: number;
  /** A bigger frame of any kind closes the socket with 1009 (default SOCKET_LIMITS.frame, 16 MiB). */
  readonly maxFrameBytes?: number;
  /** A bigger text frame is dropped unread and counted in invalidFrames (default SOCKET_LIMITS.text, 4 MiB). */
  readonly maxTextBytes?: number;
}

/** An open WebSocket to ComfyUI. Handlers must not throw: an exception is rethrown as uncaught after the others ran. */
export interface ComfySocket {
  readonly url: string;
  readonly clientId: string;
  on<K extends keyof ComfyEventMap>(type: K, handler: ComfyEventHandler<K>): () => void;
  /** Called once when the socket closes; at once (next microtask) if it already has. */
  onClose(handler: (info: SocketCloseInfo) => void): () => void;
  close(): void;
  readonly isOpen: boolean;
  /** Binary frames (previews) seen: counted, never decoded. */
  readonly binaryFrames: number;
  /** Text frames dropped: over the text cap, not JSON, no string `type`, or a known type whose data does not validate. */
  readonly invalidFrames: number;
  /** Receipt time of the last frame of any kind, undefined before the first. */
  readonly lastFrameAt: number | undefined;
  /** Valid messages already received, oldest first: a run can start before its follower subscribes. */
  getRecentMessages(): readonly ReceivedMessage[];
}

type AnyHandler = (payload: unknown, receivedAt: number) => void;

const CLOSE_GRACE_MS = 1000;

/** Opens `/ws?clientId=…`; resolves only once the socket is open, rejects on refusal, HTTP error or timeout. */
export function connectComfySocket(baseUrl: string, clientId: string, options: ComfySocketOptions): Promise<ComfySocket> {
  const { connectTimeoutMs, recentLimit = 1000, maxFrameBytes = SOCKET_LIMITS.frame, maxTextBytes = SOCKET_LIMITS.text } = options;
  const url = getSocketUrl(baseUrl, clientId);
  return new Promise((resolve, reject) => {
    // Redirects are never followed (ws's default, stated here because the gate relies on it).
    const ws = new WebSocket(url, { handshakeTimeout: connectTimeoutMs, maxPayload: maxFrameBytes, followRedirects: false });
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(error);
    };
    const timer = setTimeout(() => {
      fail(new ComfyUnreachableError({ url, reason: `WebSocket did not open within ${connectTimeoutMs} ms` }));
    }, connectTimeoutMs);
    ws.on('error', (error) => fail(new ComfyUnreachableError({ url, reason: describeConnectionError(error, connectTimeoutMs), cause: error })));
    ws.once('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      response.destroy(); // the body of a refused upgrade is never read
      if (status >= 300 && status < 400) fail(new ComfyRedirectError({ method: 'GET', url, status, location: response.headers.location }));
      else fail(new ComfyHttpError({ method: 'GET', url, status, body: 'WebSocket upgrade refused' }));
    });
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(createComfySocket(ws, { url, clientId, recentLimit, maxTextBytes }));
    });
  });
}

/** `http://host:port/base` → `ws://host:port/base/ws?clientId=…`. */
export function getSocketUrl(baseUrl: string, clientId: string): string {
  const base = baseUrl.replace(/\/+$/, '').replace(/^http(s?):\/\//, 'ws$1://');
  return `${base}/ws?clientId=${encodeURIComponent(clientId)}`;
}

interface SocketSettings {
  readonly url: string;
  readonly clientId: string;
  readonly recentLimit: number;
  readonly maxTextBytes: number;
}

function createComfySocket(ws: WebSocket, { url, clientId, recentLimit, maxTextBytes }: SocketSettings): ComfySocket {
  const handlers = new Map<string, Set<AnyHandler>>();
  const closeHandlers = new Set<(info: SocketCloseInfo) => void>();
  const recent: ReceivedMessage[] = [];
  let binaryFrames = 0;
  let invalidFrames = 0;
  let lastFrameAt: number | undefined;
  let closeInfo: SocketCloseInfo | undefined;
  let terminateTimer: NodeJS.Timeout | undefined;

  const dispatch = (type: string, payload: unknown, receivedAt: number) => {
    for (const handler of [...(handlers.get(type) ?? [])]) callSafely(() => handler(payload, receivedAt));
  };

  ws.on('message', (data, isBinary) => {
    const receivedAt = getClientTime();
    lastFrameAt = receivedAt;
    if (isBinary) {
      binaryFrames += 1;
      return;
    }
    if (getByteLength(data) > maxTextBytes) {
      invalidFrames += 1; // ComfyUI's text frames are a few KB: this is not one of them, and it is not parsed
      return;
    }
    const parsed = parseComfyMessage(decodeJson(data));
    if (!parsed.ok) {
      invalidFrames += 1;
      return;
    }
    const { message } = parsed;
    recent.push({ message, receivedAt });
    if (recent.length > recentLimit) recent.shift();
    if (message.known) dispatch(message.type, message.data, receivedAt);
    dispatch('message', message, receivedAt);
  });
  // After open, errors are always followed by 'close', which is what callers act on. A frame over
  // the cap makes ws close the socket; the peer may never confirm, so the 1009 is kept here.
  let tooLarge = false;
  ws.on('error', (error: Error & { code?: string }) => {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') tooLarge = true;
  });
  ws.on('close', (code, reason) => {
    clearTimeout(terminateTimer);
    closeInfo = tooLarge
      ? { code: 1009, reason: 'frame over the size cap', at: getClientTime() }
      : { code, reason: reason.toString('utf8'), at: getClientTime() };
    const info = closeInfo;
    for (const handler of [...closeHandlers]) callSafely(() => handler(info));
    closeHandlers.clear();
  });

  return {
    url,
    clientId,
    on(type, handler) {
      const set = handlers.get(type) ?? new Set<AnyHandler>();
      handlers.set(type, set);
      const entry = handler as AnyHandler;
      set.add(entry);
      return () => set.delete(entry);
    },
    onClose(handler) {
      if (closeInfo !== undefined) {
        const info = closeInfo;
        let cancelled = false;
        queueMicrotask(() => cancelled || handler(info));
        return () => (cancelled = true);
      }
      closeHandlers.add(handler);
      return () => closeHandlers.delete(handler);
    },
    close() {
      if (closeInfo !== undefined || terminateTimer !== undefined) return;
      ws.close(1000, 'done');
      // A server that never answers the close handshake must not keep the process alive.
      terminateTimer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
      terminateTimer.unref();
    },
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    get binaryFrames() {
      return binaryFrames;
    },
    get invalidFrames() {
      return invalidFrames;
    },
    get lastFrameAt() {
      return lastFrameAt;
    },
    getRecentMessages() {
      return [...recent];
    },
  };
}

function getByteLength(data: WebSocket.RawData): number {
  return Array.isArray(data) ? data.reduce((sum, part) => sum + part.length, 0) : data.byteLength;
}

// Bad JSON is dropped like any invalid frame (counted in invalidFrames), never thrown.
function decodeJson(data: WebSocket.RawData): unknown {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data));
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function callSafely(call: () => void): void {
  try {
    call();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
