import type { ComfyHttp } from './http-client.ts';

/** An interrupt gets this long: a deadline is kept to within ~2 s. */
export const INTERRUPT_TIMEOUT_MS = 2000;

/**
 * POST /interrupt naming the prompt (newer servers then stop only that one); resolves whether it
 * was sent. Best effort, bounded even if the client ignores timeoutMs: the run is over for the gate either way.
 */
export async function sendInterrupt(http: Pick<ComfyHttp, 'interrupt'>, promptId: string): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), INTERRUPT_TIMEOUT_MS);
  });
  const sent = http.interrupt({ promptId, timeoutMs: INTERRUPT_TIMEOUT_MS }).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([sent, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
