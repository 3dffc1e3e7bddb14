import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createProgressLine } from '../src/terminal/progress-line';
import { getConfig, getGate, recordMeasurements, skipIfConfigured } from '../src/checks/spec-support';
import { TRUTH_TITLES } from '../src/truths/truth-titles';
import { getFileSha256 } from '../src/install/hash-file';
import { readSafetensorsHeader } from '../src/install/read-safetensors-header';
import { createComfyHttp } from '../src/comfyui/http-client';

test(TRUTH_TITLES['checkpoint-installed'], async (context) => {
  skipIfConfigured(context, 'infra-02');
  const config = getConfig();
  const path = join(config.install.comfyuiDir, 'models', 'checkpoints', config.benchmark.checkpoint);
  const header = await readSafetensorsHeader(path);
  const progress = createProgressLine();
  const hash = await getFileSha256(path, {
    cacheFile: join(getGate().reportDir, 'sha256-cache.json'),
    onProgress: ({ bytesDone, totalBytes }) => progress.update(`SHA-256 of ${config.benchmark.checkpoint}: ${Math.round((100 * bytesDone) / totalBytes)} %`),
  });
  if (!hash.cached) progress.done(`SHA-256 of ${config.benchmark.checkpoint}: ${hash.sha256}`);
  recordMeasurements(context, 'checkpoint-installed', { path, sizeBytes: header.fileBytes, sha256: hash.sha256, tensorCount: header.tensorCount });
  context.annotate(`${config.benchmark.checkpoint}: ${header.fileBytes} bytes, ${header.tensorCount} tensors, sha256 ${hash.sha256}`);

  const listed = await createComfyHttp(getGate().url, { requestTimeoutMs: 10_000 }).getCheckpoints();
  expect(listed, `ComfyUI does not list ${config.benchmark.checkpoint} in /models/checkpoints (it lists: ${listed.join(', ') || 'nothing'}); restart ComfyUI after adding the file`).toContain(config.benchmark.checkpoint);
});
