import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ComfyRedirectError, ComfyTimeoutError, ComfyTooLargeError, ComfyUnreachableError } from '../../../src/comfyui/errors.ts';
import { BODY_LIMITS, formatBytes, formatSeconds } from '../../../src/comfyui/exchange-limits.ts';
import { sendRequest } from '../../../src/comfyui/http-request.ts';

// The one capped reader: a deadline on the whole exchange, a size cap per endpoint, no redirects.

const servers = new Set<Server>();
const sockets = new Set<Socket>();
const timers = new Set<NodeJS.Timeout>();
afterEach(async () => {
  for (const timer of timers) clearInterval(timer);
  for (const socket of sockets) socket.destroy();
  await Promise.all([...servers].map((server) => new Promise((resolve) => server.close(resolve))));
  servers.clear();
  sockets.clear();
  timers.clear();
});

async function serve(handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined); // the gate hanging up mid-answer is what these tests do
  });
  servers.add(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function getError(url: string, options: Parameters<typeof sendRequest>[2]): Promise<unknown> {
  return sendRequest('GET', url, options).then(
    () => new Error('expected the exchange to fail'),
    (error: unknown) => error,
  );
}

describe('sendRequest deadline', () => {
  it('bounds the body too: a server that sends 12 bytes and stalls fails at the deadline, saying what arrived', async () => {
    const base = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"system": {');
    });
    const started = performance.now();
    const error = await getError(`${base}/system_stats`, { timeoutMs: 300, maxBytes: BODY_LIMITS.systemStats });
    expect(error).toBeInstanceOf(ComfyTimeoutError);
    expect((error as Error).message).toBe(`GET ${base}/system_stats: no complete answer within 0.3 s (received 12 bytes so far)`);
    expect((error as ComfyTimeoutError).context).toMatchObject({ receivedBytes: 12, timeoutMs: 300, reason: 'no complete answer within 0.3 s' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a body that trickles in one byte at a time does not reset the deadline', async () => {
    const base = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      const drip = setInterval(() => response.write('x'), 50);
      timers.add(drip);
    });
    const started = performance.now();
    const error = await getError(`${base}/system_stats`, { timeoutMs: 400 });
    expect(error).toBeInstanceOf(ComfyTimeoutError);
    expect((error as Error).message).toMatch(new RegExp(`^GET ${base}/system_stats: no complete answer within 0\\.4 s \\(received \\d+ bytes so far\\)$`));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('sendRequest size cap', () => {
  it('refuses a declared content-length over the cap at once, without reading the body', async () => {
    let written = 0;
    const base = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = setInterval(() => {
        if (response.destroyed) return clearInterval(pump);
        written += chunk.length;
        response.write(chunk);
      }, 5);
      timers.add(pump);
    });
    const error = await getError(`${base}/system_stats`, { timeoutMs: 5000, maxBytes: BODY_LIMITS.systemStats });
    expect(error).toBeInstanceOf(ComfyTooLargeError);
    expect((error as Error).message).toBe(`GET ${base}/system_stats: answer larger than 1 MiB (content-length 52428800): refused`);
    expect((error as ComfyTooLargeError).hint).toContain('check that COMFYUI_URL points at ComfyUI itself');
    expect(written).toBeLessThan(BODY_LIMITS.systemStats);
  });

  it('counts a body without content-length and stops reading once it passes the cap', async () => {
    const base = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }); // chunked: no length declared
      const pump = setInterval(() => response.write(Buffer.alloc(600, 0x20)), 5);
      timers.add(pump);
    });
    const error = await getError(`${base}/history/p`, { timeoutMs: 5000, maxBytes: 1000 });
    expect(error).toBeInstanceOf(ComfyTooLargeError);
    const match =
      /^GET http:\/\/127\.0\.0\.1:\d+\/history\/p: answer larger than 1000 bytes \((\d+) bytes received when the gate stopped reading\): refused$/.exec(
        (error as Error).message,
      );
    expect(match).not.toBeNull();
    expect(Number(match?.[1])).toBeGreaterThan(1000);
    expect(Number(match?.[1])).toBeLessThanOrEqual(1000 + 600 * 2);
  });

  it('accepts a body exactly at the cap', async () => {
    const base = await serve((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(1000)));
    const response = await sendRequest('GET', `${base}/view`, { timeoutMs: 2000, maxBytes: 1000 });
    expect([response.status, response.body.length]).toEqual([200, 1000]);
  });
});

describe('sendRequest redirects', () => {
  it('never follows a 3xx: fails with its status and target', async () => {
    let requests = 0;
    const base = await serve((_request, response) => {
      requests += 1;
      response.writeHead(302, { location: 'http://example.com/login' }).end();
    });
    const error = await getError(`${base}/system_stats`, { timeoutMs: 2000 });
    expect(error).toBeInstanceOf(ComfyRedirectError);
    expect((error as Error).message).toBe(`GET ${base}/system_stats answered 302 → http://example.com/login (the gate does not follow redirects)`);
    expect((error as ComfyRedirectError).hint).toBe(
      'Point COMFYUI_URL straight at ComfyUI (the address it prints at start-up, "To see the GUI go to: http://127.0.0.1:8188"), not at a proxy or a login page.',
    );
    expect(requests).toBe(1);
  });

  it('a Location with escape sequences never gets through: the HTTP parser refuses the answer', async () => {
    const raw = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => socket.end('HTTP/1.1 302 Found\r\nLocation: http://evil/\u001b[2J\u001b]0;pwned\u0007\r\nContent-Length: 0\r\n\r\n'));
    });
    servers.add(raw as unknown as Server);
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
    const error = await getError(`${base}/system_stats`, { timeoutMs: 2000 });
    expect(error).toBeInstanceOf(ComfyUnreachableError);
    expect((error as Error).message).toBe(
      `ComfyUI did not answer at ${base}/system_stats: Response does not match the HTTP/1.1 protocol (Invalid header value char)`,
    );
  });

  it('says so when a redirect has no Location', async () => {
    const base = await serve((_request, response) => response.writeHead(301).end());
    const error = await getError(`${base}/system_stats`, { timeoutMs: 2000 });
    expect((error as Error).message).toBe(`GET ${base}/system_stats answered 301 → (no Location header) (the gate does not follow redirects)`);
  });
});

describe('sendRequest connection failures', () => {
  it('maps a connection dropped mid-body to ComfyUnreachableError', async () => {
    const base = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"sys');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const error = await getError(`${base}/system_stats`, { timeoutMs: 2000 });
    expect(error).toBeInstanceOf(ComfyUnreachableError);
    expect((error as Error).message).toMatch(new RegExp(`^ComfyUI did not answer at ${base}/system_stats: `));
  });
});

describe('limits as a person reads them', () => {
  it('formats caps and deadlines', () => {
    expect([formatBytes(BODY_LIMITS.systemStats), formatBytes(BODY_LIMITS.objectInfo), formatBytes(64 * 1024), formatBytes(1000)]).toEqual([
      '1 MiB',
      '64 MiB',
      '64 KiB',
      '1000 bytes',
    ]);
    expect([formatSeconds(10_000), formatSeconds(300), formatSeconds(750), formatSeconds(5000)]).toEqual(['10 s', '0.3 s', '0.75 s', '5 s']);
  });
});
