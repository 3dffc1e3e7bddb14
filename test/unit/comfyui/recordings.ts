import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

// Typed views of fixtures/recordings/*/record.json: only what the tests read.

export interface RecordedHttp {
  readonly t: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly content_type: string;
  readonly json?: unknown;
  readonly text?: string;
  readonly request_json?: unknown;
}

export type RecordedFrame =
  | { readonly t: number; readonly msg: { readonly type: string; readonly data: Record<string, unknown> } }
  | { readonly t: number; readonly binary: true; readonly len: number; readonly head_hex: string };

export interface RecordedRun {
  readonly label: string;
  readonly prompt_id?: string;
  readonly submit?: { readonly prompt_id: string; readonly number: number; readonly node_errors: object };
  readonly outcome?: string;
  readonly messages: readonly RecordedFrame[];
  readonly history?: Record<string, unknown>;
}

export interface Recording {
  readonly client_id: string;
  readonly http: readonly RecordedHttp[];
  readonly runs: readonly RecordedRun[];
  readonly ws_hello: readonly RecordedFrame[];
}

export const RECORDING_NAMES = ['0.3.64-cuda', '0.3.64-cpu', '0.3.64-cuda-previews'] as const;
export type RecordingName = (typeof RECORDING_NAMES)[number];

const cache = new Map<string, Recording>();

export function loadRecording(name: RecordingName): Recording {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const recording = JSON.parse(readFileSync(recordingPath(name, 'record.json'), 'utf8')) as Recording;
  cache.set(name, recording);
  return recording;
}

export function recordingPath(name: RecordingName, file: string): string {
  return new URL(`../../../fixtures/recordings/${name}/${file}`, import.meta.url).pathname;
}

export function loadObjectInfo(): Record<string, unknown> {
  return JSON.parse(gunzipSync(readFileSync(recordingPath('0.3.64-cuda', 'object_info.json.gz'))).toString('utf8')) as Record<string, unknown>;
}

export function loadOutputPng(): Buffer {
  return readFileSync(recordingPath('0.3.64-cuda', 'output.png'));
}

/** A run by label, with its POST /prompt time (seconds since the recorder started). */
export function getRun(name: RecordingName, label: string): { run: RecordedRun; submittedT: number } {
  const recording = loadRecording(name);
  const run = recording.runs.find((candidate) => candidate.label === label);
  if (run === undefined) throw new Error(`no run "${label}" in ${name}`);
  const submit = recording.http.find(
    (exchange) => exchange.path === '/prompt' && (exchange.json as { prompt_id?: string } | undefined)?.prompt_id === run.prompt_id,
  );
  return { run, submittedT: submit?.t ?? run.messages[0]?.t ?? 0 };
}

export function getHistoryEntryOf(run: RecordedRun): unknown {
  if (run.prompt_id === undefined || run.history === undefined) throw new Error(`run ${run.label} has no history`);
  return run.history[run.prompt_id];
}

export function isTextFrame(frame: RecordedFrame): frame is Extract<RecordedFrame, { msg: unknown }> {
  return 'msg' in frame;
}
