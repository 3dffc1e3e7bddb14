import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FAKE_COMFYUI_DIR, REPO_ROOT } from '../../fixtures/fake-env.ts';
import { startAttachedFake } from './attached-fake.ts';
import { makeTempDir } from './temp-dirs.ts';
import { runGate, verdictLine } from './run-gate.ts';

// The Diagnosis a person reads after a slow or failed run on a Mac, from causes measured around
// the generation (the fake sysctl and pmset answer as a Mac would).
// A calm Mac (no finding, the figures still shown) is checked on the shared healthy run in core-gate.test.ts.
describe('Diagnosis from measurements during the generation', () => {
  test('swap that grows and a CPU speed limit below 100 % are named with their figures, in the report, the terminal and JUnit', async () => {
    const run = await runGate({
      env: { FAKE_MAC_SWAP: '100:1024', FAKE_MAC_STATE_DIR: makeTempDir('gate-mac-state'), FAKE_MAC_THERMAL_LIMIT: '70' },
      args: ['specs/reachable', 'specs/device', 'specs/generation-under-budget'],
    });
    expect(run.exitCode).toBe(0);
    const diagnosis = run.markdown.slice(run.markdown.indexOf('## Diagnosis'));
    expect(diagnosis).toMatch(/^- \*\*SLOWS\*\* `swap-growth` .*swap in use grew by 1024 MiB \(from 100 MiB to 1124 MiB\)/m);
    expect(diagnosis).toMatch(/^- \*\*SLOWS\*\* `thermal-throttling` .*CPU speed limit of 70 %/m);
    expect(diagnosis).toMatch(/^Measured during the generation: swap in use 100 → 1124 MiB; CPU speed limit 70 %; ComfyUI's peak memory \d+ MiB$/m);
    expect(run.output).toMatch(/^\[comfyui-gate\] {3}SLOWS swap-growth: /m);
    expect(run.junit).toContain('<property name="diagnosis" value="slows:swap-growth slows:thermal-throttling"/>');
    expect(run.report?.benchmark.pressure).toMatchObject({ swapBeforeMiB: 100, swapAfterMiB: 1124, speedLimitPercent: 70 });
  });
});

const MAC_LOGS = join(REPO_ROOT, 'fixtures', 'mac-logs');
const SHORT_RUN = ['specs/reachable', 'specs/device', 'specs/generation-under-budget'];
const CHECKPOINT = 'anything-v5-PrtRE.safetensors';
const OOM_MESSAGE =
  'MPS backend out of memory (MPS allocated: 8.72 GB, other allocations: 110.16 MB, max allowed: 9.07 GB). Tried to allocate 405.00 MB on private pool. ' +
  'Use PYTORCH_MPS_HIGH_WATERMARK_RATIO=0.0 to disable upper limit for memory allocations (may cause system failure).';
const OOM_CAUSE = 'An allocation of 405.00 MB did not fit: MPS already held 8.72 GB (plus 110.16 MB other allocations) of the 9.07 GB it may use.';
const FALLBACK_WARNING =
  "UserWarning: The operator 'aten::im2col' is not currently supported on the MPS backend and will fall back to run on the CPU. " +
  'This may have performance implications. (Triggered internally at /Users/runner/work/pytorch/pytorch/pytorch/aten/src/ATen/mps/MPSFallback.mm:13.)';

/** The report from its `## Diagnosis` heading to the next section. */
function getDiagnosisSection(markdown: string): string {
  const start = markdown.indexOf('## Diagnosis');
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

/** The JUnit <testcase> of one truth, by the start of its name. */
function getTestcase(junit: string, name: string): string {
  const start = junit.indexOf(`<testcase classname="comfyui-gate.${name}"`);
  return start === -1 ? `(no testcase ${name})` : junit.slice(start, junit.indexOf('</testcase>', start));
}

// The Diagnosis from ComfyUI's own log, end to end: the fake replays real Mac logs
// (fixtures/mac-logs, FAKE_COMFYUI_LOG_REPLAY) as its own, and the gate reads them where it reads a
// real install's: reports/comfyui.log when it boots ComfyUI, GET /internal/logs when it attaches.
describe('Diagnosis from real Mac logs replayed by the fake', () => {
  test('an MPS out-of-memory error fails INFRA-04, and the Diagnosis gives its figures in the report, the terminal and JUnit', async () => {
    const run = await runGate({
      env: {
        FAKE_COMFYUI_LOG_REPLAY: join(MAC_LOGS, 'desktop-ksampler-mps-oom-9GB-limit-error-report.txt'),
        FAKE_COMFYUI_LOG_REPLAY_AT: 'run',
        FAKE_COMFYUI_FAULT: 'execution-error',
      },
      args: SHORT_RUN,
    });
    expect(run.exitCode).toBe(1);
    expect(verdictLine(run.markdown, 'INFRA-04 benchmark')).toMatch(
      /^- INFRA-04 benchmark \(< \d+ seconds\): FAIL \(SIMULATED\) — ComfyUI failed while running node 3 \(KSampler\): RuntimeError: MPS backend out of memory \(MPS allocated: 8\.72 GB, /,
    );
    const diagnosis = getDiagnosisSection(run.markdown);
    expect(diagnosis).toMatch(new RegExp(`^From the ComfyUI log ${join(run.reportDir, 'comfyui.log')}, \\d+ lines:$`, 'm'));
    expect(diagnosis).toContain(`\n- **BLOCKS** \`mps-out-of-memory\` MPS ran out of memory: ${OOM_CAUSE}\n`);
    // Evidence: the replayed error report's line, and the exception block ComfyUI logs for the failed node.
    expect(diagnosis).toMatch(/^ {2}- Line \d+: - \\\*\\\*Exception Message:\\\*\\\* MPS backend out of memory \(MPS allocated: 8\.72 GB/m);
    expect(diagnosis).toMatch(/^ {2}- Line \d+: !!! Exception during processing !!! MPS backend out of memory \(MPS allocated: 8\.72 GB/m);
    expect(run.report?.diagnosis?.findings[0]).toMatchObject({
      id: 'mps-out-of-memory',
      severity: 'blocks',
      figures: { allocated: '8.72 GB', other: '110.16 MB', maxAllowed: '9.07 GB', requested: '405.00 MB' },
    });
    expect(run.output).toContain(`\n[comfyui-gate]   BLOCKS mps-out-of-memory: MPS ran out of memory — ${OOM_CAUSE}\n`);
    expect(run.output).toMatch(/^\[comfyui-gate\] {5}log line \d+: !!! Exception during processing !!! MPS backend out of memory /m);
    expect(run.junit).toContain('<property name="diagnosis" value="blocks:mps-out-of-memory"/>');
    const failure = getTestcase(run.junit, 'generation-under-budget');
    expect(failure).toContain(`RuntimeError: ${OOM_MESSAGE}`);
    expect(failure).toContain(`\nDiagnosis:\n- BLOCKS mps-out-of-memory: MPS ran out of memory — ${OOM_CAUSE}\n  fix: Lower the resolution, batch size`);
  });

  test('running on the CPU fails the device truth, and the GPU watchdog says so with the log line instead of guessing', async () => {
    const run = await runGate({
      env: {
        FAKE_COMFYUI_LOG_REPLAY: join(MAC_LOGS, 'm1ultra-cpu-only-before-mps-support-3s-per-step.txt'),
        FAKE_COMFYUI_DEVICE: 'cpu',
        FAKE_GPU_MODE: 'flat',
        GATE_GPU_IDLE_S: '1',
        // 20 steps of 250 ms: the run lasts well past the 1 s the watchdog waits.
        FAKE_COMFYUI_STEP_MS: '250',
      },
      args: [...SHORT_RUN, 'specs/gpu-active'],
    });
    expect(run.exitCode).toBe(1);
    expect(verdictLine(run.markdown, 'MPS active')).toContain(
      'FAIL (SIMULATED) — devices\\[0\\].type should be "mps"; ComfyUI reports devices\\[0\\]: cpu (cpu)',
    );
    const cause = 'ComfyUI ran its models on the CPU, not the Apple GPU (seen: the --cpu argument, "Device: cpu" at startup, vram state DISABLED).';
    const diagnosis = getDiagnosisSection(run.markdown);
    expect(diagnosis).toContain(`\n- **BLOCKS** \`running-on-cpu\` ComfyUI ran on the CPU: ${cause}\n`);
    // Line 11 of the replayed file, which the log starts with: the command its author ran.
    expect(diagnosis).toContain('\n  - Line 11: python ./main.py --cpu\n');
    const explained = 'GPU idle for 1 s after queueing: ComfyUI is not using the GPU (ComfyUI runs on the CPU (log line 11: python ./main.py --cpu))';
    expect(verdictLine(run.markdown, 'the GPU is active')).toBe(`- the GPU is active during generation (no CPU fallback): FAIL (SIMULATED) — ${explained}`);
    expect(run.output).toContain(`\n[comfyui-gate]   BLOCKS running-on-cpu: ComfyUI ran on the CPU — ${cause}\n`);
    expect(run.output).toContain('\n[comfyui-gate]     log line 11: python ./main.py --cpu\n');
    expect(run.output).toContain(`: FAIL — ${explained}\n`);
    expect(run.junit).toContain('<property name="diagnosis" value="blocks:running-on-cpu"/>');
    expect(getTestcase(run.junit, 'device')).toContain(`\nDiagnosis:\n- BLOCKS running-on-cpu: ComfyUI ran on the CPU — ${cause.replaceAll('"', '&quot;')}\n`);
  });

  test('a healthy Mac start-up log: the run passes and the Diagnosis finds no cause, yet shows it read the log', async () => {
    const run = await runGate({ env: { FAKE_COMFYUI_LOG_REPLAY: join(MAC_LOGS, 'm3max-64gb-startup-force-fp16-split-cross-attention.txt') }, args: SHORT_RUN });
    expect(run.exitCode).toBe(0);
    const diagnosis = getDiagnosisSection(run.markdown);
    expect(diagnosis).toMatch(
      new RegExp(`^No known cause of failure or slowness found \\(read: the ComfyUI log ${join(run.reportDir, 'comfyui.log')}, \\d+ lines\\)\\.$`, 'm'),
    );
    // The log it read holds the replayed start-up (ComfyUI-Manager's banner is in no start-up of the fake's own).
    expect(readFileSync(join(run.reportDir, 'comfyui.log'), 'utf8')).toContain('ComfyUI Revision: 2011');
    expect(diagnosis).toContain('Versions in the log (The log shows PyTorch 2.5.1, ComfyUI 0.3.64, Python 3.11.9.)');
    expect(run.output).not.toMatch(/^\[comfyui-gate\] {3}(BLOCKS|SLOWS) /m);
    expect(run.junit).not.toContain('<property name="diagnosis"');
  });

  test("attach: op fallback warnings in a Desktop-style server's run are read from its /internal/logs; the run passes, slowed", async ({ onTestFinished }) => {
    // ComfyUI Desktop keeps its models under --base-directory: the ComfyUI folder has no checkpoint.
    const base = makeTempDir('gate-desktop-base');
    mkdirSync(join(base, 'models', 'checkpoints'), { recursive: true });
    copyFileSync(join(FAKE_COMFYUI_DIR, 'models', 'checkpoints', CHECKPOINT), join(base, 'models', 'checkpoints', CHECKPOINT));
    const comfyDir = join(makeTempDir('gate-desktop-app'), 'ComfyUI');
    cpSync(FAKE_COMFYUI_DIR, comfyDir, { recursive: true });
    rmSync(join(comfyDir, 'models', 'checkpoints', CHECKPOINT));
    const { url, process: server } = await startAttachedFake(
      { onTestFinished },
      {
        comfyDir,
        args: ['--base-directory', base],
        env: {
          FAKE_COMFYUI_HOME: REPO_ROOT,
          FAKE_COMFYUI_BOOT_MS: '100',
          FAKE_COMFYUI_STEP_MS: '15',
          FAKE_COMFYUI_LOG_REPLAY: join(MAC_LOGS, 'pytorch-level-im2col-mpsfallback-userwarning-format.txt'),
          FAKE_COMFYUI_LOG_REPLAY_AT: 'run',
        },
      },
    );
    const run = await runGate({ env: { COMFYUI_URL: url }, args: SHORT_RUN });
    expect(run.exitCode).toBe(0);
    expect(run.report?.comfyui.mode).toBe('attach');
    expect(verdictLine(run.markdown, 'INFRA-04 benchmark')).toMatch(/: PASS \(SIMULATED\)$/);
    const cause = '1 op(s) have no MPS kernel here and ran on the CPU, copying tensors off the GPU and back: aten::im2col ×1.';
    const diagnosis = getDiagnosisSection(run.markdown);
    expect(diagnosis).toMatch(new RegExp(`^From the attached server's log \\(${url}/internal/logs\\), \\d+ lines:$`, 'm'));
    expect(diagnosis).toContain(`\n- **SLOWS** \`mps-op-fallback\` Ops fell back to the CPU: ${cause}\n`);
    expect(run.report?.diagnosis?.findings.find((finding) => finding.id === 'mps-op-fallback')?.figures).toEqual({ 'aten::im2col': 1 });
    // The evidence's line number is the warning's line in what the server's /internal/logs serves.
    const evidence = run.report?.diagnosis?.findings.find((finding) => finding.id === 'mps-op-fallback')?.evidence[0];
    const served = ((await (await fetch(`${url}/internal/logs`)).json()) as string).split('\n');
    expect(served[(evidence?.line ?? 0) - 1]).toBe(FALLBACK_WARNING);
    expect(served[(evidence?.line ?? 0) - 4]).toBe('got prompt'); // the warning is the file's third line
    expect(run.output).toContain(`\n[comfyui-gate]   SLOWS mps-op-fallback: Ops fell back to the CPU — ${cause}\n`);
    expect(run.junit).toContain('<property name="diagnosis" value="slows:mps-op-fallback"/>');
    expect(server.exitCode).toBeNull();
  });
});
