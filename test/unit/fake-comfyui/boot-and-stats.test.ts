import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { copyInstall, GATE_ARGS, getFreePort, startFake, stopAllFakes } from './support/fake-process.ts';
import { loadRecording, RECORDINGS_DIR } from './support/recordings.ts';

// Booting the fake the way the gate boots ComfyUI, and what it then says about itself.

afterEach(stopAllFakes);

const cuda = loadRecording('0.3.64-cuda');
const cpu = loadRecording('0.3.64-cpu');

async function getJson(url: string): Promise<{ status: number; type: string | null; json: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), json: (await response.json()) as Record<string, unknown> };
}

// The recorded payload with this server's argv, plus the one field only the fake sends.
const withArgv = (stats: Record<string, unknown>, argv: readonly string[]) => ({
  ...stats,
  system: { ...(stats.system as Record<string, unknown>), argv, comfyui_gate_simulator: true },
});

describe('system_stats per device profile', () => {
  test('by default the fake is an Apple Silicon Mac: devices[0] is mps and every vram figure is RAM', async () => {
    const fake = await startFake();
    const { status, type, json } = await getJson(`${fake.url}/system_stats`);
    expect([status, type]).toEqual([200, 'application/json; charset=utf-8']);
    expect(json.devices).toEqual([
      { name: 'mps', type: 'mps', index: null, vram_total: 17179869184, vram_free: 9663676416, torch_vram_total: 17179869184, torch_vram_free: 9663676416 },
    ]);
    const system = json.system as Record<string, unknown>;
    expect(Object.keys(system)).toEqual([...Object.keys(cuda.boot.first_ok.json.system as object), 'comfyui_gate_simulator']);
    expect(system).toMatchObject({ os: 'posix', ram_total: 17179869184, comfyui_version: '0.3.64', pytorch_version: '2.5.1', embedded_python: false });
    expect(system.python_version).toBe('3.11.9 (main, Apr  2 2024, 08:25:04) [Clang 15.0.0 (clang-1500.3.9.4)]');
    expect(system.argv).toEqual([...GATE_ARGS, '--port', String(fake.port)]);
    expect((await getJson(`${fake.url}/api/system_stats`)).json).toEqual(json);
  });

  test('FAKE_COMFYUI_DEVICE=cuda answers the recorded H200 payload with its own argv', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_DEVICE: 'cuda' } });
    const { json } = await getJson(`${fake.url}/system_stats`);
    expect(json).toEqual(withArgv(cuda.boot.first_ok.json, [...GATE_ARGS, '--port', String(fake.port)]));
  });

  test('--cpu wins over the environment and answers the recorded CPU payload', async () => {
    const args = ['main.py', '--listen', '127.0.0.1', '--cpu'];
    const fake = await startFake({ args, env: { FAKE_COMFYUI_DEVICE: 'cuda' } });
    const { json } = await getJson(`${fake.url}/system_stats`);
    expect(json).toEqual(withArgv(cpu.boot.first_ok.json, [...args, '--port', String(fake.port)]));
  });

  test('the boot log opens with the recorded device lines and ends with the GUI address', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_DEVICE: 'cuda' } });
    const recordedHead = readFileSync(join(RECORDINGS_DIR, '0.3.64-cuda', 'comfyui.log'), 'utf8')
      .split('\n')
      .slice(0, 8);
    const lines = fake.stderr().split('\n');
    expect(lines.slice(0, 8)).toEqual(recordedHead);
    const starting = lines.indexOf('Starting server');
    expect(starting).toBeGreaterThan(8);
    expect(lines.slice(starting, starting + 3)).toEqual(['Starting server', '', `To see the GUI go to: http://127.0.0.1:${fake.port}`]);
  });

  test('on mps the log names the device the gate looks for', async () => {
    const fake = await startFake();
    expect(fake.stderr()).toContain('\nDevice: mps\n');
    expect(fake.stderr()).toContain('\nSet vram state to: SHARED\n');
  });
});

