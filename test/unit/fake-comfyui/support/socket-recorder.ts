import { WebSocket } from 'ws';

// A WebSocket client that keeps every frame, so a test can compare a run's messages with the recording.

export interface TextFrame {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly raw: string;
  readonly receivedAt: number;
}

export interface BinaryFrame {
  readonly binary: true;
  readonly length: number;
  readonly headHex: string;
}

export type Frame = TextFrame | BinaryFrame;

export interface SocketRecorder {
  readonly frames: Frame[];
  readonly socket: WebSocket;
  /** Text frames only. */
  texts(): TextFrame[];
  /** Resolves with the first frame (from index `from`) that matches; rejects after timeoutMs. */
  waitFor(match: (frame: TextFrame) => boolean, timeoutMs?: number, from?: number): Promise<TextFrame>;
  /** Resolves when the socket closes, with its close code. */
  closed(): Promise<number>;
  close(): void;
}

/** Connects to /ws?clientId=… and records from the first frame on. */
export async function recordSocket(baseUrl: string, clientId: string, path = '/ws'): Promise<SocketRecorder> {
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}${path}?clientId=${clientId}`);
  const frames: Frame[] = [];
  const listeners = new Set<() => void>();
  let closeCode: number | undefined;
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) frames.push({ binary: true, length: data.length, headHex: data.subarray(0, 8).toString('hex') });
    else {
      const raw = data.toString('utf8');
      const parsed = JSON.parse(raw) as { type: string; data: Record<string, unknown> };
      frames.push({ type: parsed.type, data: parsed.data, raw, receivedAt: Date.now() });
    }
    for (const listener of listeners) listener();
  });
  socket.on('close', (code) => {
    closeCode = code;
    for (const listener of listeners) listener();
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const texts = () => frames.filter((frame): frame is TextFrame => !('binary' in frame));
  return {
    frames,
    socket,
    texts,
    waitFor(match, timeoutMs = 10_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = texts().slice(from).find(match);
          if (found === undefined) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no matching frame within ${timeoutMs} ms; got: ${texts()
                .map((frame) => frame.type)
                .join(', ')}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    closed() {
      return new Promise((resolve) => {
        if (closeCode !== undefined) return resolve(closeCode);
        socket.once('close', (code) => resolve(code));
      });
    },
    close: () => socket.close(),
  };
}
