import { GateError } from '../errors';
import { probeSystemStats } from './probe';

/** Checks that the server named by COMFYUI_URL answers like ComfyUI and returns its /system_stats; boots and stops nothing. */
export async function attachToServer(url: string): Promise<unknown> {
  const probe = await probeSystemStats(url, 5000);
  if (probe.kind === 'comfyui') return probe.body;
  const seen = probe.kind === 'refused' ? 'connection refused' : probe.detail;
  throw new GateError('COMFYUI_URL_UNREACHABLE', `COMFYUI_URL=${url} does not answer like ComfyUI (${seen})`, {
    hint: 'start ComfyUI first, fix COMFYUI_URL, or unset it to let the gate boot ComfyUI from COMFYUI_DIR',
    context: { url },
  });
}
