import { expect, test } from 'vitest';
import { runBenchmark } from '../src/gate/run-benchmark';
import { getConfig, getGate, recordMeasurements } from '../src/gate/spec-support';
import { TRUTH_TITLES } from '../src/gate/truth-titles';
import { describeBreakdown } from '../src/gate/describe-breakdown';

test(TRUTH_TITLES['generation-under-budget'], async (context) => {
  const config = getConfig();
  const budgetS = config.budgetMs / 1000;
  const result = await runBenchmark(config, getGate(), (measurements) => recordMeasurements(context, 'generation-under-budget', measurements));
  context.annotate(`elapsed ${result.elapsedS.toFixed(2)} s (budget ${budgetS} s)`);
  if (result.stepsPerSecond !== undefined) context.annotate(`${result.stepsPerSecond.toFixed(2)} steps/s`);
  expect(result.elapsedS, `took ${result.elapsedS.toFixed(2)} s, over the ${budgetS} s budget\n${describeBreakdown(result.nodes)}`).toBeLessThan(budgetS);
});
