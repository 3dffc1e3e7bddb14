import { performance } from 'node:perf_hooks';
import { expect, test } from 'vitest';
import { createComfyHttp } from '../src/comfyui/http-client';
import { getGate, recordMeasurements } from '../src/checks/spec-support';
import { TRUTH_TITLES } from '../src/truths/truth-titles';

test(TRUTH_TITLES.reachable, async (context) => {
  const { url } = getGate();
  const http = createComfyHttp(url, { requestTimeoutMs: 10_000 });
  const started = performance.now();
  const systemStats = await http.getSystemStats();
  const responseMs = Math.round(performance.now() - started);
  recordMeasurements(context, 'reachable', { systemStats, responseMs });
  context.annotate(`GET ${url}/system_stats answered in ${responseMs} ms`);
  expect(systemStats.devices.length, 'devices reported by /system_stats').toBeGreaterThan(0);
});
