import { expect, test } from 'vitest';
import { runBenchmark } from '../src/benchmark/run-benchmark.ts';
import { getConfig, getGate, recordMeasurements, skipIfBootFailed } from '../src/checks/spec-support.ts';
import { TRUTH_TITLES } from '../src/truths/truth-titles.ts';
import { describeBreakdown } from '../src/benchmark/describe-breakdown.ts';
import { describeRegression, findRegressionNow } from '../src/report/history.ts';
import { createProgressLine } from '../src/terminal/progress-line.ts';
import { attachGenerationEvidence } from '../src/checks/evidence.ts';
import { getOverBudgetHint } from '../src/benchmark/failure-hints.ts';

test(TRUTH_TITLES['generation-under-budget'], async (context) => {
  skipIfBootFailed(context);
  const config = getConfig();
  const gate = getGate();
  const budgetS = config.budgetMs / 1000;
  const result = await runBenchmark(config, gate, (measurements) => recordMeasurements(context, 'generation-under-budget', measurements));
  await context.annotate(`elapsed ${result.elapsedS.toFixed(2)} s (budget ${budgetS} s)`);
  if (result.stepsPerSecond !== undefined) await context.annotate(`${result.stepsPerSecond.toFixed(2)} steps/s`);
  if (result.requeued !== undefined)
    await context.annotate(`${result.requeued.reason}; counted the run with the fresh seed ${result.requeued.seed}`, 'warning');
  if (result.suspect !== undefined) await context.annotate(`suspect timing: ${result.suspect}`, 'warning');
  // A regression is news, not a failure: the budget is the verdict.
  const speed = result.stepsPerSecond === undefined ? {} : { stepsPerSecond: result.stepsPerSecond };
  const regression = await findRegressionNow(gate.reportDir, {
    runId: gate.runId,
    simulated: config.simulated,
    benchmark: { ...config.benchmark, workflow: result.workflow },
    ...speed,
  });
  if (regression !== undefined) {
    await context.annotate(describeRegression(regression), 'warning');
    createProgressLine().done(describeRegression(regression));
  }
  await attachGenerationEvidence(context);
  if (result.elapsedS >= budgetS) context.task.meta.hint = getOverBudgetHint(result.nodes, result.elapsedS, budgetS);
  expect(result.elapsedS, `took ${result.elapsedS.toFixed(2)} s, over the ${budgetS} s budget\n${describeBreakdown(result.nodes)}`).toBeLessThan(budgetS);
});
