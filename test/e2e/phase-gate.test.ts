import { cpSync, existsSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './temp-dirs.ts';
import { describe, expect, test } from 'vitest';
import { FAKE_COMFYUI_DIR, FAKE_KOHYA_DIR, REPO_ROOT } from '../../fixtures/fake-env.ts';
import { type GateRun, runGate, verdictLine } from './run-gate.ts';

/** A private copy of the fake ComfyUI folder that a test may break. */
function copyFakeComfyui(): string {
  const dir = join(makeTempDir('gate-comfyui'), 'ComfyUI');
  cpSync(FAKE_COMFYUI_DIR, dir, { recursive: true });
  return dir;
}

const CHECKPOINT = 'anything-v5-PrtRE.safetensors';

interface BrokenInstall {
  readonly run: GateRun;
  readonly checkpoint: string;
  readonly accelerateConfig: string;
}

let brokenInstall: Promise<BrokenInstall> | undefined;

/**
 * One run of the three install truths against an install broken three ways at once (a truncated
 * checkpoint, mixed_precision fp16, no ControlNet-Aux): each truth reads only its own part of the
 * install, so one run answers all three tests below, which each check their own verdict.
 */
function getBrokenInstallRun(): Promise<BrokenInstall> {
  brokenInstall ??= (async () => {
    const dir = copyFakeComfyui();
    const checkpoint = join(dir, 'models', 'checkpoints', CHECKPOINT);
    truncateSync(checkpoint, 200);
    rmSync(join(dir, 'custom_nodes', 'comfyui_controlnet_aux'), { recursive: true });
    const accelerateConfig = join(makeTempDir('gate-accelerate'), 'default_config.yaml');
    const original = readFileSync(join(FAKE_KOHYA_DIR, 'accelerate', 'default_config.yaml'), 'utf8');
    writeFileSync(accelerateConfig, original.replace("mixed_precision: 'no'", 'mixed_precision: fp16'));
    const run = await runGate({
      env: { COMFYUI_DIR: dir, FAKE_COMFYUI_HOME: REPO_ROOT, ACCELERATE_CONFIG: accelerateConfig },
      args: ['specs/checkpoint-installed', 'specs/kohya-mixed-precision', 'specs/custom-nodes-loaded'],
    });
    return { run, checkpoint, accelerateConfig };
  })();
  return brokenInstall;
}

// The plan's other roadmap criteria (INFRA-02, 03, 05), the summary and the history.
describe.concurrent('the whole phase gate', () => {
  test('a truncated checkpoint fails INFRA-02 as truncated, before any generation is tried', async () => {
    const { run, checkpoint } = await getBrokenInstallRun();
    expect(run.exitCode).toBe(1);
    expect(verdictLine(run.markdown, 'INFRA-02')).toContain(`${checkpoint} is truncated: the file is 200 bytes but its header says`);
  });

  test('mixed_precision other than no fails INFRA-03, naming the file, the key and the value', async () => {
    const { run, accelerateConfig } = await getBrokenInstallRun();
    expect(run.exitCode).toBe(1);
    const line = verdictLine(run.markdown, 'INFRA-03');
    expect(line).toContain(accelerateConfig);
    expect(line).toContain('mixed_precision');
    expect(line).toContain('fp16');
  });

  test('a missing ControlNet-Aux fails INFRA-05 and says exactly what is missing', async () => {
    const { run } = await getBrokenInstallRun();
    expect(run.exitCode).toBe(1);
    const line = verdictLine(run.markdown, 'INFRA-05');
    expect(line).toContain('comfyui_controlnet_aux');
    expect(line).toContain('OpenposePreprocessor');
    expect(run.report?.install.customNodes?.found).toEqual(['ComfyUI-Manager', 'ControlNet OpenPose model']);
  });

  test('a criterion switched off says SKIPPED (by configuration), never PASS, and does not block the gate', async () => {
    const run = await runGate({ env: { GATE_SKIP: 'infra-03,infra-05' } });
    expect(run.exitCode).toBe(0);
    expect(verdictLine(run.markdown, 'INFRA-03')).toMatch(/SKIPPED \(by configuration\) \(SIMULATED\)/);
    expect(verdictLine(run.markdown, 'INFRA-05')).toMatch(/SKIPPED \(by configuration\) \(SIMULATED\)/);
    expect(verdictLine(run.markdown, 'Phase 5 gate')).toMatch(/^- Phase 5 gate: PASS \(SIMULATED\)/);
    expect(run.junit).toMatch(/<testsuites name="comfyui-gate" tests="7" failures="0" errors="0"/);
  });

  test('every run writes the plan summary and a history line; from the third run on the report compares and draws a trend', async () => {
    const reportDir = makeTempDir('gate-history');
    const args = ['specs/generation-under-budget'];
    await runGate({ reportDir, args });
    await runGate({ reportDir, args });
    const third = await runGate({ reportDir, args });
    expect(third.exitCode).toBe(0);
    const summary = readFileSync(join(reportDir, '05-04-SUMMARY.md'), 'utf8');
    expect(summary).toMatch(/^---\nphase: 05-environment-validation\nplan: 04\nstatus: simulated\n/);
    const history = readFileSync(join(reportDir, 'history.jsonl'), 'utf8').trim().split('\n');
    expect(history).toHaveLength(3);
    expect(third.report?.history.previous?.runId).toBe((JSON.parse(history[1] ?? '{}') as { runId: string }).runId);
    expect(third.report?.history.trend).toHaveLength(3);
    expect(third.markdown).toMatch(/Previous run \(.*\): \d+\.\d\d s — this run is \d+\.\d % (faster|slower)/);
    expect(existsSync(join(reportDir, 'trend.svg'))).toBe(true);
    expect(third.markdown).toContain('](trend.svg)');
  });
});
