import { expect, test } from 'vitest';
import { runBenchmark } from '../src/benchmark/run-benchmark';
import { getConfig, getGate, recordMeasurements } from '../src/checks/spec-support';
import { TRUTH_TITLES } from '../src/truths/truth-titles';
import { describeBreakdown } from '../src/benchmark/describe-breakdown';

test(TRUTH_TITLES['generation-under-budget'], async (context) => {
  const config = getConfig();
  const budgetS = config.budgetMs / 1000;
  const result = await runBenchmark(config, getGate(), (measurements) => recordMeasurements(context, 'generation-under-budget', measurements));
  context.annotate(`elapsed ${result.elapsedS.toFixed(2)} s (budget ${budgetS} s)`);
  if (result.stepsPerSecond !== undefined) context.annotate(`${result.stepsPerSecond.toFixed(2)} steps/s`);
  expect(result.elapsedS, `took ${result.elapsedS.toFixed(2)} s, over the ${budgetS} s budget\n${describeBreakdown(result.nodes)}`).toBeLessThan(budgetS);
});
