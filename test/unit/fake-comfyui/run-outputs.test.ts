import { afterEach, describe, expect, test } from 'vitest';
import { loadRecording } from './support/recordings.ts';
import { readPng } from './support/read-png.ts';
import { getBenchmarkPrompt, runToEnd, submitPrompt } from './support/runs.ts';
import { recordSocket } from './support/socket-recorder.ts';
import { startFake, stopAllFakes } from './support/fake-process.ts';

// What a finished run leaves behind and what the server reports along the way: the saved PNG,
// preview frames, the events log, memory figures, clients kept apart.

afterEach(stopAllFakes);

async function getStats(url: string): Promise<{ ram_free: number; vram_free: number; torch_vram_total: number }> {
  const stats = (await (await fetch(`${url}/system_stats`)).json()) as {
    system: { ram_free: number };
    devices: { vram_free: number; torch_vram_total: number }[];
  };
  return { ram_free: stats.system.ram_free, vram_free: stats.devices[0]?.vram_free ?? -1, torch_vram_total: stats.devices[0]?.torch_vram_total ?? -1 };
}

describe('the saved image', () => {
  test('/view serves a PNG of the latent size: 8-bit RGB noise with the workflow in a tEXt chunk', async () => {
    const fake = await startFake();
    const socket = await recordSocket(fake.url, 'c1');
    const { frames } = await runToEnd(fake.url, socket, getBenchmarkPrompt({ width: 640, height: 384 }));
    const image = (frames.find((frame) => frame.type === 'executed')?.data.output as { images: { filename: string }[] } | undefined)?.images[0];
    expect(image).toEqual({ filename: 'bench_00001_.png', subfolder: '', type: 'output' });
    const response = await fetch(`${fake.url}/view?filename=bench_00001_.png&subfolder=&type=output`);
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'image/png']);
    const png = readPng(Buffer.from(await response.arrayBuffer()));
    expect([png.width, png.height, png.bitDepth, png.colorType]).toEqual([640, 384, 8, 2]);
    expect(png.chunkTypes[0]).toBe('IHDR');
    expect(JSON.parse(png.text.prompt ?? '{}')['3'].inputs.seed).toBe(1);
    const mean = png.rgb.reduce((sum, value) => sum + value, 0) / png.rgb.length;
    const spread = Math.sqrt(png.rgb.reduce((sum, value) => sum + (value - mean) ** 2, 0) / png.rgb.length);
    expect(spread).toBeGreaterThan(25); // noise, not a flat picture
  });

  test('the same seed gives the same pixels, another seed other pixels', async () => {
    const fake = await startFake();
    const socket = await recordSocket(fake.url, 'c1');
    const view = async (name: string) => readPng(Buffer.from(await (await fetch(`${fake.url}/view?filename=${name}&type=output`)).arrayBuffer())).rgb;
    await runToEnd(fake.url, socket, getBenchmarkPrompt({ seed: 7, steps: 2 }));
    await runToEnd(fake.url, socket, getBenchmarkPrompt({ seed: 8, steps: 2 }));
    await runToEnd(fake.url, socket, getBenchmarkPrompt({ seed: 7, steps: 3 }));
    const [first, second, third] = [await view('bench_00001_.png'), await view('bench_00002_.png'), await view('bench_00003_.png')];
    expect(Buffer.from(third).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(false);
  });
});

