import { setTimeout as sleep } from 'node:timers/promises';
import { GateError, type ErrorSummary } from '../errors.ts';
import { readState, writeState, type SetupRecord } from '../run-record/run-state.ts';
import { wrapLines } from './wrap-message.ts';

/**
 * Boot progress in watch / UI mode. There global setup starts ComfyUI and returns at once, so that
 * Vitest UI lists the specs instead of "No tests found" for the 15-30 s a boot takes; it writes
 * its progress here, and the first truth (reachable) waits on it and shows each step as a note.
 * `npm test` boots inside global setup as before and writes no boot record.
 */
export const BOOT_STATE = 'boot';

export type BootRecord =
  | { readonly status: 'booting'; readonly message: string; readonly timeoutMs: number }
  | { readonly status: 'ready'; readonly message: string }
  /** The error and the log tail are in the setup record, where the reporter reads them too. */
  | { readonly status: 'failed'; readonly message: string };

/** ComfyUI could not be booted: the reachable truth fails with global setup's error and log tail. */
export class BootFailedError extends GateError {
  constructor(error: ErrorSummary, logTail: readonly string[]) {
    const log = typeof error.context.log === 'string' ? error.context.log : 'the ComfyUI log';
    const tail = logTail.length === 0 ? [] : [`Last lines of ${log}:`, ...logTail.map((line) => `  ${line}`)];
    const hint = error.hint === '' ? [] : [`What to do: ${error.hint}`];
    super(error.code, wrapLines([error.message, ...hint, ...tail].join('\n')), { hint: error.hint, context: error.context });
  }
}

/** The boot record's backoff, after the server readiness poll: quick at first, then once a second. */
const POLL_DELAYS_MS = [100, 250, 500, 1000] as const;
/** One note at once, then one per this many ms: a line a second would bury the other notes. */
const NOTE_EVERY_MS = 5000;
/** Global setup gives up after the readiness timeout; this only catches a setup that stopped writing. */
const DEADLINE_GRACE_MS = 15_000;

export interface BootWaitOptions {
  /** Told the progress: the first line at once, then every few seconds, and the outcome. */
  readonly onProgress: (message: string) => Promise<unknown>;
}

/** Waits until global setup's boot of ComfyUI is over; returns at once when setup already waited. */
export async function waitForBoot(reportDir: string, { onProgress }: BootWaitOptions): Promise<void> {
  let record = readState<BootRecord>(reportDir, BOOT_STATE);
  if (record === undefined) return;
  let lastNoteAt = Number.NEGATIVE_INFINITY;
  const deadline = Date.now() + (record.status === 'booting' ? record.timeoutMs : 0) + DEADLINE_GRACE_MS;
  for (let polls = 0; record.status === 'booting'; polls++) {
    if (Date.now() - lastNoteAt >= NOTE_EVERY_MS) {
      lastNoteAt = Date.now();
      await onProgress(record.message);
    }
    if (Date.now() > deadline) {
      throw new GateError(
        'BOOT_RECORD_STALE',
        `ComfyUI's boot did not finish within ${Math.round((record.timeoutMs + DEADLINE_GRACE_MS) / 1000)} s; last progress: ${record.message}`,
        {
          hint: 'global setup stopped reporting; restart npm run ui and read the ComfyUI log',
        },
      );
    }
    await sleep(POLL_DELAYS_MS[Math.min(polls, POLL_DELAYS_MS.length - 1)]);
    record = readState<BootRecord>(reportDir, BOOT_STATE) ?? record;
  }
  if (record.status === 'failed') {
    const setup = readState<SetupRecord>(reportDir, 'setup');
    const error = setup?.error ?? { name: 'Error', code: 'BOOT_FAILED', message: record.message, hint: '', context: {} };
    throw new BootFailedError(error, setup?.logTail ?? []);
  }
  // Only worth a note when this truth waited for it: after a re-run it would repeat an old line.
  if (Number.isFinite(lastNoteAt)) await onProgress(record.message);
}

/** Global setup's side: saves one step of the boot for the first truth to show. */
export function writeBootRecord(reportDir: string, record: BootRecord): void {
  writeState(reportDir, BOOT_STATE, record);
}
