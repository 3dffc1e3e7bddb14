import { expect, test } from 'vitest';
import { createComfyHttp } from '../src/comfyui/http-client.ts';
import { getConfig, getGate, OBJECT_INFO_TIMEOUT_MS, recordMeasurements, skipIfConfigured, skipIfBootFailed } from '../src/checks/spec-support.ts';
import { TRUTH_TITLES } from '../src/truths/truth-titles.ts';
import { findCustomNodes, getFoundLocations } from '../src/install/find-custom-nodes.ts';
import { getMissingNodeClasses } from '../src/install/get-missing-node-classes.ts';
import { getServerArgv } from '../src/install/get-server-argv.ts';
import { readModelSearchPaths } from '../src/install/read-model-search-paths.ts';
import { getModelRequirements } from '../src/checks/openpose-models.ts';

test(TRUTH_TITLES['custom-nodes-loaded'], async (context) => {
  skipIfConfigured(context, 'infra-05');
  skipIfBootFailed(context);
  const config = getConfig();
  const http = createComfyHttp(getGate().url, { requestTimeoutMs: OBJECT_INFO_TIMEOUT_MS });
  // Where ComfyUI looks: its folder, --base-directory (ComfyUI Desktop) and the extra_model_paths YAML files.
  const searchPaths = await readModelSearchPaths(config.install.comfyuiDir, await getServerArgv(config.server, () => http.getSystemStats()));
  const files = await findCustomNodes(searchPaths.comfyDir, { models: getModelRequirements(config.install.openposeModels), searchPaths });
  const loaded = await http.getObjectInfoClasses();
  const missingClasses = getMissingNodeClasses(loaded);
  const missing = [...files.missing, ...missingClasses.map((name) => `node class ${name} not loaded by the server`)];
  const locations = getFoundLocations(files);
  recordMeasurements(context, 'custom-nodes-loaded', { found: locations.map((location) => location.name), missing, locations });
  for (const { name, path, source } of locations) context.annotate(`${name}: ${path} (${source})`);
  const hints = [
    ...files.findings.map((finding) => finding.hint),
    ...(missingClasses.length > 0 ? ['restart ComfyUI and read its log for IMPORT FAILED lines of comfyui_controlnet_aux'] : []),
  ];
  if (hints.length > 0) context.task.meta.hint = hints.filter((hint) => hint !== '').join('; ');
  const problems = [
    ...files.findings.map((finding) => finding.message),
    ...missingClasses.map((name) => `the server has not loaded the node class ${name} (see /object_info)`),
  ];
  expect(problems, problems.join('; ')).toEqual([]);
});
