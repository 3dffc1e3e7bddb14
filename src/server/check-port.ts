import { createConnection } from 'node:net';
import { PortBusyError } from './errors.ts';
import { probeSystemStats } from './probe.ts';

/** Refuses to boot onto a port another process holds, and says how to attach instead. */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (!(await isPortOpen(host, port))) return;
  const url = `http://${host}:${port}`;
  const probe = await probeSystemStats(url);
  const what = probe.kind === 'comfyui' ? 'a ComfyUI server is already running there' : 'another program is listening there';
  throw new PortBusyError(`Port ${port} on ${host} is busy: ${what}; the gate will not boot a second server or touch that process`, {
    hint:
      probe.kind === 'comfyui'
        ? `attach to it with COMFYUI_URL=${url} npm test, or stop it, or boot on another port with COMFYUI_PORT=${port + 1}`
        : `stop that program, or boot on another port with COMFYUI_PORT=${port + 1}, or attach with COMFYUI_URL=<its URL> if it is ComfyUI`,
    context: { url, port },
  });
}

function isPortOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1000, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
