import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../fixtures/fake-env.ts';
import { getMachineInfo } from '../../src/machine/machine-info.ts';
import type { HistoryEntry } from '../../src/truths/benchmark-report.ts';
import { startAttachedFake } from './attached-fake.ts';
import { runGate, verdictLine, type GateRun } from './run-gate.ts';
import { makeTempDir } from './temp-dirs.ts';

// What the benchmark measures beyond the plan's one run: warm runs, regressions against history,
// custom workflows, launch arguments, and a run ComfyUI answers from its cache.

const PLAN_WORKFLOW = JSON.parse(readFileSync(join(REPO_ROOT, 'src', 'benchmark', 'benchmark-workflow.json'), 'utf8')) as Record<
  string,
  { class_type: string; inputs: Record<string, unknown> }
>;
const GENERATION_ONLY = ['specs/generation-under-budget'];

/** The report's text with Markdown escapes taken out, to compare with plain sentences. */
function plain(markdown: string): string {
  return markdown.replace(/\\(.)/g, '$1');
}

function getReason(run: GateRun): string {
  return run.report?.truths.find((truth) => truth.id === 'generation-under-budget')?.reason ?? '(no reason)';
}

/** The plan's workflow with `change` applied, written where GATE_WORKFLOW can point. */
function writeWorkflow(name: string, change: (workflow: typeof PLAN_WORKFLOW) => void): { path: string; sha256: string } {
  const workflow = structuredClone(PLAN_WORKFLOW);
  change(workflow);
  const text = `${JSON.stringify(workflow, null, 2)}\n`;
  const path = join(makeTempDir('workflow'), name);
  writeFileSync(path, text);
  return { path, sha256: createHash('sha256').update(text).digest('hex') };
}

