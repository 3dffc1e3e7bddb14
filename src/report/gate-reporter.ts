import { copyFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Reporter, TestModule, TestRunEndReason } from 'vitest/node';
import { createRunId } from '../run-record/run-id';
import { IMAGE_FILE } from '../run-record/generation-record';
import { getStateDir, readState, type SetupRecord } from '../run-record/run-state';
import { readLogTail } from '../processes/log-tail';
import { buildReport } from './build-report';
import type { TruthId } from '../truths/benchmark-report';
import { collectTruths, type CollectedTruth } from './collect-truths';

const NOT_SELECTED = 'not selected in this run';
import { appendHistory, compareWithHistory, readHistory, toHistoryEntry } from './history';
import { getMachineInfo } from '../machine/machine-info';
import { writeReportFiles } from './write-report';

/**
 * Writes 05-BENCHMARK.md (the plan's template with actual values), benchmark.json,
 * 05-04-SUMMARY.md and the charts at the end of every run, and appends to history.jsonl.
 * Every run is kept under runs/<run id>/; the top-level files are replaced atomically.
 */
export interface GateReporterOptions {
  /** Where global setup writes the run record and the reports go (GATE_REPORT_DIR). */
  readonly reportDir: string;
}

export class GateReporter implements Reporter {
  readonly #reportDir: string;
  #startedAt = performance.now();
  /** Runs this reporter has written: Vitest UI re-runs specs in the same process. */
  #runs = 0;
  /** Each truth's latest result, so a re-run of one spec in Vitest UI keeps the others' results. */
  readonly #latest = new Map<TruthId, CollectedTruth>();

  constructor(options: GateReporterOptions) {
    this.#reportDir = options.reportDir;
  }

  onTestRunStart(): void {
    this.#startedAt = performance.now();
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, _errors: unknown, reason: TestRunEndReason): void {
    try {
      this.#write(testModules, reason);
    } catch (error) {
      // A reporter that throws hides the run's real outcome; say what went wrong and carry on.
      process.stderr.write(`[comfyui-gate] could not write the report: ${error instanceof Error ? error.stack : String(error)}\n`);
    }
  }

  #write(testModules: ReadonlyArray<TestModule>, reason: TestRunEndReason): void {
    const reportDir = this.#reportDir;
    const setup = readState<SetupRecord>(reportDir, 'setup');
    // The configuration global setup parsed: never parsed again, so the report shows what ran.
    const config = setup?.config;
    this.#runs += 1;
    const runId = `${setup?.runId ?? createRunId()}${this.#runs === 1 ? '' : `-rerun-${this.#runs - 1}`}`;
    const notRunReason =
      setup?.error !== undefined
        ? `setup failed: ${setup.error.message.split('\n')[0]}`
        : reason === 'interrupted'
          ? 'the run was interrupted before this truth was checked'
          : NOT_SELECTED;
    const failed = testModules.some((module) => module.state() === 'failed') || setup?.error !== undefined;
    const logPath = setup?.logPath;
    const base = buildReport({
      runId,
      date: setup?.startedAt ?? new Date().toISOString(),
      config,
      setup,
      truths: this.#mergeWithEarlier(collectTruths(testModules, notRunReason)),
      machine: getMachineInfo(),
      logTail: failed && logPath !== undefined ? (setup?.logTail ?? readLogTail(logPath)) : [],
      simulatedByEnv: config?.simulated === true,
    });
    const entry = toHistoryEntry(base);
    const report = { ...base, history: compareWithHistory(readHistory(reportDir), entry) };
    const written = writeReportFiles(reportDir, report, performance.now() - this.#startedAt);
    appendHistory(reportDir, entry);
    copyRunArtifacts(reportDir, runId);
    process.stdout.write(`\n[comfyui-gate] Phase 5 gate: ${report.phaseVerdict}${report.simulated ? ' (SIMULATED)' : ''} — report: ${relative(process.cwd(), written)}\n`);
  }

  #mergeWithEarlier(truths: Map<TruthId, CollectedTruth>): Map<TruthId, CollectedTruth> {
    for (const [id, truth] of truths) {
      const earlier = this.#latest.get(id);
      const notSelected = truth.result.verdict === 'NOT RUN' && truth.result.reason === NOT_SELECTED;
      if (notSelected && earlier !== undefined) truths.set(id, earlier);
      else this.#latest.set(id, truth);
    }
    return truths;
  }
}

/** Keeps the server log and the generated image with the run they belong to. */
function copyRunArtifacts(reportDir: string, runId: string): void {
  const runDir = join(reportDir, 'runs', runId);
  const log = join(reportDir, 'comfyui.log');
  if (existsSync(log)) copyFileSync(log, join(runDir, 'comfyui.log'));
  const image = join(getStateDir(reportDir), IMAGE_FILE);
  if (existsSync(image)) {
    copyFileSync(image, join(runDir, IMAGE_FILE));
    copyFileSync(image, join(reportDir, IMAGE_FILE));
  }
}
