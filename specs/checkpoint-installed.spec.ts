import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createProgressLine } from '../src/terminal/progress-line.ts';
import { getConfig, getGate, recordMeasurements, skipIfConfigured, SYSTEM_STATS_TIMEOUT_MS, skipIfBootFailed } from '../src/checks/spec-support.ts';
import { TRUTH_TITLES } from '../src/truths/truth-titles.ts';
import { getFileSha256 } from '../src/install/hash-file.ts';
import { readSafetensorsHeader } from '../src/install/read-safetensors-header.ts';
import { createComfyHttp } from '../src/comfyui/http-client.ts';
import { getServerArgv } from '../src/install/get-server-argv.ts';
import { readModelSearchPaths } from '../src/install/read-model-search-paths.ts';
import { findCheckpoint } from '../src/install/find-checkpoint.ts';

test(TRUTH_TITLES['checkpoint-installed'], async (context) => {
  skipIfConfigured(context, 'infra-02');
  skipIfBootFailed(context);
  const config = getConfig();
  const name = config.benchmark.checkpoint;
  const http = createComfyHttp(getGate().url, { requestTimeoutMs: SYSTEM_STATS_TIMEOUT_MS });
  // Where ComfyUI looks: its folder, --base-directory (ComfyUI Desktop) and the extra_model_paths YAML files.
  const searchPaths = await readModelSearchPaths(config.install.comfyuiDir, await getServerArgv(config.server, () => http.getSystemStats()));
  const { path, source } = await findCheckpoint(searchPaths, name);
  const header = await readSafetensorsHeader(path);
  const progress = createProgressLine();
  const hash = await getFileSha256(path, {
    cacheFile: join(getGate().reportDir, 'sha256-cache.json'),
    onProgress: ({ bytesDone, totalBytes }) => progress.update(`SHA-256 of ${name}: ${Math.round((100 * bytesDone) / totalBytes)} %`),
  });
  if (!hash.cached) progress.done(`SHA-256 of ${name}: ${hash.sha256}`);
  recordMeasurements(context, 'checkpoint-installed', { path, source, sizeBytes: header.fileBytes, sha256: hash.sha256, tensorCount: header.tensorCount });
  context.annotate(`${name}: found in ${path} (${source}); ${header.fileBytes} bytes, ${header.tensorCount} tensors, sha256 ${hash.sha256}`);

  const listed = await http.getCheckpoints();
  expect(
    listed,
    `ComfyUI does not list ${name} in /models/checkpoints (it lists: ${listed.join(', ') || 'nothing'}); restart ComfyUI after adding the file`,
  ).toContain(name);
});
