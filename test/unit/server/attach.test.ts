import { afterEach, describe, expect, it } from 'vitest';
import { getFreePort } from '../../../fixtures/fake-env.ts';
import { attachToServer } from '../../../src/server/attach.ts';
import { closeServers, startHttpServer, SYSTEM_STATS } from './local-servers.ts';

afterEach(async () => {
  await closeServers();
});

async function serve(handle: Parameters<typeof startHttpServer>[1]): Promise<string> {
  const port = await getFreePort();
  await startHttpServer(port, handle);
  return `http://127.0.0.1:${port}`;
}

async function getAttachError(url: string, timeoutMs?: number): Promise<Error & { code: string; hint: string }> {
  const error: unknown = await attachToServer(url, timeoutMs).then(
    () => new Error('expected the attach to fail'),
    (reason: unknown) => reason,
  );
  return error as Error & { code: string; hint: string };
}

const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/Users/me/ComfyUI/server.py", line 591, in system_stats',
  '    vram_total, torch_vram_total = comfy.model_management.get_total_memory(device, torch_total_too=True)',
  'RuntimeError: MPS backend out of memory',
].join('\n');

describe('attachToServer', () => {
  it('returns the stats of a ComfyUI', async () => {
    const url = await serve((_request, response) => response.writeHead(200).end(JSON.stringify(SYSTEM_STATS)));
    expect(await attachToServer(url)).toEqual(SYSTEM_STATS);
  });

  it('nobody there: start ComfyUI or fix COMFYUI_URL', async () => {
    const url = `http://127.0.0.1:${await getFreePort()}`;
    const error = await getAttachError(url);
    expect([error.code, error.message]).toEqual(['COMFYUI_URL_UNREACHABLE', `COMFYUI_URL=${url}: nothing answers there (connection refused)`]);
    expect(error.hint).toBe('start ComfyUI first, or fix COMFYUI_URL, or unset COMFYUI_URL to let the gate boot ComfyUI from COMFYUI_DIR');
  });

  it('an HTTP 500 with a traceback: ComfyUI is failing, read its log, never "start ComfyUI first"', async () => {
    const url = await serve((_request, response) => response.writeHead(500, { 'content-type': 'text/plain' }).end(TRACEBACK));
    const error = await getAttachError(url);
    expect(error.code).toBe('COMFYUI_URL_FAILING');
    expect(error.message).toBe(`COMFYUI_URL=${url}: ComfyUI answered GET /system_stats with HTTP 500: Traceback … RuntimeError: MPS backend out of memory`);
    expect(error.hint).toBe("ComfyUI is running but failing: read ComfyUI's log (the traceback there says why) and restart it");
    expect(error.hint).not.toContain('start ComfyUI first');
  });

  it('a server too slow to answer: the deadline message, with what arrived', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      response.write('{"sys');
    });
    const error = await getAttachError(url, 300);
    expect(error.code).toBe('COMFY_TIMEOUT');
    expect(error.message).toBe(`GET ${url}/system_stats: no complete answer within 0.3 s (received 5 bytes so far)`);
    expect(error.hint).not.toContain('start ComfyUI first');
  });

  it('a redirect: its target, not followed', async () => {
    const url = await serve((_request, response) => response.writeHead(302, { location: 'http://example.invalid/login' }).end());
    const error = await getAttachError(url);
    expect([error.code, error.message]).toEqual([
      'COMFY_REDIRECT',
      `GET ${url}/system_stats answered 302 → http://example.invalid/login (the gate does not follow redirects)`,
    ]);
  });

  it('another service: not ComfyUI, fix COMFYUI_URL', async () => {
    const url = await serve((_request, response) => response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    const error = await getAttachError(url);
    expect([error.code, error.message]).toEqual(['COMFYUI_URL_NOT_COMFYUI', `COMFYUI_URL=${url} does not answer like ComfyUI (HTTP 404: <h1>Not Found</h1>)`]);
    expect(error.hint).toBe(
      'fix COMFYUI_URL: it must point at ComfyUI itself (the address it prints at start-up, e.g. http://127.0.0.1:8188), or unset COMFYUI_URL to let the gate boot ComfyUI from COMFYUI_DIR',
    );
  });
});