describe('boot', () => {
  test('the port refuses connections until FAKE_COMFYUI_BOOT_MS has passed', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_BOOT_MS: '1000' }, waitReady: false });
    await new Promise((resolve) => setTimeout(resolve, 400)); // node + tsx are up by now, the port must still be shut
    await expect(fetch(`${fake.url}/system_stats`)).rejects.toThrow();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !fake.events().some((event) => event.event === 'listening')) await new Promise((resolve) => setTimeout(resolve, 20));
    const events = fake.events();
    const start = events.find((event) => event.event === 'start')?.at as number;
    const listening = events.find((event) => event.event === 'listening')?.at as number;
    expect(listening - start).toBeGreaterThanOrEqual(1000);
    expect((await fetch(`${fake.url}/system_stats`)).status).toBe(200);
  });

  test("a busy port ends the boot with Python's bind error and exit code 1", async () => {
    const port = await getFreePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const fake = await startFake({ port, waitReady: false });
      expect(await fake.exited).toEqual({ code: 1, signal: null });
      const errno = process.platform === 'darwin' ? 48 : 98;
      expect(fake.stderr().trimEnd().split('\n').at(-1)).toBe(
        `OSError: [Errno ${errno}] error while attempting to bind on address ('127.0.0.1', ${port}): address already in use`,
      );
    } finally {
      blocker.close();
    }
  });

  test('SIGTERM ends it promptly, by that signal', async () => {
    const fake = await startFake();
    const sent = Date.now();
    fake.child.kill('SIGTERM');
    expect(await fake.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(fake.events().map((event) => event.event)).toEqual(expect.arrayContaining(['sigterm', 'exit']));
  });

  test('started from a folder without main.py it fails like Python does', async () => {
    const dir = copyInstall();
    rmSync(join(dir, 'main.py'));
    const fake = await startFake({ comfyDir: dir, waitReady: false });
    expect(await fake.exited).toEqual({ code: 2, signal: null });
    expect(fake.stderr()).toMatch(/python: can't open file '.*\/main\.py': \[Errno 2\] No such file or directory/);
  });

  test('an unknown fault name is refused with the list of known ones', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_FAULT: 'black-image,nope' }, waitReady: false });
    expect(await fake.exited).toEqual({ code: 2, signal: null });
    expect(fake.stderr()).toContain('FAKE_COMFYUI_FAULT="black-image,nope": unknown nope (known: exit-during-boot, never-ready,');
  });
});

describe('GET endpoints', () => {
  test('answer what the recorded server answered on a fresh boot', async () => {
    const fake = await startFake();
    const paths = [
      '/queue',
      '/prompt',
      '/history?max_items=3',
      '/embeddings',
      '/models',
      '/features',
      '/extensions',
      '/object_info/KSampler',
      '/object_info/SaveImage',
    ];
    for (const path of paths) {
      const recorded = cuda.http.find((exchange) => exchange.method === 'GET' && exchange.path === path);
      const answer = await getJson(`${fake.url}${path}`);
      expect([path, answer.status, answer.type, answer.json]).toEqual([path, recorded?.status, recorded?.content_type, recorded?.json]);
    }
  });

  test('checkpoint lists come from <cwd>/models/checkpoints', async () => {
    const fake = await startFake();
    const recorded = cuda.http.find((exchange) => exchange.path === '/object_info/CheckpointLoaderSimple')?.json as Record<
      string,
      { input: { required: { ckpt_name: unknown[] } } }
    >;
    const expected = structuredClone(recorded);
    const spec = expected.CheckpointLoaderSimple?.input.required.ckpt_name;
    if (spec !== undefined) spec[0] = ['anything-v5-PrtRE.safetensors'];
    expect((await getJson(`${fake.url}/object_info/CheckpointLoaderSimple`)).json).toEqual(expected);
    expect((await getJson(`${fake.url}/models/checkpoints`)).json).toEqual(['anything-v5-PrtRE.safetensors']);
  });

  test('unknown files and routes are empty 404s with the recorded content types', async () => {
    const fake = await startFake();
    const view = await fetch(`${fake.url}/api/view?filename=none.png`);
    expect([view.status, view.headers.get('content-type'), await view.text()]).toEqual([404, null, '']);
    const missing = await fetch(`${fake.url}/nonexistent`);
    expect([missing.status, missing.headers.get('content-type'), await missing.text()]).toEqual([404, 'application/octet-stream', '']);
  });

  test('installed custom nodes show up: controlnet_aux adds its pose preprocessors, and new checkpoints are listed', async () => {
    const withAux = await startFake();
    const openpose = (await getJson(`${withAux.url}/object_info/OpenposePreprocessor`)).json;
    expect(openpose).toMatchObject({ OpenposePreprocessor: { input: { required: { image: ['IMAGE'] } }, output: ['IMAGE', 'POSE_KEYPOINT'] } });
    expect(Object.keys((await getJson(`${withAux.url}/object_info`)).json)).toContain('DWPreprocessor');

    const dir = copyInstall();
    rmSync(join(dir, 'custom_nodes', 'comfyui_controlnet_aux'), { recursive: true });
    writeFileSync(join(dir, 'models', 'checkpoints', 'another.safetensors'), readFileSync(join(dir, 'models', 'checkpoints', 'anything-v5-PrtRE.safetensors')));
    const withoutAux = await startFake({ comfyDir: dir });
    expect((await getJson(`${withoutAux.url}/object_info/OpenposePreprocessor`)).json).toEqual({});
    expect((await getJson(`${withoutAux.url}/models/checkpoints`)).json).toEqual(['another.safetensors', 'anything-v5-PrtRE.safetensors']);
    expect(withoutAux.stderr()).toContain(`   0.0 seconds: ${join(dir, 'custom_nodes', 'ComfyUI-Manager')}`);
  });
});
