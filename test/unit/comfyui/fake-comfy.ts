import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { getClientTime } from '../../../src/comfyui/clock.ts';
import { loadObjectInfo, loadOutputPng, loadRecording } from './recordings.ts';
import type { RecordedFrame, RecordedRun } from './recordings.ts';

// A small ComfyUI stand-in on 127.0.0.1 that replays recorded runs with compressed timing.

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  readonly at: number;
}

export type RouteHandler = (response: ServerResponse, body: string, request: IncomingMessage) => void;

export interface ReplayOptions {
  /** Recorded seconds → real ms multiplier: 0.05 plays an 8.4 s run in 420 ms. */
  readonly timeScale?: number;
  /** After this many frames: close the socket, stop sending, or stop the whole server. */
  readonly cut?: { readonly afterFrames: number; readonly action: 'close-socket' | 'silence' | 'crash' };
  /** GET /history/<id> answers `{}` until this long after POST /prompt (default: when the replay would end). */
  readonly historyReadyAfterMs?: number;
  /** Replace the recorded frames (e.g. drop execution_success to imitate an older server). */
  readonly frames?: readonly RecordedFrame[];
}

interface QueuedRun {
  readonly run: RecordedRun;
  readonly submittedT: number;
  readonly options: ReplayOptions;
}

export interface FakeComfy {
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
  readonly sockets: Set<WebSocket>;
  /** Client time of the cut (see ReplayOptions.cut), once it happened. */
  readonly cutAt: number | undefined;
  route(key: `${'GET' | 'POST'} ${string}`, handler: RouteHandler): void;
  /** The next POST /prompt answers with this run's recorded submit body and replays its frames. */
  queueRun(run: RecordedRun, submittedT: number, options?: ReplayOptions): void;
  /** Replays frames to every socket now; frame times are relative to `startT`. */
  play(frames: readonly RecordedFrame[], startT: number, options?: ReplayOptions): void;
  send(data: string | Buffer): void;
  crash(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeComfy(): Promise<FakeComfy> {
  const recording = loadRecording('0.3.64-cuda');
  const requests: ReceivedRequest[] = [];
  const routes = new Map<string, RouteHandler>();
  const runs: QueuedRun[] = [];
  const historyReady = new Map<string, { entry: unknown; readyAt: number }>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<WebSocket>();
  let cutAt: number | undefined;
  let stopped = false;

  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  };
  const recorded = (path: string) => recording.http.find((exchange) => exchange.path === path)?.json;

  routes.set('GET /system_stats', (response) => json(response, 200, recorded('/system_stats')));
  routes.set('GET /models/checkpoints', (response) => json(response, 200, recorded('/models/checkpoints')));
  routes.set('GET /object_info', (response) => json(response, 200, loadObjectInfo()));
  routes.set('GET /view', (response) => response.writeHead(200, { 'content-type': 'image/png' }).end(loadOutputPng()));
  routes.set('POST /interrupt', (response) => response.writeHead(200).end());
  routes.set('POST /prompt', (response) => {
    const next = runs.shift();
    if (next === undefined || next.run.submit === undefined) return json(response, 500, { error: 'no run queued in the fake' });
    json(response, 200, next.run.submit);
    play(next.run, next.submittedT, next.options);
  });

  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const method = request.method ?? 'GET';
      requests.push({ method, path: `${url.pathname}${url.search}`, body, at: getClientTime() });
      const history = /^\/history\/(.+)$/.exec(url.pathname);
      if (method === 'GET' && history?.[1] !== undefined) {
        const ready = historyReady.get(history[1]);
        const isReady = ready !== undefined && getClientTime() >= ready.readyAt;
        return json(response, 200, isReady ? { [history[1]]: ready.entry } : {});
      }
      const handler = routes.get(`${method} ${url.pathname}`);
      if (handler === undefined) return response.writeHead(404).end();
      handler(response, body, request);
    });
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (socket, request) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const sid = new URL(request.url ?? '/', 'http://fake').searchParams.get('clientId') ?? 'anonymous';
    socket.send(JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: 0 } }, sid } }));
  });

  const send = (data: string | Buffer) => {
    for (const socket of sockets) socket.send(data);
  };
  const later = (ms: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) action();
    }, ms);
    timers.add(timer);
  };
  const shutdown = () =>
    new Promise<void>((resolve) => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.terminate();
      wss.close();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  const playFrames = (frames: readonly RecordedFrame[], startT: number, options: ReplayOptions) => {
    const scale = options.timeScale ?? 0.05;
    let cut = false;
    frames.forEach((frame, index) => {
      later(Math.max(0, (frame.t - startT) * 1000 * scale), () => {
        if (cut) return;
        if (options.cut !== undefined && index >= options.cut.afterFrames) {
          cut = true;
          cutAt = getClientTime();
          if (options.cut.action === 'close-socket') for (const socket of sockets) socket.close(1011, 'fake: cut');
          if (options.cut.action === 'crash') void shutdown();
          return;
        }
        send('msg' in frame ? JSON.stringify(frame.msg) : getBinaryFrame(frame.len, frame.head_hex));
      });
    });
  };
  const play = (run: RecordedRun, submittedT: number, options: ReplayOptions) => {
    const frames = options.frames ?? run.messages;
    const lastT = frames.at(-1)?.t ?? submittedT;
    const readyAfterMs = options.historyReadyAfterMs ?? (lastT - submittedT) * 1000 * (options.timeScale ?? 0.05);
    if (run.prompt_id !== undefined && run.history !== undefined) {
      historyReady.set(run.prompt_id, { entry: run.history[run.prompt_id], readyAt: getClientTime() + readyAfterMs });
    }
    playFrames(frames, submittedT, options);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    sockets,
    get cutAt() {
      return cutAt;
    },
    route: (key, handler) => void routes.set(key, handler),
    queueRun: (run, submittedT, options = {}) => void runs.push({ run, submittedT, options }),
    play: (frames, startT, options = {}) => playFrames(frames, startT, options),
    send,
    crash: shutdown,
    close: () => (stopped && !server.listening ? Promise.resolve() : shutdown()),
  };
}

/** Polls a condition every 5 ms; rejects when it stays false for timeoutMs. */
export function waitFor(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (predicate()) resolve();
      else if (performance.now() - started > timeoutMs) reject(new Error(`condition not met within ${timeoutMs} ms`));
      else setTimeout(check, 5);
    };
    check();
  });
}

// A preview frame as ComfyUI sends it: the recorded first 8 bytes (event type, image format), then filler.
function getBinaryFrame(length: number, headHex: string): Buffer {
  const frame = Buffer.alloc(length, 0xab);
  Buffer.from(headHex, 'hex').copy(frame);
  return frame;
}
