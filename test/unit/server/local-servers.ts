import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';

// Small servers on loopback that hold a port the way another program, or a ComfyUI, would.

/** What a ComfyUI answers on /system_stats, trimmed to the fields the gate looks at. */
export const SYSTEM_STATS = {
  system: { os: 'darwin', python_version: '3.11.9 (main, Apr  2 2024, 08:25:04) [Clang 15.0.0 (clang-1500.3.9.4)]', comfyui_version: '0.3.64' },
  devices: [{ name: 'mps', type: 'mps', index: null, vram_total: 17179869184, vram_free: 8589934592 }],
} as const;

const open = new Set<Server>();
const sockets = new Set<Socket>();

function listen(server: Server, port: number): Promise<Server> {
  open.add(server);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A probe that hangs up first makes our side see ECONNRESET: expected, not a failure.
    socket.on('error', () => undefined);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** A TCP server that greets like an SSH daemon and hangs up: something that is not HTTP at all. */
export function holdPortWithTcp(port: number): Promise<Server> {
  return listen(
    createTcpServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n')),
    port,
  );
}

/** An HTTP server; `handle` answers every request. */
export function startHttpServer(port: number, handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<Server> {
  return listen(createHttpServer(handle), port);
}

/** Answers GET /system_stats like ComfyUI, 404 elsewhere. */
export function answerLikeComfyui(request: IncomingMessage, response: ServerResponse): void {
  if (request.url === '/system_stats') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(SYSTEM_STATS));
  } else {
    response.writeHead(404).end('404: Not Found');
  }
}

/** For afterEach: closes every server started here, dropping open connections (a server waits for them). */
export async function closeServers(): Promise<void> {
  const closing = [...open].map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
  for (const socket of sockets) socket.destroy();
  open.clear();
  sockets.clear();
  await Promise.all(closing);
}
