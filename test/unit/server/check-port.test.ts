import { afterEach, describe, expect, it } from 'vitest';
import { getFreePort } from '../../../fixtures/fake-env.ts';
import { assertPortFree } from '../../../src/server/check-port.ts';
import { PortBusyError } from '../../../src/server/errors.ts';
import { answerLikeComfyui, closeServers, holdPortWithTcp, startHttpServer } from './local-servers.ts';

afterEach(async () => {
  await closeServers();
});

async function getPortBusyError(port: number): Promise<PortBusyError> {
  const error: unknown = await assertPortFree('127.0.0.1', port).then(
    () => new Error('expected the port to be busy'),
    (reason: unknown) => reason,
  );
  if (error instanceof PortBusyError) return error;
  throw error;
}

describe('assertPortFree', () => {
  it('passes when nothing listens on the port', async () => {
    await expect(assertPortFree('127.0.0.1', await getFreePort())).resolves.toBeUndefined();
  });

  it('refuses a port another program holds and says how to boot elsewhere', async () => {
    const port = await getFreePort();
    await holdPortWithTcp(port);
    const error = await getPortBusyError(port);
    expect(error.code).toBe('PORT_BUSY');
    expect(error.message).toBe(
      `Port ${port} on 127.0.0.1 is busy: another program is listening there; the gate will not boot a second server or touch that process`,
    );
    expect(error.hint).toBe(`stop that program, or boot on another port with COMFYUI_PORT=${port + 1}, or attach with COMFYUI_URL=<its URL> if it is ComfyUI`);
    expect(error.context).toEqual({ url: `http://127.0.0.1:${port}`, port });
  });

  it('does not take an HTTP server without ComfyUI\'s "devices" for ComfyUI', async () => {
    const port = await getFreePort();
    await startHttpServer(port, (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
    expect((await getPortBusyError(port)).message).toContain('busy: another program is listening there;');
  });

  it('recognises a ComfyUI already running there and suggests attaching to it', async () => {
    const port = await getFreePort();
    await startHttpServer(port, answerLikeComfyui);
    const error = await getPortBusyError(port);
    expect(error.message).toBe(
      `Port ${port} on 127.0.0.1 is busy: a ComfyUI server is already running there; the gate will not boot a second server or touch that process`,
    );
    expect(error.hint).toBe(
      `attach to it with COMFYUI_URL=http://127.0.0.1:${port} npm test, or stop it, or boot on another port with COMFYUI_PORT=${port + 1}`,
    );
  });
});
