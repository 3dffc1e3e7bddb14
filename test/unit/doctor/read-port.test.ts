import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { getFreePort } from '../../../fixtures/fake-env.ts';
import { readPort, readUrl } from '../../../src/doctor/read-port.ts';

/** Listens on a free loopback port until the test ends, then drops every connection it holds. */
async function listen(server: Server): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => sockets.add(socket));
  const port = await getFreePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  onTestFinished(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return port;
}

/** An HTTP server that answers every request with this status and body. */
function answering(status: number, body: string): Server {
  return createHttpServer((_request, response) => response.writeHead(status, { 'content-type': 'application/json' }).end(body));
}

describe('readPort', () => {
  it('reads a port nobody listens on as free', async () => {
    expect(await readPort('127.0.0.1', await getFreePort())).toEqual({ kind: 'free' });
  });

  it('reads a silent listener as another program, at the deadline', async () => {
    const port = await listen(createServer(() => {}));
    const started = Date.now();
    expect(await readPort('127.0.0.1', port, 300)).toEqual({ kind: 'other', detail: 'it accepts connections but sent no complete HTTP answer within 0.3 s' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('tells a ComfyUI from another HTTP server', async () => {
    const comfyui = await listen(answering(200, '{"system": {"os": "posix"}, "devices": [{"name": "mps", "type": "mps"}]}'));
    const other = await listen(answering(200, '{"status": "ok"}'));
    const notFound = await listen(answering(404, '404: Not Found\n'));
    expect(await readPort('127.0.0.1', comfyui)).toEqual({ kind: 'comfyui' });
    expect(await readPort('127.0.0.1', other)).toEqual({ kind: 'other', detail: 'JSON without a "devices" list: {"status": "ok"}' });
    expect(await readPort('127.0.0.1', notFound)).toEqual({ kind: 'other', detail: 'HTTP 404: 404: Not Found' });
  });
});

describe('readUrl', () => {
  it('reads a refused URL as free: nothing answers there', async () => {
    expect(await readUrl(`http://127.0.0.1:${await getFreePort()}`)).toEqual({ kind: 'free' });
  });
});
