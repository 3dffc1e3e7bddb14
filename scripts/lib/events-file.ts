import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** One line of the fake ComfyUI's FAKE_COMFYUI_EVENTS file. */
export interface FakeEvent {
  readonly event: string;
  /** Date.now() on the fake's side. */
  readonly at: number;
  readonly at_precise: number;
  readonly pid: number;
  readonly [field: string]: unknown;
}

/** Every complete event in the file so far; [] when the fake has not written one yet. */
export function readEvents(file: string): FakeEvent[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  // The last line may be half-written while the fake runs; it is read again on the next call.
  return text.split('\n').flatMap((line) => {
    try {
      const raw: unknown = JSON.parse(line);
      return isFakeEvent(raw) ? [raw] : [];
    } catch {
      return [];
    }
  });
}

/** The first event of that name, if the fake recorded one. */
export function findEvent(events: readonly FakeEvent[], name: string): FakeEvent | undefined {
  return events.find((event) => event.event === name);
}

export interface EventWaitOptions {
  readonly timeoutMs: number;
  /** Resolves when waiting is pointless (the gate exited). */
  readonly gaveUp: Promise<unknown>;
  readonly pollMs?: number;
}

/** Polls the events file until `name` appears; rejects naming the event and the wait when it does not. */
export async function waitForEvent(file: string, name: string, { timeoutMs, gaveUp, pollMs = 10 }: EventWaitOptions): Promise<FakeEvent> {
  const started = Date.now();
  let over = false;
  void gaveUp.then(() => (over = true));
  for (;;) {
    const found = findEvent(readEvents(file), name);
    if (found !== undefined) return found;
    const waited = Date.now() - started;
    if (over) throw new Error(`the gate exited before the fake ComfyUI recorded "${name}" (waited ${waited} ms, ${file})`);
    if (waited >= timeoutMs) throw new Error(`the fake ComfyUI recorded no "${name}" within ${timeoutMs} ms (${file})`);
    await sleep(pollMs);
  }
}

function isFakeEvent(raw: unknown): raw is FakeEvent {
  if (raw === null || typeof raw !== 'object') return false;
  const record = raw as Record<string, unknown>;
  return typeof record.event === 'string' && typeof record.at === 'number' && typeof record.pid === 'number';
}
