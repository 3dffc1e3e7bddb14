import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ComfyHttpError, ComfyResponseError, ComfyTimeoutError, ComfyUnreachableError, PromptRejectedError } from '../../../src/comfyui/errors.ts';
import { createComfyHttp } from '../../../src/comfyui/http-client.ts';
import { getBenchmarkTemplate } from '../../../src/benchmark/workflow.ts';
import { startFakeComfy } from './fake-comfy.ts';
import type { FakeComfy } from './fake-comfy.ts';
import { getHistoryEntryOf, getRun, loadOutputPng, loadRecording } from './recordings.ts';

const recording = loadRecording('0.3.64-cuda');
const rejected = recording.http.filter((exchange) => exchange.path === '/prompt' && exchange.status >= 400);

let fake: FakeComfy;
beforeEach(async () => {
  fake = await startFakeComfy();
});
afterEach(async () => {
  await fake.close();
});

const client = () => createComfyHttp(`${fake.baseUrl}/`, { requestTimeoutMs: 2000 });

describe('createComfyHttp', () => {
  it('reads and validates /system_stats', async () => {
    const stats = await client().getSystemStats();
    expect(stats.devices[0]).toMatchObject({ type: 'cuda', name: 'cuda:0 NVIDIA H200 : cudaMallocAsync', index: 0 });
    expect(stats.system.argv).toContain('--force-fp16');
  });

  it('says which field is wrong when the body does not fit', async () => {
    fake.route('GET /system_stats', (response) => response.writeHead(200).end(JSON.stringify({ system: {}, extra: 1 })));
    const error = await client()
      .getSystemStats()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ComfyResponseError);
    expect((error as ComfyResponseError).issues).toContain('devices: Invalid input: expected array, received undefined');
    expect((error as ComfyResponseError).message).toBe(
      `GET ${fake.baseUrl}/system_stats returned an unexpected body: devices: Invalid input: expected array, received undefined`,
    );
    expect((error as ComfyResponseError).context.body).toBe('{"system":{},"extra":1}');
  });

  it('says when the body is not JSON', async () => {
    fake.route('GET /system_stats', (response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>'));
    await expect(client().getSystemStats()).rejects.toThrow(/returned an unexpected body: body is not JSON \(content-type text\/html\)/);
  });

  it('maps an unexpected status to ComfyHttpError with url, status and body excerpt', async () => {
    fake.route('GET /system_stats', (response) => response.writeHead(503).end('x'.repeat(1000)));
    const error = (await client()
      .getSystemStats()
      .catch((caught: unknown) => caught)) as ComfyHttpError;
    expect(error).toBeInstanceOf(ComfyHttpError);
    expect(error.context).toMatchObject({ url: `${fake.baseUrl}/system_stats`, status: 503, method: 'GET' });
    expect(error.context.body).toBe(`${'x'.repeat(300)}…(700 more bytes)`);
  });

  it('queues a prompt with the client id and returns its id and number', async () => {
    const { run, submittedT } = getRun('0.3.64-cuda', 'cold');
    fake.queueRun(run, submittedT);
    const queued = await client().queuePrompt(getBenchmarkTemplate(), 'client-1');
    expect(queued).toEqual({ promptId: 'e297597c-9150-4427-b33e-5e80a051190f', number: 0 });
    const sent = JSON.parse(fake.requests.find((request) => request.path === '/prompt')?.body ?? '{}') as Record<string, unknown>;
    expect(sent).toEqual({ prompt: getBenchmarkTemplate(), client_id: 'client-1' });
  });

  it('turns a 400 into PromptRejectedError with the parsed body and a readable message', async () => {
    fake.route('POST /prompt', (response) => response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(rejected[0]?.json)));
    const error = (await client()
      .queuePrompt(getBenchmarkTemplate(), 'c')
      .catch((caught: unknown) => caught)) as PromptRejectedError;
    expect(error).toBeInstanceOf(PromptRejectedError);
    expect(error.message).toBe(
      'ComfyUI rejected the workflow: checkpoint does-not-exist.safetensors not found; installed: corrupt.safetensors, sd15-random.safetensors',
    );
    expect(error.hint).toContain('does-not-exist.safetensors');
    expect(error.body.node_errors?.['4']?.class_type).toBe('CheckpointLoaderSimple');
  });

  it('keeps the recorded plain-text 500 as ComfyHttpError', async () => {
    fake.route('POST /prompt', (response) => response.writeHead(500, { 'content-type': 'text/plain' }).end(rejected[6]?.text));
    await expect(client().queuePrompt({}, 'c')).rejects.toThrow(
      new ComfyHttpError({ method: 'POST', url: `${fake.baseUrl}/prompt`, status: 500, body: rejected[6]?.text ?? '' }),
    );
  });

  it('returns undefined while a prompt has no history, then the entry', async () => {
    const { run, submittedT } = getRun('0.3.64-cuda', 'cached');
    expect(await client().getHistoryEntry(run.prompt_id ?? '')).toBeUndefined();
    fake.queueRun(run, submittedT, { historyReadyAfterMs: 0 });
    await client().queuePrompt({}, 'c');
    const entry = await client().getHistoryEntry(run.prompt_id ?? '');
    expect(entry?.status?.status_str).toBe('success');
    expect(entry?.outputs['9']?.images).toEqual([{ filename: 'bench_00003_.png', subfolder: '', type: 'output' }]);
    expect(getHistoryEntryOf(run)).toMatchObject({ status: { completed: true } });
  });

  it('fetches an image and checks that it is a PNG', async () => {
    const ref = { filename: 'bench_00001_.png', subfolder: '', type: 'output' };
    expect((await client().getImage(ref)).equals(loadOutputPng())).toBe(true);
    expect(fake.requests.at(-1)?.path).toBe('/view?filename=bench_00001_.png&subfolder=&type=output');
    fake.route('GET /view', (response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'));
    await expect(client().getImage(ref)).rejects.toThrow(/expected a PNG image, got content-type "text\/html" and 13 bytes/);
  });

  it('reports a missing image as the recorded 404', async () => {
    fake.route('GET /view', (response) => response.writeHead(404).end());
    await expect(client().getImage({ filename: 'none.png', subfolder: '', type: 'output' })).rejects.toThrow(/answered 404: \(empty body\)/);
  });

  it('interrupts, naming the prompt when given', async () => {
    await client().interrupt();
    await client().interrupt({ promptId: 'p-1' });
    const interrupts = fake.requests.filter((request) => request.path === '/interrupt').map((request) => request.body);
    expect(interrupts).toEqual(['', '{"prompt_id":"p-1"}']);
  });

  it('takes its own prompt off the queue with POST /queue {"delete": [id]}', async () => {
    fake.route('POST /queue', (response) => response.writeHead(200).end());
    await client().deleteQueuedPrompt('p-1');
    expect(fake.requests.filter((request) => request.path === '/queue').map((request) => [request.method, request.body])).toEqual([
      ['POST', '{"delete":["p-1"]}'],
    ]);
  });

  it('lists node classes and checkpoints', async () => {
    const classes = await client().getObjectInfoClasses();
    expect(classes).toEqual(expect.arrayContaining(['KSampler', 'CheckpointLoaderSimple', 'SaveImage', 'VAEDecode']));
    expect(await client().getCheckpoints()).toEqual(['corrupt.safetensors', 'sd15-random.safetensors']);
  });

  it('falls back to the loader node for checkpoints on servers without /models', async () => {
    fake.route('GET /models/checkpoints', (response) => response.writeHead(404).end());
    const info = recording.http.find((exchange) => exchange.path === '/object_info/CheckpointLoaderSimple')?.json;
    fake.route('GET /object_info/CheckpointLoaderSimple', (response) => response.writeHead(200).end(JSON.stringify(info)));
    expect(await client().getCheckpoints()).toEqual(['corrupt.safetensors', 'sd15-random.safetensors']);
  });
});

describe('createComfyHttp when the server is not there', () => {
  let silent: Server | undefined;
  const held: Socket[] = [];
  afterEach(async () => {
    for (const socket of held.splice(0)) socket.destroy();
    await new Promise((resolve) => (silent === undefined ? resolve(undefined) : silent.close(resolve)));
    silent = undefined;
  });

  it('maps a refused connection to ComfyUnreachableError naming the URL', async () => {
    const url = fake.baseUrl;
    await fake.close();
    const error = (await createComfyHttp(url, { requestTimeoutMs: 1000 })
      .getSystemStats()
      .catch((caught: unknown) => caught)) as ComfyUnreachableError;
    expect(error).toBeInstanceOf(ComfyUnreachableError);
    expect(error.message).toBe(`ComfyUI did not answer at ${url}/system_stats: connection refused`);
    expect(error.hint).toBe('Is ComfyUI running? Start it, or check COMFYUI_URL / COMFYUI_PORT.');
  });

  it('gives up on a server that accepts but never answers', async () => {
    silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const started = performance.now();
    const error = await createComfyHttp(`http://127.0.0.1:${port}`, { requestTimeoutMs: 300 })
      .getSystemStats()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ComfyTimeoutError);
    expect((error as Error).message).toBe(`GET http://127.0.0.1:${port}/system_stats: no complete answer within 0.3 s (no response headers)`);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
