import type { BenchmarkReport, RunBreakdown, RunFigures, WarmSummary } from '../truths/benchmark-report.ts';
import { formatFixed, formatSeconds, isFiniteNumber, notAvailable, oneLine } from './format.ts';
import { describeRegression } from './history.ts';
import { getMissingReason } from './render-context.ts';
import type { RenderContext } from './render-context.ts';

type Benchmark = BenchmarkReport['benchmark'];

/** `## Runs`: which workflow ran, what ComfyUI executed or took from its cache, every generation (cold and warm), and a regression against history. */
export function renderRunSections(context: RenderContext): string[] {
  const { benchmark, history } = context.report;
  // Reports made before these figures existed (or with nothing measured) keep their shape.
  if (benchmark.workflow === undefined && benchmark.runs === undefined && history.regression === undefined) return [];
  const notRun = getMissingReason(context, 'generation-under-budget', 'the generation did not record this');
  const lines = [
    describeWorkflow(benchmark),
    ...describeCounted(benchmark, notRun),
    ...(benchmark.breakdown === undefined ? [] : [`- Breakdown (cold run): ${describeBreakdownLine(benchmark.breakdown)}`]),
    ...renderRunTable(benchmark.runs ?? []),
    ...describeWarm(benchmark),
    history.regression === undefined
      ? `- Regression: none (${describeRegressionRule()})`
      : `- **Regression:** ${oneLine(describeRegression(history.regression), 600)}`,
  ];
  return [['## Runs', '', ...lines].join('\n')];
}

function describeWorkflow({ workflow }: Benchmark): string {
  if (workflow === undefined) return `- Workflow: ${notAvailable('not recorded')}`;
  const source = workflow.source === 'plan' ? "the plan's workflow" : 'GATE_WORKFLOW';
  const sampler =
    workflow.samplerNode === undefined
      ? 'steps and steps/s: n/a (the workflow has no KSampler or KSamplerAdvanced node)'
      : `steps and steps/s from node ${oneLine(workflow.samplerNode.id, 40)} (${oneLine(workflow.samplerNode.classType, 100)})${isFiniteNumber(workflow.steps) ? `, ${workflow.steps} steps` : ''}`;
  const line = `- Workflow: ${source}, ${oneLine(workflow.path, 400)} (sha256 ${workflow.sha256}); ${sampler}`;
  if (workflow.source === 'plan') return line;
  // The Parameters above are the GATE_ settings; a GATE_WORKFLOW run has its own, read off its nodes.
  const own = [
    workflow.checkpoint === undefined ? undefined : `checkpoint ${oneLine(workflow.checkpoint, 200)}`,
    workflow.width === undefined || workflow.height === undefined ? undefined : `${workflow.width} x ${workflow.height}`,
    workflow.sampler === undefined ? undefined : `sampler ${oneLine(workflow.sampler, 100)}`,
  ].filter((part) => part !== undefined);
  return `${line}\n- The Parameters above are the gate's settings, which this workflow does not use; its own: ${own.length > 0 ? own.join(', ') : 'n/a (none found in its nodes)'}`;
}

function describeCounted(benchmark: Benchmark, notRun: string): string[] {
  const { nodesExecuted, nodesCached, requeued, suspect } = benchmark;
  const counts =
    nodesExecuted === undefined || nodesCached === undefined
      ? `- Nodes executed / cached: ${notAvailable(notRun)}`
      : `- Nodes executed: ${nodesExecuted}; answered from ComfyUI's cache: ${nodesCached}`;
  return [
    counts,
    ...(requeued === undefined ? [] : [`- Queued again: ${oneLine(requeued.reason, 400)}; the run counted is the one with the fresh seed ${requeued.seed}`]),
    ...(suspect === undefined ? [] : [`- **Suspect timing:** ${oneLine(suspect, 400)} (the figures are kept, flagged)`]),
  ];
}

function describeBreakdownLine(breakdown: RunBreakdown): string {
  const { modelLoadS, samplingS, decodeS, otherS } = breakdown;
  return `model load ${modelLoadS.toFixed(2)} s (checkpoint load, text encode), sampling ${samplingS.toFixed(2)} s, decode ${decodeS.toFixed(2)} s, other ${otherS.toFixed(2)} s`;
}

function renderRunTable(runs: readonly RunFigures[]): string[] {
  if (runs.length === 0) return [];
  const row = (run: RunFigures) =>
    [
      `${run.index}`,
      `${run.kind}${run.requeued === undefined ? '' : ' (queued again)'}${run.suspect === undefined ? '' : ' (suspect)'}`,
      `${run.seed}`,
      formatSeconds(run.elapsedS, 'not recorded'),
      formatSeconds(run.serverElapsedS, 'not recorded'),
      formatFixed(run.stepsPerSecond, 2, 'no sampler'),
      run.breakdown.modelLoadS.toFixed(2),
      run.breakdown.samplingS.toFixed(2),
      run.breakdown.decodeS.toFixed(2),
      `${run.nodesExecuted}`,
      `${run.nodesCached}`,
    ].join(' | ');
  return [
    '',
    '| Run | Kind | Seed | Elapsed (s) | Server (s) | Steps/s | Model load (s) | Sampling (s) | Decode (s) | Executed | Cached |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...runs.map((run) => `| ${row(run)} |`),
    '',
  ];
}

function describeWarm({ warm, warmSkipped, firstPromptDelay }: Benchmark): string[] {
  return [
    ...(warm === undefined ? [] : [describeWarmSummary(warm)]),
    ...(warmSkipped === undefined ? [] : [`- Warm runs: ${notAvailable(warmSkipped)}`]),
    ...(firstPromptDelay === undefined
      ? []
      : [
          `- First-prompt delivery delay: ${firstPromptDelay.delayMs} ms (client − server was ${firstPromptDelay.coldGapMs} ms on the cold run, ${firstPromptDelay.warmGapMs} ms warm): ComfyUI sends execution_success late on the first prompt after boot, and the cold elapsed time includes it`,
        ]),
  ];
}

function describeWarmSummary(warm: WarmSummary): string {
  const { median, min, max } = warm.elapsedS;
  const speed =
    warm.stepsPerSecond === undefined
      ? 'steps/s n/a (no sampler)'
      : `steps/s median ${warm.stepsPerSecond.median.toFixed(2)} (min ${warm.stepsPerSecond.min.toFixed(2)}, max ${warm.stepsPerSecond.max.toFixed(2)})`;
  return `- Warm runs (${warm.runs}): elapsed median ${median.toFixed(2)} s (min ${min.toFixed(2)}, max ${max.toFixed(2)}; spread ${warm.spreadPercent.toFixed(1)} %); ${speed}`;
}

function describeRegressionRule(): string {
  return 'steps/s is not more than 20 % below the best of the last ten comparable runs, or there is none to compare with';
}
