import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { createFakeEnv, getFreePort, REPO_ROOT } from '../../fixtures/fake-env.ts';
import { findTaggedProcesses, waitForLeftovers } from '../../fixtures/tagged-processes.ts';
import { waitForEvent } from './events.ts';
import { makeTempDir } from './temp-dirs.ts';

// Cancelling the workflow (or its timeout) must stop the gate. The Actions runner signals the
// step's own process only: SIGINT, then SIGTERM 7.5 s later, then it kills that one process 2.5 s
// after that. This replays that sequence against the real Gate step, read from the workflow,
// started the way the runner starts a `shell: bash` step, against the built-in fake ComfyUI.
// The first gap is 1.5 s here instead of 7.5 s to keep the test short; the gate must not need more.

const WORKFLOW_PATH = join(REPO_ROOT, '.github', 'workflows', 'comfyui-gate.yml');
const SIGTERM_AFTER_MS = 1500;
const KILL_AFTER_SIGTERM_MS = 2500;
/** After the step's process is gone, how long the rest of the run may take to follow it. */
const LEFTOVER_GRACE_MS = 5000;

/** A generation of 20 steps × 400 ms: still running when the signal comes. */
const SLOW_GENERATION = { FAKE_COMFYUI_STEP_MS: '400', FAKE_COMFYUI_BOOT_MS: '100', FAKE_COMFYUI_LOAD_MS: '20', GATE_GPU_INTERVAL_MS: '100' };

const workflowSchema = z.looseObject({
  jobs: z.record(
    z.string(),
    z.looseObject({
      env: z.record(z.string(), z.string()).optional(),
      steps: z.array(z.looseObject({ id: z.string().optional(), run: z.string().optional() })),
    }),
  ),
});

/** The Gate step's script and its job's environment, as the workflow file has them. */
function readGateStep(): { readonly script: string; readonly jobEnv: Readonly<Record<string, string>> } {
  const workflow = workflowSchema.parse(parse(readFileSync(WORKFLOW_PATH, 'utf8')));
  for (const job of Object.values(workflow.jobs)) {
    const gate = job.steps.find((step) => step.id === 'gate');
    if (gate?.run !== undefined) return { script: gate.run, jobEnv: job.env ?? {} };
  }
  throw new Error(`no step with id "gate" and a run: script in ${WORKFLOW_PATH}`);
}

interface CancelledStep {
  readonly tag: string;
  readonly reportDir: string;
  readonly output: () => string;
  readonly exit: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  readonly child: ChildProcess;
}

/** Starts `script` as the runner starts a bash step, and cancels it as the runner does once the generation runs. */
async function startAndCancel(script: string, jobEnv: Readonly<Record<string, string>>): Promise<CancelledStep> {
  const dir = makeTempDir('runner-cancel');
  const stepFile = join(dir, 'step.sh');
  const events = join(dir, 'events.jsonl');
  writeFileSync(stepFile, script);
  const tag = randomUUID();
  // The job's GATE_REPORT_DIR (`~/…`) as written, with HOME pointing into the temp folder.
  const reportDir = join(dir, (jobEnv.GATE_REPORT_DIR ?? 'reports').replace(/^~\//, ''));
  const env = {
    ...createFakeEnv({ port: await getFreePort(), reportDir, overrides: { ...SLOW_GENERATION, FAKE_COMFYUI_EVENTS: events } }),
    ...jobEnv,
    HOME: dir,
    // A fresh HOME has no record of npm's last update check: keep npm from asking the registry.
    npm_config_update_notifier: 'false',
    GATE_E2E_TAG: tag,
  };
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', stepFile], {
    cwd: REPO_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const exitedEarly = exit.then(() => {
    throw new Error(`the step ended before the generation started:\n${output}`);
  });
  exitedEarly.catch(() => undefined);
  await Promise.race([waitForEvent(events, 'execution_start', 60_000), exitedEarly]);
  void signalLikeTheRunner(child, exit);
  return { tag, reportDir, output: () => output, exit, child };
}

/** SIGINT to the step's process only, SIGTERM if it is still there, then a kill. */
async function signalLikeTheRunner(child: ChildProcess, exit: Promise<unknown>): Promise<void> {
  let exited = false;
  void exit.then(() => (exited = true));
  const send = (signal: NodeJS.Signals) => {
    try {
      if (!exited && child.pid !== undefined) process.kill(child.pid, signal);
    } catch {
      // Gone between the check and the signal: nothing left to signal.
    }
  };
  send('SIGINT');
  await Promise.race([delay(SIGTERM_AFTER_MS), exit]);
  send('SIGTERM');
  await Promise.race([delay(KILL_AFTER_SIGTERM_MS), exit]);
  send('SIGKILL');
}

describe('cancelling the workflow run', () => {
  test('the Gate step as written stops npm, Vitest and ComfyUI, and leaves an INTERRUPTED report', async () => {
    const { script, jobEnv } = readGateStep();
    const step = await startAndCancel(script, jobEnv);
    const ended = await step.exit;
    // npm ended on its own once Vitest had, not by the runner's final kill.
    expect(ended.signal, step.output()).not.toBe('SIGKILL');
    expect(ended.code, step.output()).not.toBe(0);
    expect(await waitForLeftovers(step.tag, LEFTOVER_GRACE_MS), step.output()).toEqual([]);
    const reportFile = join(step.reportDir, '05-BENCHMARK.md');
    expect(existsSync(reportFile), `no ${reportFile}; the run said:\n${step.output()}`).toBe(true);
    const report = readFileSync(reportFile, 'utf8');
    const headline = report.split('\n').find((line) => line.startsWith('> **Phase 5 gate:'));
    expect(headline, step.output()).toMatch(/^> \*\*Phase 5 gate: INTERRUPTED/);
  }, 90_000);

  test('the check can fail: without exec, bash dies alone and the gate runs on', async () => {
    const { script, jobEnv } = readGateStep();
    expect(script.trim()).toBe('exec npm test');
    const step = await startAndCancel('npm test\n', jobEnv);
    const { signal } = await step.exit;
    try {
      // bash ignores SIGINT while its child runs and dies of SIGTERM; npm carries on, orphaned.
      expect(signal).toBe('SIGTERM');
      expect(findTaggedProcesses(step.tag), step.output()).not.toEqual([]);
    } finally {
      // Clean up as Ctrl-C in a terminal does, to the whole group; the gate then stops ComfyUI itself.
      try {
        if (step.child.pid !== undefined) process.kill(-step.child.pid, 'SIGINT');
      } catch {
        // The group is already empty.
      }
      expect(await waitForLeftovers(step.tag, 30_000)).toEqual([]);
    }
  }, 90_000);
});