describe('along the way', () => {
  test('with previews on, each step is followed by a binary frame like the recorded ones', async () => {
    const previews = loadRecording('0.3.64-cuda-previews').runs[0]?.messages.find((message) => message.binary === true);
    const fake = await startFake({ args: ['main.py', '--listen', '127.0.0.1', '--preview-method', 'latent2rgb'] });
    const socket = await recordSocket(fake.url, 'c1');
    await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 6 }));
    const kinds = socket.frames.map((frame) => ('binary' in frame ? 'BIN' : frame.type)).filter((kind) => kind === 'progress' || kind === 'BIN');
    expect(kinds).toEqual(Array.from({ length: 6 }, () => ['progress', 'BIN']).flat());
    const binary = socket.frames.find((frame) => 'binary' in frame);
    expect(binary).toMatchObject({ headHex: previews?.head_hex });
    expect((binary as { length: number }).length).toBeGreaterThan(100_000);
  });

  test('without previews no binary frame is sent', async () => {
    const fake = await startFake();
    const socket = await recordSocket(fake.url, 'c1');
    await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 3 }));
    expect(socket.frames.some((frame) => 'binary' in frame)).toBe(false);
  });

  test('the events log marks the moment execution_success was sent, which the client sees right after', async () => {
    const fake = await startFake();
    const socket = await recordSocket(fake.url, 'c1');
    const { promptId, frames } = await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 3 }));
    const events = fake.events();
    expect(events.map((event) => event.event)).toEqual(
      expect.arrayContaining(['start', 'listening', 'ws_open', 'prompt_queued', 'execution_start', 'execution_cached', 'execution_success']),
    );
    const success = events.find((event) => event.event === 'execution_success');
    expect(success).toMatchObject({ prompt_id: promptId, sent: true, client_id: 'c1' });
    const received = frames.find((frame) => frame.type === 'execution_success')?.receivedAt ?? 0;
    expect(received - (success?.at as number)).toBeGreaterThanOrEqual(-1);
    expect(received - (success?.at as number)).toBeLessThan(1000);
    expect(Math.abs((success?.at_precise as number) - (success?.at as number))).toBeLessThan(5);
  });

  test('memory figures follow the model: boot, loaded after a run, lower torch use after POST /free', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_DEVICE: 'cuda' } });
    const socket = await recordSocket(fake.url, 'c1');
    const boot = await getStats(fake.url);
    await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 2 }));
    const loaded = await getStats(fake.url);
    const free = await fetch(`${fake.url}/free`, { method: 'POST', body: JSON.stringify({ unload_models: true, free_memory: true }) });
    expect([free.status, await free.text()]).toEqual([200, '']);
    const freed = await getStats(fake.url);
    expect([boot.torch_vram_total, loaded.torch_vram_total, freed.torch_vram_total]).toEqual([0, 2181038080, 67108864]);
    expect(loaded.vram_free).toBeLessThan(boot.vram_free);
    // free_memory also drops the node cache: the same prompt runs cold again.
    const { frames } = await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 2 }));
    expect(frames.find((frame) => frame.type === 'execution_cached')?.data.nodes).toEqual([]);
  });

  test('events of a prompt reach only its client; status reaches everyone', async () => {
    const fake = await startFake();
    const mine = await recordSocket(fake.url, 'mine');
    const other = await recordSocket(fake.url, 'other');
    await runToEnd(fake.url, mine, getBenchmarkPrompt({ steps: 2 }));
    expect(new Set(other.texts().map((frame) => frame.type))).toEqual(new Set(['status']));
    expect(other.texts().length).toBeGreaterThan(2);
  });

  test('a prompt without client_id is broadcast to every socket', async () => {
    const fake = await startFake();
    const socket = await recordSocket(fake.url, 'someone');
    const response = await fetch(`${fake.url}/prompt`, { method: 'POST', body: JSON.stringify({ prompt: getBenchmarkPrompt({ steps: 2 }) }) });
    const { prompt_id: promptId } = (await response.json()) as { prompt_id: string };
    await socket.waitFor((frame) => frame.type === 'execution_success' && frame.data.prompt_id === promptId);
  });

  test('a client may choose the prompt id, and an interrupt naming another prompt is ignored', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_STEP_MS: '20' } });
    const socket = await recordSocket(fake.url, 'c1');
    const response = await fetch(`${fake.url}/prompt`, {
      method: 'POST',
      body: JSON.stringify({ prompt: getBenchmarkPrompt({ steps: 15 }), client_id: 'c1', prompt_id: 'my-own-id' }),
    });
    expect(((await response.json()) as { prompt_id: string }).prompt_id).toBe('my-own-id');
    await socket.waitFor((frame) => frame.type === 'progress');
    await fetch(`${fake.url}/interrupt`, { method: 'POST', body: JSON.stringify({ prompt_id: 'someone-else' }) });
    const end = await socket.waitFor((frame) => frame.type === 'execution_success' || frame.type === 'execution_interrupted');
    expect(end.type).toBe('execution_success');
    expect(fake.stderr()).toContain('Prompt someone-else is not currently running, skipping interrupt');
    expect(await submitPrompt(fake.url, getBenchmarkPrompt({ seed: 2 }), 'c1')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
