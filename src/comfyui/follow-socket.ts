import type { FollowRun } from './follow-run.ts';
import type { ComfyMessage, KnownComfyMessage } from './schemas.ts';
import type { ComfySocket, SocketCloseInfo } from './socket.ts';

/** A known message that belongs to one prompt. */
export type PromptMessage = Extract<KnownComfyMessage, { data: { prompt_id: string } }>;

export interface SocketFollowOptions {
  readonly socket: ComfySocket;
  readonly promptId: string;
  /** Quiet this long (no frame of any kind) → `onLost`. */
  readonly silenceMs: number;
  readonly now: () => number;
  /** Each message of the prompt, in arrival order: those that came before the follow began first. */
  readonly onMessage: (message: PromptMessage, receivedAt: number) => void;
  /** The socket closed or went silent: someone else (the history fallback) has to find out how the run ends. */
  readonly onLost: (reason: string, closed: boolean) => void;
}

/** Follows a prompt on an open socket until the follow ends; reports a close or a silence once each. */
export function followSocket(run: FollowRun<unknown>, options: SocketFollowOptions): void {
  const { socket, promptId, silenceMs, now, onMessage, onLost } = options;
  const startedAt = now();
  const handle = (message: ComfyMessage, receivedAt: number) => {
    if (!run.done && isForPrompt(message, promptId)) onMessage(message, receivedAt);
  };
  run.onStop(socket.on('message', handle));
  run.onStop(socket.onClose((info) => onLost(describeClose(info), true)));
  // Messages that arrived between POST /prompt and this call (a cached run can finish in 3 ms).
  for (const { message, receivedAt } of socket.getRecentMessages()) handle(message, receivedAt);
  const checkSilence = () => {
    const quietMs = now() - Math.max(startedAt, socket.lastFrameAt ?? startedAt);
    if (quietMs >= silenceMs) onLost(`socket silent for ${silenceMs} ms`, false);
    else run.later(silenceMs - quietMs, checkSilence);
  };
  run.later(silenceMs, checkSilence);
}

function isForPrompt(message: ComfyMessage, promptId: string): message is PromptMessage & { known: true } {
  return message.known && message.type !== 'status' && message.data.prompt_id === promptId;
}

// 1009 is ws closing on a frame above the cap: worth saying, the rest is a plain close.
function describeClose(info: SocketCloseInfo): string {
  return info.code === 1009 ? 'socket closed (a frame exceeded the size cap)' : 'socket closed';
}
