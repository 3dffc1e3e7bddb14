import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getClientTime } from '../../../src/comfyui/clock.ts';
import { ComfyHttpError, ComfyRedirectError, ComfyUnreachableError } from '../../../src/comfyui/errors.ts';
import type { ComfyMessage } from '../../../src/comfyui/schemas.ts';
import { connectComfySocket, getSocketUrl } from '../../../src/comfyui/socket.ts';
import type { ComfySocket, SocketCloseInfo } from '../../../src/comfyui/socket.ts';
import { startFakeComfy, waitFor } from './fake-comfy.ts';
import type { FakeComfy } from './fake-comfy.ts';
import { getRun } from './recordings.ts';

let fake: FakeComfy;
let socket: ComfySocket | undefined;
beforeEach(async () => {
  fake = await startFakeComfy();
});
afterEach(async () => {
  socket?.close();
  socket = undefined;
  await fake.close();
});

const connect = async () => {
  socket = await connectComfySocket(fake.baseUrl, 'client-1', { connectTimeoutMs: 1000 });
  return socket;
};

describe('connectComfySocket', () => {
  it('builds the /ws URL with the client id', () => {
    expect(getSocketUrl('http://127.0.0.1:8188/', 'a b')).toBe('ws://127.0.0.1:8188/ws?clientId=a%20b');
    expect(getSocketUrl('https://host/comfy', 'c')).toBe('wss://host/comfy/ws?clientId=c');
  });

  it('resolves open, and hands typed data with its receipt time to handlers', async () => {
    const before = getClientTime();
    const open = await connect();
    expect(open.isOpen).toBe(true);
    await waitFor(() => open.getRecentMessages().length === 1); // the server's hello
    expect(open.getRecentMessages()[0]?.message).toMatchObject({ type: 'status', data: { sid: 'client-1' } });

    const progress: [number, number][] = [];
    const unsubscribe = open.on('progress', (data, receivedAt) => {
      expect(receivedAt).toBeGreaterThanOrEqual(before);
      expect(receivedAt).toBeLessThanOrEqual(getClientTime());
      progress.push([data.value, data.max]);
    });
    fake.send(JSON.stringify({ type: 'progress', data: { value: 1, max: 20, prompt_id: 'p', node: '3' } }));
    await waitFor(() => progress.length === 1);
    unsubscribe();
    fake.send(JSON.stringify({ type: 'progress', data: { value: 2, max: 20, prompt_id: 'p', node: '3' } }));
    await waitFor(() => open.getRecentMessages().length === 3);
    expect(progress).toEqual([[1, 20]]);
  });

  it('counts and ignores binary previews, bad JSON and invalid data; passes unknown types through', async () => {
    const open = await connect();
    const seen: ComfyMessage[] = [];
    open.on('message', (message) => seen.push(message));
    const { run } = getRun('0.3.64-cuda-previews', 'cold');
    const frames = run.messages.slice(0, 30);
    fake.play(frames, frames[0]?.t ?? 0, { timeScale: 0.01 });
    const binary = frames.filter((frame) => 'binary' in frame).length;
    expect(binary).toBeGreaterThan(3);
    await waitFor(() => open.binaryFrames === binary);
    fake.send(Buffer.from([0, 0, 0, 1, 0, 0, 0, 2, 0x7b])); // a preview whose bytes happen to start like JSON
    fake.send('not json');
    fake.send(JSON.stringify({ type: 'progress', data: { value: 'one' } }));
    fake.send(JSON.stringify({ type: 'crystools.monitor', data: { gpu: 1 } }));
    await waitFor(() => seen.some((message) => message.type === 'crystools.monitor'));
    expect(open.binaryFrames).toBe(binary + 1);
    expect(open.invalidFrames).toBe(2);
    expect(seen.filter((message) => message.type === 'progress')).toHaveLength(
      frames.filter((frame) => 'msg' in frame && frame.msg.type === 'progress').length,
    );
    expect(seen.at(-1)).toEqual({ type: 'crystools.monitor', data: { gpu: 1 }, known: false });
    expect(open.lastFrameAt).toBeLessThanOrEqual(getClientTime());
  });

  it('reports a close to onClose, also to handlers added after it', async () => {
    const open = await connect();
    const closes: SocketCloseInfo[] = [];
    open.onClose((info) => closes.push(info));
    for (const server of fake.sockets) server.close(1011, 'bye');
    await waitFor(() => closes.length === 1);
    expect(closes[0]).toMatchObject({ code: 1011, reason: 'bye' });
    expect(open.isOpen).toBe(false);
    const late = await new Promise<SocketCloseInfo>((resolve) => open.onClose(resolve));
    expect(late.code).toBe(1011);
  });

  it('rejects with ComfyUnreachableError when nothing listens', async () => {
    const url = fake.baseUrl;
    await fake.close();
    await expect(connectComfySocket(url, 'c', { connectTimeoutMs: 1000 })).rejects.toThrow(
      new ComfyUnreachableError({ url: getSocketUrl(url, 'c'), reason: 'connection refused' }),
    );
  });

  it('rejects with ComfyHttpError when the upgrade is refused', async () => {
    const error = await connectComfySocket(`${fake.baseUrl}/elsewhere`, 'c', { connectTimeoutMs: 1000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ComfyHttpError);
    expect((error as ComfyHttpError).status).toBe(400);
    expect((error as ComfyHttpError).message).toBe(`GET ${getSocketUrl(`${fake.baseUrl}/elsewhere`, 'c')} answered 400: WebSocket upgrade refused`);
  });
});

describe('connectComfySocket size caps', () => {
  it('drops a text frame over the text cap without parsing it, counting it as invalid', async () => {
    socket = await connectComfySocket(fake.baseUrl, 'client-1', { connectTimeoutMs: 1000, maxTextBytes: 100 });
    const open = socket;
    await waitFor(() => open.getRecentMessages().length === 1);
    fake.send(JSON.stringify({ type: 'crystools.monitor', data: { pad: 'x'.repeat(200) } }));
    fake.send(JSON.stringify({ type: 'crystools.monitor', data: { small: true } }));
    await waitFor(() => open.getRecentMessages().length === 2);
    expect(open.invalidFrames).toBe(1);
    expect(open.getRecentMessages()[1]?.message).toEqual({ type: 'crystools.monitor', data: { small: true }, known: false });
  });

  it('closes with 1009 on a frame over the frame cap (binary previews included)', async () => {
    socket = await connectComfySocket(fake.baseUrl, 'client-1', { connectTimeoutMs: 1000, maxFrameBytes: 1000 });
    const closed = new Promise<SocketCloseInfo>((resolve) => socket?.onClose(resolve));
    fake.send(Buffer.alloc(2000));
    expect((await closed).code).toBe(1009);
  });

  it('takes the recorded preview frames (126 KB) and text frames under the default caps', async () => {
    const open = await connect();
    const { run } = getRun('0.3.64-cuda-previews', 'cold');
    fake.play(run.messages, run.messages[0]?.t ?? 0, { timeScale: 0.01 });
    const binary = run.messages.filter((frame) => 'binary' in frame).length;
    await waitFor(() => open.binaryFrames === binary, 5000);
    expect([open.isOpen, open.invalidFrames]).toEqual([true, 0]);
  });
});

describe('connectComfySocket against a server that never answers', () => {
  let silent: Server | undefined;
  const held: Socket[] = [];
  afterEach(async () => {
    for (const connection of held.splice(0)) connection.destroy();
    await new Promise((resolve) => silent?.close(resolve));
  });

  it('does not follow a redirected upgrade: fails with its status and target', async () => {
    silent = createServer((connection) => {
      held.push(connection);
      connection.once('data', () => connection.end('HTTP/1.1 302 Found\r\nLocation: http://example.com/login\r\nContent-Length: 0\r\n\r\n'));
    });
    await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const error = await connectComfySocket(`http://127.0.0.1:${port}`, 'c', { connectTimeoutMs: 1000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ComfyRedirectError);
    expect((error as Error).message).toBe(
      `GET ws://127.0.0.1:${port}/ws?clientId=c answered 302 → http://example.com/login (the gate does not follow redirects)`,
    );
  });

  it('rejects after connectTimeoutMs, naming what it waited for', async () => {
    silent = createServer((connection) => held.push(connection));
    await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const started = performance.now();
    await expect(connectComfySocket(`http://127.0.0.1:${port}`, 'c', { connectTimeoutMs: 200 })).rejects.toThrow(
      `ComfyUI did not answer at ws://127.0.0.1:${port}/ws?clientId=c: WebSocket did not open within 200 ms`,
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
