import { createComfyHttp } from '../comfyui/http-client.ts';
import { QUEUED_PROMPT_STATE, type QueuedPromptRecord } from '../run-record/generation-record.ts';
import { readState } from '../run-record/run-state.ts';

const CANCEL_TIMEOUT_MS = 800;

/**
 * On Ctrl-C in attach mode: asks the server to stop the prompt the gate queued, and only that one
 * (interrupt names it, so a newer ComfyUI leaves anyone else's run alone; the queue delete names
 * it too). `say` hears what is done before the requests go out: the process may end before they
 * are answered.
 */
export async function cancelOwnPrompt(reportDir: string, say: (text: string) => void): Promise<void> {
  const queued = readState<QueuedPromptRecord>(reportDir, QUEUED_PROMPT_STATE);
  if (queued === undefined) return;
  say(`cancelling the gate's prompt ${queued.promptId} on ${queued.url} (interrupt and dequeue, this prompt only)`);
  const http = createComfyHttp(queued.url, { requestTimeoutMs: CANCEL_TIMEOUT_MS });
  await Promise.allSettled([http.interrupt({ promptId: queued.promptId }), http.deleteQueuedPrompt(queued.promptId)]);
}
