import type { ServerPlan } from '../config/gate-config.ts';
import { fail, ok, warn, type DoctorCheck } from './doctor-check.ts';
import type { PortReading } from './read-port.ts';

/** Boot mode: is the port free for the gate's ComfyUI? Attach mode: does a ComfyUI answer at COMFYUI_URL? */
export function judgePort(plan: ServerPlan, reading: PortReading): DoctorCheck {
  const name = 'Port';
  if (plan.mode === 'attach') {
    if (reading.kind === 'comfyui') return ok('port', name, `a ComfyUI answers at ${plan.url}; the gate attaches to it (COMFYUI_URL)`);
    const fix = 'start ComfyUI there, or unset COMFYUI_URL to let the gate boot one';
    return reading.kind === 'free'
      ? fail('port', name, `nothing answers at ${plan.url}`, fix)
      : fail('port', name, `${plan.url} does not answer like ComfyUI (${reading.detail})`, fix);
  }
  const where = `${new URL(plan.url).hostname}:${plan.port}`;
  switch (reading.kind) {
    case 'free':
      return ok('port', name, `${where} is free, the gate will boot there`);
    case 'comfyui':
      return warn(
        'port',
        name,
        `a ComfyUI already answers at ${plan.url}; npm test would refuse to boot a second one`,
        `attach with COMFYUI_URL=${plan.url} npm test, or stop that ComfyUI`,
      );
    case 'other':
      return fail(
        'port',
        name,
        `another program holds ${where} (${reading.detail})`,
        `stop that program, or boot on another port with COMFYUI_PORT=${plan.port + 1}`,
      );
  }
}
