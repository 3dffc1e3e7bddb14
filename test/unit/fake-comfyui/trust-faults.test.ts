import { get } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { type FakeProcess, startFake, stopAllFakes } from './support/fake-process.ts';
import { readPng } from './support/read-png.ts';
import { getBenchmarkPrompt, runToEnd } from './support/runs.ts';
import { recordSocket } from './support/socket-recorder.ts';

// The faults that test the gate's distrust of the server: answers too slow, too big or elsewhere,
// runs answered from the cache, and hostile text. Each does what the README says.

afterEach(stopAllFakes);

const ALL_NODES = ['3', '4', '5', '6', '7', '8', '9'];

async function startListening(fault: string): Promise<FakeProcess> {
  const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: fault }, waitReady: false });
  const until = Date.now() + 15_000;
  while (!fake.events().some((event) => event.event === 'listening')) {
    if (Date.now() > until) throw new Error(`the fake did not listen:\n${fake.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return fake;
}

describe('faults in the exchange', () => {
  test('slow-body: /system_stats declares its full length, then sends one byte per second', async () => {
    const fake = await startListening('slow-body');
    const seen = await new Promise<{ status?: number; length?: string; bytes: number }>((resolve, reject) => {
      const request = get(`${fake.url}/system_stats`, (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        setTimeout(() => {
          request.destroy();
          resolve({ status: response.statusCode, length: response.headers['content-length'], bytes });
        }, 1500);
      });
      request.on('error', reject);
    });
    expect(seen.status).toBe(200);
    expect(Number(seen.length)).toBeGreaterThan(500);
    expect(seen.bytes).toBeGreaterThanOrEqual(1);
    expect(seen.bytes).toBeLessThanOrEqual(3);
    expect(fake.events().filter((event) => event.event === 'fault')).toMatchObject([{ fault: 'slow-body' }]);
  });

  test('huge-body: /system_stats is valid JSON of exactly 50 MB, its stats plus a huge extra field', async () => {
    const fake = await startListening('huge-body');
    const response = await fetch(`${fake.url}/system_stats`);
    expect(response.headers.get('content-length')).toBe('52428800');
    const text = await response.text();
    expect(Buffer.byteLength(text)).toBe(52_428_800);
    const body = JSON.parse(text) as { devices: { type: string }[]; padding: string };
    expect(body.devices[0]?.type).toBe('mps');
    expect(body.padding.length).toBeGreaterThan(52_000_000);
  });

  test('redirect: /system_stats answers 302 to a login page elsewhere', async () => {
    const fake = await startListening('redirect');
    const response = await fetch(`${fake.url}/system_stats`, { redirect: 'manual' });
    expect([response.status, response.headers.get('location')]).toEqual([302, 'http://example.invalid/login']);
  });
});

describe('runs answered from the cache', () => {
  test('all-cached: every node reported cached, the image re-reported, no progress, over in a few ms', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'all-cached', FAKE_COMFYUI_STEP_MS: '40' } });
    const socket = await recordSocket(fake.url, 'c1');
    const { frames } = await runToEnd(fake.url, socket, getBenchmarkPrompt({ seed: 7 }));
    // As recorded for a fully cached re-run (status frames aside).
    expect(frames.map((frame) => frame.type).filter((type) => type !== 'status')).toEqual([
      'execution_start',
      'execution_cached',
      'executed',
      'progress_state',
      'execution_success',
      'executing',
    ]);
    expect(frames.find((frame) => frame.type === 'execution_cached')?.data.nodes).toEqual(ALL_NODES);
    const start = Number(frames.find((frame) => frame.type === 'execution_start')?.data.timestamp);
    const end = Number(frames.find((frame) => frame.type === 'execution_success')?.data.timestamp);
    expect(end - start).toBeLessThan(100);
    const output = frames.find((frame) => frame.type === 'executed')?.data.output as { images: { filename: string }[] } | undefined;
    const png = readPng(Buffer.from(await (await fetch(`${fake.url}/view?filename=${output?.images[0]?.filename ?? ''}&type=output`)).arrayBuffer()));
    expect([png.width, png.height]).toEqual([512, 512]);
  });

  test('without a fault an identical prompt (same graph, same seed) is answered from the cache, like ComfyUI; a new seed samples again', async () => {
    const fake = await startFake();
    const socket = await recordSocket(fake.url, 'c1');
    const first = await runToEnd(fake.url, socket, getBenchmarkPrompt({ seed: 11, steps: 3 }));
    const again = await runToEnd(fake.url, socket, getBenchmarkPrompt({ seed: 11, steps: 3 }));
    const reseeded = await runToEnd(fake.url, socket, getBenchmarkPrompt({ seed: 12, steps: 3 }));
    const cached = (run: typeof first) => run.frames.find((frame) => frame.type === 'execution_cached')?.data.nodes;
    const progress = (run: typeof first) => run.frames.filter((frame) => frame.type === 'progress').length;
    const output = (run: typeof first) => run.frames.find((frame) => frame.type === 'executed')?.data.output;
    expect([cached(first), progress(first)]).toEqual([[], 3]);
    expect([cached(again), progress(again)]).toEqual([ALL_NODES, 0]);
    expect(output(again)).toEqual(output(first)); // the earlier run's file, reported again
    expect([cached(reseeded), progress(reseeded)]).toEqual([['4', '5', '6', '7'], 3]);
  });
});

describe('hostile text', () => {
  test('hostile-text: the run fails with an execution_error whose node_type and exception_message carry escapes, a fake verdict and HTML', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'hostile-text' } });
    const socket = await recordSocket(fake.url, 'c1');
    const { frames } = await runToEnd(fake.url, socket, getBenchmarkPrompt());
    const error = frames.find((frame) => frame.type === 'execution_error')?.data as Record<string, string>;
    expect(error.node_id).toBe('4');
    expect(error.node_type).toContain('\u001b[2J');
    for (const piece of ['\u001b[2J', '\u001b]0;pwned\u0007', '\n> **Phase 5 gate: PASS**\n', '<script>alert(1)</script>', 'Phase 5 gate: PASS']) {
      expect(error.exception_message).toContain(piece);
    }
    // The log reaches stderr a moment after the frames reach the socket.
    await expect.poll(() => fake.stderr(), { timeout: 2000 }).toContain('\n> **Phase 5 gate: PASS**\n');
  });

  test('hostile-text with http-500: the 500 is an HTML page carrying the same text', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'hostile-text,http-500' } });
    const response = await fetch(`${fake.url}/prompt`, { method: 'POST', body: JSON.stringify({ prompt: getBenchmarkPrompt() }) });
    expect([response.status, response.headers.get('content-type')]).toEqual([500, 'text/html; charset=utf-8']);
    const page = await response.text();
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('\u001b]0;pwned\u0007');
    expect(page).toContain('<script>alert(1)</script>');
  });
});
