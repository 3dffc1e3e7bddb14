import type { ServerPlan } from '../config/gate-config.ts';

/** The part of GET /system_stats this needs; `argv` is missing on old ComfyUI versions. */
export interface ServerArgvSource {
  readonly system: { readonly argv?: readonly string[] | undefined };
}

/**
 * The command line of the ComfyUI the gate talks to: the one it booted it with, or, attached, the
 * server's own (`system_stats.system.argv`), which shows ComfyUI Desktop's --base-directory and
 * --extra-model-paths-config. undefined when an attached server does not say.
 */
export async function getServerArgv(server: ServerPlan, getSystemStats: () => Promise<ServerArgvSource>): Promise<readonly string[] | undefined> {
  if (server.mode === 'boot') return server.args;
  const stats = await getSystemStats();
  return stats.system.argv;
}
