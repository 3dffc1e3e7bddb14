import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyInstall, REPO_ROOT } from './fake-process.ts';

// Reads the real ComfyUI 0.3.64 recordings and puts the fake's output into a comparable form.

export interface RecordedHttp {
  readonly t: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly content_type: string;
  readonly json?: unknown;
  readonly text?: string;
  readonly bytes?: number;
  readonly request_json?: Record<string, unknown>;
  readonly request_data?: string;
}

export interface RecordedMessage {
  readonly t: number;
  readonly msg?: { readonly type: string; readonly data: Record<string, unknown> };
  readonly binary?: boolean;
  readonly len?: number;
  readonly head_hex?: string;
}

export interface RecordedRun {
  readonly label: string;
  readonly prompt_id?: string;
  readonly messages: readonly RecordedMessage[];
  readonly history?: Record<string, unknown>;
}

export interface Recording {
  readonly client_id: string;
  readonly argv: readonly string[];
  readonly boot: { readonly first_ok: { readonly json: Record<string, unknown> } };
  readonly http: readonly RecordedHttp[];
  readonly runs: readonly RecordedRun[];
  readonly ws_hello: readonly RecordedMessage[];
}

export const RECORDINGS_DIR = join(REPO_ROOT, 'fixtures', 'recordings');

/** One of recordings/<name>/record.json. */
export function loadRecording(name: '0.3.64-cuda' | '0.3.64-cpu' | '0.3.64-cuda-previews'): Recording {
  return JSON.parse(readFileSync(join(RECORDINGS_DIR, name, 'record.json'), 'utf8')) as Recording;
}

/** The recorded run with this label. */
export function getRun(recording: Recording, label: string): RecordedRun {
  const run = recording.runs.find((candidate) => candidate.label === label);
  if (run === undefined) throw new Error(`no recorded run "${label}"`);
  return run;
}

/** The recorded POST /prompt requests in order, with what the server answered. */
export function getPromptPosts(recording: Recording): RecordedHttp[] {
  return recording.http.filter((exchange) => exchange.method === 'POST' && exchange.path === '/prompt');
}

/** The recorded text messages of a run as {type, data}. */
export function getRunMessages(run: RecordedRun): { type: string; data: Record<string, unknown> }[] {
  return run.messages.flatMap((message) => (message.msg === undefined ? [] : [message.msg]));
}

/**
 * A ComfyUI folder whose checkpoints are named like the recording's (sd15-random.safetensors valid,
 * corrupt.safetensors truncated), so recorded requests replay unchanged and 400 bodies compare exactly.
 */
export function makeRecordedInstall(): string {
  const dir = copyInstall();
  const checkpoints = join(dir, 'models', 'checkpoints');
  const valid = join(checkpoints, 'anything-v5-PrtRE.safetensors');
  copyFileSync(valid, join(checkpoints, 'sd15-random.safetensors'));
  // Truncated: the header length promises more bytes than the file has.
  writeFileSync(join(checkpoints, 'corrupt.safetensors'), readFileSync(valid).subarray(0, 64));
  rmSync(valid);
  return dir;
}

/**
 * Makes run output comparable: prompt ids become P1, P2… in order of appearance, every `timestamp`
 * becomes 0, and the fake's ComfyUI folder reads as the recording's /opt/ComfyUI.
 */
export function createNormalizer(comfyDir?: string): (value: unknown) => unknown {
  const ids = new Map<string, string>();
  const normalize = (value: unknown, key?: string): unknown => {
    if (key === 'timestamp' && typeof value === 'number') return 0;
    if (typeof value === 'string') {
      if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) {
        if (!ids.has(value)) ids.set(value, `P${ids.size + 1}`);
        return ids.get(value);
      }
      return comfyDir === undefined ? value : value.replaceAll(comfyDir, '/opt/ComfyUI');
    }
    if (Array.isArray(value)) return value.map((item) => normalize(item));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([field, item]) => [normalize(field) as string, normalize(item, field)]));
    }
    return value;
  };
  return (value) => normalize(value);
}
