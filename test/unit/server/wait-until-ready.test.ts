import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { getFreePort } from '../../../fixtures/fake-env.ts';
import { READY_POLL_DELAYS_MS, waitUntilReady } from '../../../src/server/wait-until-ready.ts';
import { answerLikeComfyui, closeServers, startHttpServer, SYSTEM_STATS } from './local-servers.ts';

afterEach(async () => {
  await closeServers();
});

describe('waitUntilReady', () => {
  it('polls with backoff until ComfyUI starts answering, and counts the polls', async () => {
    const port = await getFreePort();
    const misses: string[] = [];
    const startedAt = performance.now();
    // The server comes up while the gate waits after its second refused poll (~100 ms in), so
    // the third poll, ~250 ms later, is the first one answered.
    const ready = await waitUntilReady({
      url: `http://127.0.0.1:${port}`,
      signal: new AbortController().signal,
      onMiss: (problem) => {
        misses.push(problem);
        if (misses.length === 2) void startHttpServer(port, answerLikeComfyui);
      },
    });
    expect(ready).toEqual({ body: SYSTEM_STATS, polls: 3 });
    expect(misses).toEqual(['connection refused', 'connection refused']);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(READY_POLL_DELAYS_MS[0] + READY_POLL_DELAYS_MS[1] - 10);
  });

  it("keeps polling past answers that are not ComfyUI's, and says what they were", async () => {
    const port = await getFreePort();
    let requests = 0;
    await startHttpServer(port, (request, response) => {
      requests += 1;
      if (requests === 1) response.writeHead(503).end('loading models');
      else if (requests === 2) response.writeHead(200).end('{"status":"starting"}');
      else answerLikeComfyui(request, response);
    });
    const misses: string[] = [];
    const ready = await waitUntilReady({ url: `http://127.0.0.1:${port}`, signal: new AbortController().signal, onMiss: (problem) => misses.push(problem) });
    expect(ready.polls).toBe(3);
    expect(misses).toEqual(['HTTP 503: loading models', 'JSON without "devices": {"status":"starting"}']);
  });

  it('stops at once with the abort reason when the signal aborts', async () => {
    const port = await getFreePort();
    const controller = new AbortController();
    const deadline = new Error('deadline passed');
    let misses = 0;
    const startedAt = performance.now();
    const waiting = waitUntilReady({
      url: `http://127.0.0.1:${port}`,
      signal: controller.signal,
      onMiss: () => {
        misses += 1;
        // Abort during the first pause: the pause must end early and no second poll may go out.
        if (misses === 1) setImmediate(() => controller.abort(deadline));
      },
    });
    await expect(waiting).rejects.toBe(deadline);
    expect(misses).toBe(1);
    expect(performance.now() - startedAt).toBeLessThan(READY_POLL_DELAYS_MS[0]);
  });

  it('cuts a pause short once the log says the server listens', async () => {
    const port = await getFreePort();
    const url = `http://127.0.0.1:${port}`;
    // The third miss is followed by a 500 ms pause; the server comes up right after it.
    const measure = async (nudge: boolean) => {
      let announce: () => void = () => undefined;
      const listening = new Promise<void>((resolve) => (announce = resolve));
      let misses = 0;
      let upAt = 0;
      const ready = await waitUntilReady({
        url,
        signal: new AbortController().signal,
        ...(nudge ? { listening } : {}),
        onMiss: () => {
          misses += 1;
          if (misses !== 3) return;
          void startHttpServer(port, answerLikeComfyui).then(() => {
            upAt = performance.now();
            announce();
          });
        },
      });
      const noticedAfterMs = performance.now() - upAt;
      await closeServers();
      return { polls: ready.polls, noticedAfterMs };
    };

    const withNudge = await measure(true);
    expect(withNudge.polls).toBe(4);
    expect(withNudge.noticedAfterMs).toBeLessThan(600);

    const withoutNudge = await measure(false);
    expect(withoutNudge.polls).toBe(4);
    expect(withoutNudge.noticedAfterMs).toBeGreaterThan(READY_POLL_DELAYS_MS[2] - 100);
  });
});