describe.concurrent('measurements beyond the first run', () => {
  test('GATE_RUNS=3: a cold and two warm runs, a regression against a faster history, and COMFYUI_ARGS as it ran', async () => {
    const reportDir = makeTempDir('warm');
    // A comparable earlier run, far faster than any the fake makes.
    const best: HistoryEntry = {
      runId: '2026-01-01T00-00-00-000Z',
      date: '2026-01-01T00:00:00.000Z',
      machine: (await getMachineInfo()).description,
      simulated: true,
      verdicts: { 'generation-under-budget': 'PASS' },
      phaseVerdict: 'PASS',
      elapsedS: 0.05,
      stepsPerSecond: 5000,
      checkpoint: 'anything-v5-PrtRE.safetensors',
      width: 512,
      height: 512,
      steps: 20,
      sampler: 'euler_ancestral',
    };
    writeFileSync(join(reportDir, 'history.jsonl'), `${JSON.stringify(best)}\n`);
    const args = `--preview-method none --output-directory "/tmp/gate e2e"`;
    const run = await runGate({ reportDir, env: { GATE_RUNS: '3', COMFYUI_ARGS: args }, args: ['specs/reachable', ...GENERATION_ONLY] });
    expect(run.exitCode).toBe(0);
    const benchmark = run.report?.benchmark;
    expect(benchmark?.runs?.map((figures) => figures.kind)).toEqual(['cold', 'warm', 'warm']);
    expect(benchmark?.runs?.[0]?.nodesCached).toBe(0);
    expect(benchmark?.runs?.slice(1).map((figures) => figures.nodesCached)).toEqual([4, 4]);
    expect(benchmark?.warm).toMatchObject({ runs: 2, elapsedS: { median: expect.any(Number) }, stepsPerSecond: { median: expect.any(Number) } });
    expect(benchmark).toMatchObject({ nodesExecuted: 7, nodesCached: 0, elapsedS: benchmark?.runs?.[0]?.elapsedS });
    expect(run.markdown).toMatch(/^\| 1 \| cold \| \d+ \| \d+\.\d\d \| \d+\.\d\d \| \d+\.\d\d \|/m);
    expect(run.markdown).toMatch(/^\| 3 \| warm \| \d+ \|/m);
    expect(plain(run.markdown)).toMatch(/^- Warm runs \(2\): elapsed median \d+\.\d\d s \(min \d+\.\d\d, max \d+\.\d\d; spread \d+\.\d %\); steps\/s median/m);
    expect(run.output).toMatch(/2 warm runs: median \d+\.\d\d s/);

    expect(run.report?.history.regression).toMatchObject({ bestStepsPerSecond: 5000, best: { runId: best.runId } });
    const regression = `steps/s regression: ${benchmark?.stepsPerSecond?.toFixed(2)} steps/s is `;
    expect(plain(run.markdown)).toContain(`- **Regression:** ${regression}`);
    expect(plain(run.markdown)).toContain('below 5000.00 steps/s, the best of the last 1 comparable runs (run 2026-01-01T00-00-00-000Z)');
    expect(run.output).toContain(regression);

    const flags = `--force-fp16 --preview-method none --output-directory '/tmp/gate e2e' --listen 127.0.0.1 --port ${run.port}`;
    expect(run.report?.comfyui.launchFlags).toBe(flags);
    expect(run.markdown).toContain(`**ComfyUI launch flags:** PYTORCH_ENABLE_MPS_FALLBACK=1 ${flags}`);
    const argv = (run.report?.systemStats as { system?: { argv?: string[] } } | undefined)?.system?.argv;
    expect(argv).toEqual([
      'main.py',
      '--force-fp16',
      '--preview-method',
      'none',
      '--output-directory',
      '/tmp/gate e2e',
      '--listen',
      '127.0.0.1',
      '--port',
      String(run.port),
    ]);
  });

  test('GATE_WORKFLOW: runs an exported API workflow, says which one, and times its sampler', async () => {
    const workflow = writeWorkflow('portrait_api.json', (graph) => {
      graph['6']!.inputs.text = 'a lighthouse at dusk, oil painting';
    });
    const run = await runGate({ env: { GATE_WORKFLOW: workflow.path }, args: GENERATION_ONLY });
    expect(run.exitCode).toBe(0);
    expect(run.report?.benchmark.workflow).toMatchObject({
      source: 'custom',
      path: workflow.path,
      sha256: workflow.sha256,
      samplerNode: { id: '3', classType: 'KSampler' },
      steps: 20,
    });
    expect(run.report?.benchmark.stepsPerSecond).toBeGreaterThan(0);
    expect(run.report?.benchmark.image).toMatchObject({ width: 512, height: 512 });
    expect(plain(run.markdown)).toContain(
      `- Workflow: GATE_WORKFLOW, ${workflow.path} (sha256 ${workflow.sha256}); steps and steps/s from node 3 (KSampler), 20 steps`,
    );
    expect(plain(run.markdown)).toContain(
      "- The Parameters above are the gate's settings, which this workflow does not use; its own: checkpoint anything-v5-PrtRE.safetensors, 512 x 512, sampler euler_ancestral",
    );
  });

  test('GATE_WORKFLOW: names a node class the server does not have, before queueing anything', async () => {
    const workflow = writeWorkflow('missing_class_api.json', (graph) => {
      graph['12'] = { class_type: 'NotARealNode', inputs: { image: ['8', 0] } };
    });
    const run = await runGate({ env: { GATE_WORKFLOW: workflow.path }, args: GENERATION_ONLY });
    expect(run.exitCode).toBe(1);
    expect(getReason(run)).toBe(
      'The workflow in GATE_WORKFLOW cannot run on this ComfyUI: node 12 uses node class "NotARealNode", which this server does not have',
    );
    expect(plain(verdictLine(run.markdown, 'INFRA-04 benchmark'))).toContain('node 12 uses node class "NotARealNode", which this server does not have');
  });

  test('GATE_WORKFLOW: names a model file the server does not have', async () => {
    const workflow = writeWorkflow('missing_model_api.json', (graph) => {
      graph['4']!.inputs.ckpt_name = 'missing-model.safetensors';
    });
    const run = await runGate({ env: { GATE_WORKFLOW: workflow.path }, args: GENERATION_ONLY });
    expect(run.exitCode).toBe(1);
    expect(getReason(run)).toBe(
      'The workflow in GATE_WORKFLOW cannot run on this ComfyUI: node 4 (CheckpointLoaderSimple) names ckpt_name "missing-model.safetensors", which is not installed (installed: anything-v5-PrtRE.safetensors)',
    );
  });

  test('GATE_WORKFLOW: a UI-format file stops the run at once and says how to export the API format', async () => {
    const path = join(makeTempDir('workflow'), 'workflow.json');
    writeFileSync(path, JSON.stringify({ last_node_id: 9, last_link_id: 9, nodes: [{ id: 3, type: 'KSampler' }], links: [], version: 0.4 }));
    const run = await runGate({ env: { GATE_WORKFLOW: path } });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain(
      `GATE_WORKFLOW="${path}" is a workflow in ComfyUI’s UI format (it has "nodes" and "links" arrays); the gate needs the API format, which it can queue`,
    );
    expect(run.output).toContain('Workflow → Export (API)');
    expect(plain(verdictLine(run.markdown, 'Phase 5 gate'))).toContain(`setup failed: GATE_WORKFLOW="${path}" is a workflow in ComfyUI’s UI format`);
  });

  test('a fixed GATE_SEED run twice on one server: the second is queued again with a fresh seed, never a cached PASS', async ({ onTestFinished }) => {
    const { url } = await startAttachedFake({ onTestFinished }, { env: { FAKE_COMFYUI_STEP_MS: '15', FAKE_COMFYUI_LOAD_MS: '20' } });
    const env = { COMFYUI_URL: url, GATE_SEED: '4242' };
    const first = await runGate({ env, args: GENERATION_ONLY });
    expect(first.exitCode).toBe(0);
    expect(first.report?.benchmark.requeued).toBe(undefined);

    const second = await runGate({ env, args: GENERATION_ONLY });
    expect(second.exitCode).toBe(0);
    const { requeued, runs, nodesExecuted, stepsPerSecond } = second.report?.benchmark ?? {};
    const reason = 'ComfyUI answered from its cache: the sampler (node 3 KSampler) did not run for seed 4242';
    expect(requeued).toEqual({ cachedSeed: 4242, seed: expect.any(Number), reason });
    expect(requeued?.seed).not.toBe(4242);
    expect(runs?.[0]).toMatchObject({ seed: requeued?.seed, nodesCached: 4 });
    expect(nodesExecuted).toBe(3);
    expect(stepsPerSecond).toBeGreaterThan(0);
    expect(second.output).toContain(`${reason}; queueing it again with the fresh seed ${requeued?.seed}`);
    expect(plain(second.markdown)).toContain(`- Queued again: ${reason}; the run counted is the one with the fresh seed ${requeued?.seed}`);
  });
});
