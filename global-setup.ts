import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TestProject } from 'vitest/node';
import { getReportDir, loadConfig } from './src/config/load-config.ts';
import type { GateConfig } from './src/config/gate-config.ts';
import { formatShellWords } from './src/config/shell-words.ts';
import { summarizeError, formatError } from './src/errors.ts';
import { sanitizeLine } from './src/text/sanitize.ts';
import { createRunId } from './src/run-record/run-id.ts';
import { resetState, writeState, type SetupRecord } from './src/run-record/run-state.ts';
import { installShutdownHooks } from './src/processes/shutdown-hooks.ts';
import { cancelOwnPrompt } from './src/checks/cancel-own-prompt.ts';
import { createProgressLine } from './src/terminal/progress-line.ts';
import { startComfyui, type RunningServer } from './src/server/comfyui-server.ts';
import { readLogTail } from './src/processes/log-tail.ts';
import { attachToServer } from './src/server/attach.ts';
import { signalGroup } from './src/processes/process-group.ts';
import { writeBootRecord, type BootRecord } from './src/checks/boot-wait.ts';
import { isSimulatorStats } from './src/report/build-report.ts';
import './src/run-record/gate-context.ts';

/** Boots (or attaches to) ComfyUI once for the whole run, and stops what it started. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = createRunId();
  const startedAt = new Date().toISOString();
  const bootStart = performance.now();
  let config: GateConfig;
  try {
    config = loadConfig();
  } catch (error) {
    // The reporter reads this to say why nothing ran.
    recordSetupFailure(getReportDir(), { runId, startedAt, mode: 'boot', url: '', launchFlags: '', launchEnv: '' }, error);
    throw error;
  }
  resetState(config.reportDir);
  for (const warning of config.warnings) process.stderr.write(`[comfyui-gate] warning: ${sanitizeLine(warning)}\n`);
  const plan = config.server;
  const base: SetupRecord = {
    runId,
    startedAt,
    config,
    mode: plan.mode,
    url: plan.url,
    launchFlags: plan.mode === 'boot' ? formatShellWords(plan.args.slice(1)) : '',
    launchEnv:
      plan.mode === 'boot'
        ? Object.entries(plan.env)
            .map(([key, value]) => `${key}=${value}`)
            .join(' ')
        : '',
  };
  let server: RunningServer | undefined;
  let bootingPid: number | undefined;
  /** Watch / UI mode: the boot still running after setup returned, and whether teardown began. */
  let booting: Promise<void> | undefined;
  let closing = false;
  const removeHooks = installShutdownHooks({
    reportDir: config.reportDir,
    getServerPid: () => server?.pid ?? bootingPid,
    // Attach mode: the server is not the gate's to stop; the prompt the gate queued is.
    stoppingWhat:
      plan.mode === 'boot'
        ? 'ComfyUI and the GPU sampler'
        : "the GPU sampler and the gate's own prompt (ComfyUI itself keeps running: the gate did not start it)",
    ...(plan.mode === 'attach' ? { beforeStop: () => cancelOwnPrompt(config.reportDir, (text) => process.stderr.write(`[comfyui-gate] ${text}\n`)) } : {}),
  });
  try {
    if (plan.mode === 'attach') {
      const stats = await attachToServer(plan.url);
      writeState(config.reportDir, 'setup', { ...base, simulated: isSimulatorStats(stats) });
    } else {
      const logPath = join(config.reportDir, 'comfyui.log');
      process.stderr.write(`[comfyui-gate] booting ComfyUI from ${plan.dir} (log: ${logPath})…\n`);
      // Watch / UI mode boots in the background: global setup blocks collection, so Vitest UI would
      // say "No tests found" for the whole boot. The reachable truth waits for it instead and shows
      // this progress as notes (src/checks/boot-wait.ts). `npm test` waits here, as the terminal shows.
      const showBoot = project.vitest.config.watch ? (record: BootRecord) => writeBootRecord(config.reportDir, record) : undefined;
      const progress = createProgressLine();
      const starting = startComfyui(plan, logPath, {
        onSpawn: (pid) => (bootingPid = pid),
        onWaiting: (seconds) => {
          const message = `waiting for ComfyUI to answer: ${seconds} s (up to ${plan.readyTimeoutMs / 1000} s; log: ${logPath})`;
          progress.update(message);
          showBoot?.({ status: 'booting', message, timeoutMs: plan.readyTimeoutMs });
        },
      }).then((started) => {
        server = started;
        const timeToReadyMs = Math.round(performance.now() - bootStart);
        const message = `ComfyUI answered ${plan.url}/system_stats after ${(timeToReadyMs / 1000).toFixed(1)} s`;
        progress.done(message);
        writeState(config.reportDir, 'setup', { ...base, logPath, timeToReadyMs, pid: started.pid, simulated: isSimulatorStats(started.systemStats) });
        showBoot?.({ status: 'ready', message });
      });
      if (showBoot === undefined) await starting;
      else {
        writeState(config.reportDir, 'setup', { ...base, logPath });
        showBoot({ status: 'booting', message: `booting ComfyUI from ${plan.dir} (log: ${logPath})`, timeoutMs: plan.readyTimeoutMs });
        booting = starting.catch((error: unknown) => {
          if (closing) return;
          recordSetupFailure(config.reportDir, { ...base, logPath }, error);
          showBoot({ status: 'failed', message: formatError(error) });
        });
      }
    }
  } catch (error) {
    removeHooks();
    const logPath = plan.mode === 'boot' ? join(config.reportDir, 'comfyui.log') : undefined;
    recordSetupFailure(config.reportDir, { ...base, ...(logPath === undefined ? {} : { logPath }) }, error);
    throw error;
  }
  project.provide('gate', { config, url: plan.url, runId, mode: plan.mode, reportDir: config.reportDir });
  return async () => {
    closing = true;
    // Still booting (UI closed early): end the boot; startComfyui then stops the whole group itself.
    if (server === undefined && bootingPid !== undefined) signalGroup(bootingPid, 'SIGTERM');
    await booting;
    await server?.stop();
    removeHooks();
  };
}

function recordSetupFailure(reportDir: string, base: SetupRecord, error: unknown): void {
  const summary = summarizeError(error);
  const contextTail = summary.context.logTail;
  const logTail = Array.isArray(contextTail) ? contextTail : base.logPath === undefined ? [] : readLogTail(base.logPath);
  try {
    writeState(reportDir, 'setup', { ...base, error: summary, logTail });
  } catch {
    // The report folder itself may be the problem; the error below still reaches the terminal.
  }
  // Vitest prints a thrown error with its stack and a code frame; for a setup failure the
  // message and the fix are what a person needs, so the stack is replaced by them.
  if (error instanceof Error) error.stack = `${error.name}: ${formatError(error)}`;
  process.stderr.write(`\n[comfyui-gate] ${formatError(error)}\n\n`);
}
