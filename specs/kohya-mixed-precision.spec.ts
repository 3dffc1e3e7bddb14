import { expect, test } from 'vitest';
import { getConfig, recordMeasurements, skipIfConfigured } from '../src/checks/spec-support.ts';
import { TRUTH_TITLES } from '../src/truths/truth-titles.ts';
import { readKohyaSetup } from '../src/install/read-kohya-setup.ts';

test(TRUTH_TITLES['kohya-mixed-precision'], async (context) => {
  skipIfConfigured(context, 'infra-03');
  const { install } = getConfig();
  const check = await readKohyaSetup({ kohyaDir: install.kohyaDir, configPath: install.accelerateConfig });
  recordMeasurements(context, 'kohya-mixed-precision', {
    configPath: check.configPath,
    ...(check.mixedPrecision === undefined ? {} : { mixedPrecision: check.mixedPrecision.rawText }),
    ...(check.pythonVersion === undefined ? {} : { pythonVersion: check.pythonVersion }),
  });
  const hints = check.findings.map((finding) => finding.hint).filter((hint) => hint !== '');
  if (hints.length > 0) context.task.meta.hint = hints.join('; ');
  expect(
    check.findings.map((finding) => finding.message),
    check.findings.map((finding) => finding.message).join('; '),
  ).toEqual([]);
});
