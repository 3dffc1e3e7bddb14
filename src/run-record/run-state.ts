import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GateConfig } from '../config/gate-config.ts';
import type { ErrorSummary } from '../errors.ts';
import { writeFileAtomic } from './write-atomic.ts';

/**
 * The run record: what one spec measured that a later spec or the reporter needs. Specs run in
 * separate workers, so this lives on disk under the report folder, never in module globals.
 */
export interface SetupRecord {
  readonly runId: string;
  readonly startedAt: string;
  /** The configuration parsed once by global setup; absent when it could not be parsed. */
  readonly config?: GateConfig;
  readonly mode: 'boot' | 'attach';
  readonly url: string;
  readonly launchFlags: string;
  readonly launchEnv: string;
  readonly logPath?: string;
  readonly timeToReadyMs?: number;
  readonly pid?: number;
  /** The server said it is the built-in fake: every verdict is stamped SIMULATED. */
  readonly simulated?: boolean;
  readonly error?: ErrorSummary;
  readonly logTail?: readonly string[];
}

/** The folder that holds the current run's record. */
export function getStateDir(reportDir: string): string {
  return join(reportDir, '.state');
}

/** Starts a new run record, dropping the previous run's. */
export function resetState(reportDir: string): void {
  rmSync(getStateDir(reportDir), { recursive: true, force: true });
}

/** Saves one part of the run record as JSON. */
export function writeState(reportDir: string, name: string, data: unknown): void {
  writeFileAtomic(join(getStateDir(reportDir), `${name}.json`), `${JSON.stringify(data, null, 2)}\n`);
}

/** Drops one part of the run record (nothing happens when it is not there). */
export function removeState(reportDir: string, name: string): void {
  rmSync(join(getStateDir(reportDir), `${name}.json`), { force: true });
}

/** Reads one part of the run record; undefined when that part was never written. */
export function readState<T>(reportDir: string, name: string): T | undefined {
  try {
    return JSON.parse(readFileSync(join(getStateDir(reportDir), `${name}.json`), 'utf8')) as T;
  } catch {
    return undefined;
  }
}
