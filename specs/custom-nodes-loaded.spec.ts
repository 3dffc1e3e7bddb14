import { expect, test } from 'vitest';
import { createComfyHttp } from '../src/comfyui/http-client';
import { getConfig, getGate, recordMeasurements, skipIfConfigured } from '../src/checks/spec-support';
import { TRUTH_TITLES } from '../src/truths/truth-titles';
import { findCustomNodes } from '../src/install/find-custom-nodes';
import { getMissingNodeClasses } from '../src/install/get-missing-node-classes';
import { getModelRequirements } from '../src/checks/openpose-models';

test(TRUTH_TITLES['custom-nodes-loaded'], async (context) => {
  skipIfConfigured(context, 'infra-05');
  const config = getConfig();
  const files = await findCustomNodes(config.install.comfyuiDir, { models: getModelRequirements(config.install.openposeModels) });
  const loaded = await createComfyHttp(getGate().url, { requestTimeoutMs: 30_000 }).getObjectInfoClasses();
  const missingClasses = getMissingNodeClasses(loaded);
  const missing = [...files.missing, ...missingClasses.map((name) => `node class ${name} not loaded by the server`)];
  const found = [
    ...files.nodePacks.filter((pack) => pack.state === 'installed').map((pack) => pack.name),
    ...files.models.filter((model) => model.path !== undefined).map((model) => model.label),
  ];
  recordMeasurements(context, 'custom-nodes-loaded', { found, missing });
  const hints = [...files.findings.map((finding) => finding.hint), ...(missingClasses.length > 0 ? ['restart ComfyUI and read its log for IMPORT FAILED lines of comfyui_controlnet_aux'] : [])];
  if (hints.length > 0) context.task.meta.hint = hints.filter((hint) => hint !== '').join('; ');
  const problems = [...files.findings.map((finding) => finding.message), ...missingClasses.map((name) => `the server has not loaded the node class ${name} (see /object_info)`)];
  expect(problems, problems.join('; ')).toEqual([]);
});
