import { createComfyHttp } from '../comfyui/http-client.ts';
import { QUEUED_PROMPT_STATE, type QueuedPromptRecord } from '../run-record/generation-record.ts';
import { readState } from '../run-record/run-state.ts';

const CANCEL_TIMEOUT_MS = 800;

/**
 * On Ctrl-C in attach mode: asks the server to stop the prompt the gate queued, and only that one
 * (interrupt names it, so a newer ComfyUI leaves anyone else's run alone; the queue delete names
 * it too). Returns what it did, for the terminal.
 */
export async function cancelOwnPrompt(reportDir: string): Promise<string | undefined> {
  const queued = readState<QueuedPromptRecord>(reportDir, QUEUED_PROMPT_STATE);
  if (queued === undefined) return undefined;
  const http = createComfyHttp(queued.url, { requestTimeoutMs: CANCEL_TIMEOUT_MS });
  const results = await Promise.allSettled([http.interrupt({ promptId: queued.promptId }), http.deleteQueuedPrompt(queued.promptId)]);
  const done = results.every((result) => result.status === 'fulfilled');
  return done
    ? `cancelled the gate's prompt ${queued.promptId} on ${queued.url}`
    : `could not cancel the gate's prompt ${queued.promptId} on ${queued.url} (the server did not answer in time)`;
}
