import { randomUUID } from 'node:crypto';
import type { GateConfig } from '../config/gate-config.ts';
import { getClientTime } from '../comfyui/clock.ts';
import { followPrompt } from '../comfyui/follow-prompt.ts';
import type { ComfyHttp } from '../comfyui/http-client.ts';
import type { RunOutcome } from '../comfyui/run-outcome.ts';
import type { ApiWorkflow } from '../comfyui/schemas.ts';
import { connectComfySocket } from '../comfyui/socket.ts';
import { createProgressLine } from '../terminal/progress-line.ts';
import type { GpuWatch } from './gpu-watch.ts';
import { QUEUED_PROMPT_STATE, type QueuedPromptRecord } from '../run-record/generation-record.ts';
import { removeState, writeState } from '../run-record/run-state.ts';

/** One prompt queued and followed to its end. */
export interface Attempt {
  readonly outcome: RunOutcome;
  /** POST /prompt, sent to answered. */
  readonly submitRoundTripMs: number;
}

/** What every generation of a benchmark shares. */
export interface FollowSettings {
  readonly config: GateConfig;
  readonly http: ComfyHttp;
  readonly url: string;
  readonly gpu: GpuWatch;
  /** How the terminal names this generation: "generating" while it runs, "generation" when it ends. */
  readonly label: { readonly running: string; readonly ended: string };
  /** Told the submit time as soon as it is taken, so a failure can still say when the run started. */
  readonly onSubmit?: (submittedAt: number) => void;
}

/** Queues one workflow and follows it to its end, under the run deadline and the GPU idle watchdog. */
export async function submitAndFollow(workflow: ApiWorkflow, settings: FollowSettings): Promise<Attempt> {
  const { config, http, url, gpu, label } = settings;
  const clientId = randomUUID().replace(/-/g, '');
  // Without a socket the run is still followed through /history: slower to notice, never stuck.
  const socket = await connectComfySocket(url, clientId, { connectTimeoutMs: 5000 }).catch(() => undefined);
  const watchdog = new AbortController();
  const progress = createProgressLine();
  const submittedAt = getClientTime();
  settings.onSubmit?.(submittedAt);
  let stopWatchdog: () => void = () => undefined;
  try {
    const { promptId } = await http.queuePrompt(workflow, clientId);
    const submitRoundTripMs = getClientTime() - submittedAt;
    // On Ctrl-C in attach mode the main process cancels this prompt, and only this one.
    writeState(config.reportDir, QUEUED_PROMPT_STATE, { url, promptId } satisfies QueuedPromptRecord);
    stopWatchdog = gpu.watchGeneration(submittedAt, watchdog);
    const outcome = await followPrompt({
      http,
      socket,
      promptId,
      submittedAt,
      deadlineMs: submittedAt + config.deadlineMs,
      silenceMs: config.socketSilenceMs,
      workflow,
      signal: watchdog.signal,
      onProgress: ({ step, maxSteps, elapsedMs }) =>
        progress.update(`${label.running}: step ${step}/${maxSteps} · ${(elapsedMs / 1000).toFixed(1)} s elapsed (budget ${config.budgetMs / 1000} s)`),
    });
    progress.done(`${label.ended} finished in ${((outcome.completedAt - submittedAt) / 1000).toFixed(2)} s`);
    return { outcome, submitRoundTripMs };
  } catch (error) {
    progress.done(`${label.ended} failed after ${((getClientTime() - submittedAt) / 1000).toFixed(1)} s`);
    throw error;
  } finally {
    removeState(config.reportDir, QUEUED_PROMPT_STATE);
    socket?.close();
    stopWatchdog();
  }
}
