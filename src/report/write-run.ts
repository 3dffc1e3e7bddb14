import { copyFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readLogTail } from '../processes/log-tail.ts';
import { IMAGE_FILE } from '../run-record/generation-record.ts';
import { getStateDir, type SetupRecord } from '../run-record/run-state.ts';
import type { BenchmarkReport, TruthId } from '../truths/benchmark-report.ts';
import { buildReport } from './build-report.ts';
import type { CollectedTruth } from './collect-truths.ts';
import { appendHistory, compareWithHistory, readHistory, toHistoryEntry } from './history.ts';
import { renderTerminalOutcome } from './render-terminal.ts';
import { writeReportFiles } from './write-report.ts';

export interface RunToWrite {
  readonly reportDir: string;
  readonly runId: string;
  readonly setup: SetupRecord | undefined;
  readonly truths: Map<TruthId, CollectedTruth>;
  readonly durationMs: number;
  /** When this run started: global setup's time for the first run, the re-run's own for a Vitest UI re-run. */
  readonly startedAt: string;
  readonly interrupted?: BenchmarkReport['interrupted'];
  readonly machine: BenchmarkReport['machine'];
  readonly diagnosis?: BenchmarkReport['diagnosis'];
}

/**
 * Builds the report of one run from the truths' results and the run record, writes every file
 * (atomically, the report last), appends to the history and prints the outcome. Returns the report.
 */
export function writeRun(run: RunToWrite): BenchmarkReport {
  const { reportDir, runId, setup } = run;
  const config = setup?.config;
  const failed = [...run.truths.values()].some((truth) => truth.result.verdict === 'FAIL') || setup?.error !== undefined;
  const logPath = setup?.logPath;
  const base = buildReport({
    runId,
    date: run.startedAt,
    config,
    setup,
    truths: run.truths,
    machine: run.machine,
    logTail: (failed || run.interrupted !== undefined) && logPath !== undefined ? (setup?.logTail ?? readLogTail(logPath)) : [],
    simulatedByEnv: config?.simulated === true,
  });
  const entry = toHistoryEntry(base);
  const report: BenchmarkReport = {
    ...base,
    ...(run.interrupted === undefined ? {} : { interrupted: run.interrupted }),
    ...(run.diagnosis === undefined ? {} : { diagnosis: run.diagnosis }),
    ...(config === undefined || config.warnings === undefined || config.warnings.length === 0 ? {} : { warnings: config.warnings }),
    history: compareWithHistory(readHistory(reportDir), entry),
  };
  const written = writeReportFiles(reportDir, report, run.durationMs);
  appendHistory(reportDir, entry);
  copyRunArtifacts(reportDir, runId);
  process.stdout.write(`\n${renderTerminalOutcome(report, relative(process.cwd(), written)).join('\n')}\n`);
  return report;
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
