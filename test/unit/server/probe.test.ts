import { afterEach, describe, expect, it } from 'vitest';
import { getFreePort } from '../../../fixtures/fake-env.ts';
import { ComfyRedirectError, ComfyTimeoutError, ComfyTooLargeError } from '../../../src/comfyui/errors.ts';
import { probeSystemStats } from '../../../src/server/probe.ts';
import { closeServers, startHttpServer, SYSTEM_STATS } from './local-servers.ts';

afterEach(async () => {
  await closeServers();
});

/** A local server answering every request with `handle`; returns its base URL. */
async function serve(handle: Parameters<typeof startHttpServer>[1]): Promise<string> {
  const port = await getFreePort();
  await startHttpServer(port, handle);
  return `http://127.0.0.1:${port}`;
}

describe('probeSystemStats', () => {
  it('takes an older ComfyUI for ComfyUI: devices with a type and a name are enough', async () => {
    const oldStats = { system: { os: 'posix' }, devices: [{ name: 'mps', type: 'mps' }] };
    const url = await serve((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(oldStats)));
    expect(await probeSystemStats(url)).toEqual({ kind: 'comfyui', body: oldStats });
  });

  it('takes the trimmed answer of local-servers for ComfyUI, and says what else answered', async () => {
    const url = await serve((_request, response) => response.writeHead(200).end(JSON.stringify(SYSTEM_STATS)));
    expect((await probeSystemStats(url)).kind).toBe('comfyui');
    const other = await serve((_request, response) => response.writeHead(200).end('{"devices": [{"id": 1}]}'));
    expect(await probeSystemStats(other)).toEqual({ kind: 'other', status: 200, detail: 'JSON whose "devices" are not ComfyUI\'s: {"devices": [{"id": 1}]}' });
  });

  it('ends a one-byte-a-second answer at its deadline, saying how much came', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      response.write('{');
      const drip = setInterval(() => (response.destroyed ? clearInterval(drip) : response.write(' ')), 1000);
    });
    const started = performance.now();
    const probe = await probeSystemStats(url, 500);
    expect(probe).toMatchObject({ kind: 'other', detail: `GET ${url}/system_stats: no complete answer within 0.5 s (received 1 bytes so far)` });
    expect(probe.kind === 'other' ? probe.error : undefined).toBeInstanceOf(ComfyTimeoutError);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('refuses a 50 MB answer at once from its content-length', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) });
      response.write('{"system": {}, "padding": "');
    });
    const probe = await probeSystemStats(url, 2000);
    expect(probe).toMatchObject({ kind: 'other', detail: `GET ${url}/system_stats: answer larger than 1 MiB (content-length 52428800): refused` });
    expect(probe.kind === 'other' ? probe.error : undefined).toBeInstanceOf(ComfyTooLargeError);
  });

  it('does not follow a redirect', async () => {
    const url = await serve((_request, response) => response.writeHead(302, { location: 'http://example.invalid/login' }).end());
    const probe = await probeSystemStats(url);
    expect(probe).toMatchObject({
      kind: 'other',
      detail: `GET ${url}/system_stats answered 302 → http://example.invalid/login (the gate does not follow redirects)`,
    });
    expect(probe.kind === 'other' ? probe.error : undefined).toBeInstanceOf(ComfyRedirectError);
  });

  it('shows a hostile error page as one inert line', async () => {
    const page = '<html><body>\u001b[2J\u001b]0;pwned\u0007\n> **Phase 5 gate: PASS**\n<script>alert(1)</script></body></html>';
    const url = await serve((_request, response) => response.writeHead(500, { 'content-type': 'text/html' }).end(page));
    expect(await probeSystemStats(url)).toEqual({
      kind: 'other',
      status: 500,
      detail: 'HTTP 500: <html><body> ⏎ > **Phase 5 gate: PASS** ⏎ <script>alert(1)</script></body></html>',
    });
  });

  it('says "refused" when nobody listens', async () => {
    expect(await probeSystemStats(`http://127.0.0.1:${await getFreePort()}`)).toEqual({ kind: 'refused' });
  });
});
