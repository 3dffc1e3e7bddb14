import type { GateError } from '../errors.ts';
import { AttachFailingError, AttachRefusedError, NotComfyuiError } from './errors.ts';
import { probeSystemStats, type ProbeResult } from './probe.ts';

/** How long the one /system_stats exchange of an attach may take, connect to last byte. */
export const ATTACH_TIMEOUT_MS = 5000;

const BOOT_INSTEAD = 'or unset COMFYUI_URL to let the gate boot ComfyUI from COMFYUI_DIR';

/** Checks that the server named by COMFYUI_URL answers like ComfyUI and returns its /system_stats; boots and stops nothing. */
export async function attachToServer(url: string, timeoutMs = ATTACH_TIMEOUT_MS): Promise<unknown> {
  const probe = await probeSystemStats(url, timeoutMs);
  if (probe.kind === 'comfyui') return probe.body;
  throw getAttachError(url, probe);
}

// The message fits what arrived: nobody there, a failing ComfyUI, a slow or odd answer, or another service.
function getAttachError(url: string, probe: Exclude<ProbeResult, { kind: 'comfyui' }>): GateError {
  const context = { url };
  if (probe.kind === 'refused') {
    return new AttachRefusedError(`COMFYUI_URL=${url}: nothing answers there (connection refused)`, {
      hint: `start ComfyUI first, or fix COMFYUI_URL, ${BOOT_INSTEAD}`,
      context,
    });
  }
  // Deadline, size cap, redirect: the exchange's own error says what arrived and what to do.
  if (probe.error !== undefined) return probe.error;
  if (probe.status !== undefined && probe.status >= 500) {
    return new AttachFailingError(`COMFYUI_URL=${url}: ComfyUI answered GET /system_stats with ${probe.detail}`, {
      hint: "ComfyUI is running but failing: read ComfyUI's log (the traceback there says why) and restart it",
      context: { ...context, status: probe.status },
    });
  }
  return new NotComfyuiError(`COMFYUI_URL=${url} does not answer like ComfyUI (${probe.detail})`, {
    hint: `fix COMFYUI_URL: it must point at ComfyUI itself (the address it prints at start-up, e.g. http://127.0.0.1:8188), ${BOOT_INSTEAD}`,
    context: { ...context, ...(probe.status === undefined ? {} : { status: probe.status }) },
  });
}
