import { performance } from 'node:perf_hooks';
import { test } from 'vitest';
import { createComfyHttp } from '../src/comfyui/http-client.ts';
import { getGate, recordMeasurements, SYSTEM_STATS_TIMEOUT_MS } from '../src/checks/spec-support.ts';
import { waitForBoot } from '../src/checks/boot-wait.ts';
import { TRUTH_TITLES } from '../src/truths/truth-titles.ts';

test(TRUTH_TITLES.reachable, async (context) => {
  const { url, reportDir } = getGate();
  // In watch / UI mode ComfyUI is still booting when the specs start: this truth shows the wait.
  await waitForBoot(reportDir, { onProgress: (message) => context.annotate(message, 'boot') });
  const http = createComfyHttp(url, { requestTimeoutMs: SYSTEM_STATS_TIMEOUT_MS });
  const started = performance.now();
  const systemStats = await http.getSystemStats();
  const responseMs = Math.round(performance.now() - started);
  recordMeasurements(context, 'reachable', { systemStats, responseMs });
  // getSystemStats throws unless the answer is a 200 with the JSON ComfyUI sends (at least one device): that is this truth.
  await context.annotate(`GET ${url}/system_stats answered in ${responseMs} ms`);
});
