import { describe, expect, it } from 'vitest';
import {
  historyEntrySchema,
  parseComfyMessage,
  promptRejectionSchema,
  queuedPromptSchema,
  systemStatsSchema,
  formatIssues,
} from '../../../src/comfyui/schemas.ts';
import { RECORDING_NAMES, isTextFrame, loadRecording } from './recordings.ts';

describe.each(RECORDING_NAMES)('recording %s', (name) => {
  const recording = loadRecording(name);

  it('every GET /system_stats body parses', () => {
    const bodies = recording.http.filter((exchange) => exchange.path.endsWith('/system_stats')).map((exchange) => exchange.json);
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    for (const body of bodies) {
      const stats = systemStatsSchema.parse(body);
      expect(stats.system.comfyui_version).toBe('0.3.64');
      expect(stats.devices[0]?.type).toMatch(/^(cuda|cpu)$/);
    }
  });

  it('every POST /prompt 200 and 400 body parses', () => {
    const prompts = recording.http.filter((exchange) => exchange.path === '/prompt' && exchange.method === 'POST');
    const accepted = prompts.filter((exchange) => exchange.status === 200);
    const rejected = prompts.filter((exchange) => exchange.status === 400);
    expect(accepted.length).toBeGreaterThanOrEqual(3);
    for (const exchange of accepted) expect(queuedPromptSchema.parse(exchange.json).prompt_id).toMatch(/^[0-9a-f-]{36}$/);
    for (const exchange of rejected) expect(promptRejectionSchema.parse(exchange.json).error.type).not.toBe('');
  });

  it('every history entry parses, with its status messages', () => {
    const entries = recording.runs.flatMap((run) => (run.history === undefined ? [] : Object.values(run.history)));
    expect(entries.length).toBeGreaterThanOrEqual(3);
    for (const raw of entries) {
      const entry = historyEntrySchema.parse(raw);
      expect(entry.prompt[2]['3']?.class_type).toBe('KSampler');
      expect(entry.status?.messages[0]?.[0]).toBe('execution_start');
    }
  });

  it('every WebSocket text frame validates as its known type', () => {
    const frames = [...recording.ws_hello, ...recording.runs.flatMap((run) => run.messages)].filter(isTextFrame);
    expect(frames.length).toBeGreaterThan(50);
    for (const frame of frames) {
      const parsed = parseComfyMessage(frame.msg);
      expect(parsed, JSON.stringify(frame.msg).slice(0, 200)).toMatchObject({ ok: true, message: { type: frame.msg.type, known: true } });
    }
  });
});

describe('schemas', () => {
  const stats = loadRecording('0.3.64-cuda').http[0]?.json as Record<string, unknown>;

  it('says which field is wrong when devices is missing', () => {
    const { devices: _devices, ...withoutDevices } = stats;
    const parsed = systemStatsSchema.safeParse(withoutDevices);
    expect(parsed.success).toBe(false);
    expect(parsed.error && formatIssues(parsed.error)).toEqual(['devices: Invalid input: expected array, received undefined']);
  });

  it('requires at least one device', () => {
    const parsed = systemStatsSchema.safeParse({ ...stats, devices: [] });
    expect(parsed.error && formatIssues(parsed.error)).toEqual(['devices: ComfyUI reported no devices (expected at least one)']);
  });

  it('keeps unknown fields (newer servers)', () => {
    const parsed = systemStatsSchema.parse({ ...stats, system: { ...(stats.system as object), os: 'darwin', new_field: 1 } });
    expect(parsed.system.new_field).toBe(1);
  });

  it('passes unknown message types through as unknown', () => {
    expect(parseComfyMessage({ type: 'crystools.monitor', data: { cpu: 3 } })).toEqual({
      ok: true,
      message: { type: 'crystools.monitor', data: { cpu: 3 }, known: false },
    });
  });

  it('rejects a known type whose data does not fit, naming the field', () => {
    expect(parseComfyMessage({ type: 'progress', data: { value: 'x', max: 20, prompt_id: 'p' } })).toEqual({
      ok: false,
      issues: ['data.value: Invalid input: expected number, received string'],
    });
    expect(parseComfyMessage([1, 2])).toMatchObject({ ok: false });
  });

  it('accepts executing with node null (older servers mark completion this way)', () => {
    expect(parseComfyMessage({ type: 'executing', data: { node: null, prompt_id: 'p' } })).toMatchObject({ ok: true });
  });
});
