import type { ServerPlan } from '../config/gate-config.ts';
import { ok, type DoctorCheck } from './doctor-check.ts';

/** The command the gate would boot ComfyUI with, ready to paste into a shell; none when it attaches. */
export function judgeLaunch(plan: ServerPlan): DoctorCheck {
  const name = 'Launch command';
  if (plan.mode === 'attach') return ok('launch', name, `none: the gate attaches to ${plan.url} (COMFYUI_URL)`);
  return ok('launch', name, formatLaunchCommand(plan));
}

/** `cd <dir> && VAR=1 <python> main.py …`, quoted where a shell would need it. */
export function formatLaunchCommand(plan: Extract<ServerPlan, { mode: 'boot' }>): string {
  const env = Object.entries(plan.env).map(([key, value]) => `${key}=${quoteForShell(value)}`);
  return `cd ${quoteForShell(plan.dir)} && ${[...env, quoteForShell(plan.python), ...plan.args.map(quoteForShell)].join(' ')}`;
}

function quoteForShell(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
