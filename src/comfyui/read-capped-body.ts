/** Counts bytes as they arrive, so a deadline or a cap can say how much came. */
export interface BodyProgress {
  received: number;
}

/**
 * Reads a body to its end, never holding more than `limitBytes`: returns undefined as soon as the
 * count passes the cap (leaving the loop destroys the stream), so an endless body costs at most
 * one chunk more than the cap.
 */
export async function readCappedBody(body: AsyncIterable<Uint8Array>, limitBytes: number, progress: BodyProgress): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) {
    progress.received += chunk.byteLength;
    if (progress.received > limitBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Drops a body the gate will not read; the abort this causes is expected, not an error to report. */
export function discardBody(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => undefined);
  body.destroy();
}
