import { existsSync, readFileSync } from 'node:fs';

/** One line of the fake ComfyUI's events file (FAKE_COMFYUI_EVENTS). */
export interface FakeEvent {
  readonly event: string;
  readonly at: number;
  readonly at_precise: number;
  readonly [field: string]: unknown;
}

/** Every event the fake ComfyUI recorded so far, oldest first. */
export function readEvents(file: string): FakeEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FakeEvent);
}

/** Resolves once the fake recorded `event`; rejects after `timeoutMs`. */
export async function waitForEvent(file: string, event: string, timeoutMs: number): Promise<FakeEvent> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = readEvents(file).find((line) => line.event === event);
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`the fake ComfyUI did not record "${event}" within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
