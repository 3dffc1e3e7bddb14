import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMachineInfo } from '../machine/machine-info.ts';
import { readState, type SetupRecord } from '../run-record/run-state.ts';
import { sanitizeLine } from '../text/sanitize.ts';
import type { BenchmarkReport, HistoryEntry, Regression } from '../truths/benchmark-report.ts';

const TREND_LENGTH = 10;
/** A run this much slower (steps/s) than the best comparable one is a regression. */
export const REGRESSION_THRESHOLD_PERCENT = 20;
/** How many of the latest comparable runs the best is taken from. */
export const REGRESSION_WINDOW = 10;

/** The history file: one JSON line per run, never rewritten, only appended to. */
export function getHistoryPath(reportDir: string): string {
  return join(reportDir, 'history.jsonl');
}

/** Reads earlier runs; lines that do not parse are passed over rather than failing the report. */
export function readHistory(reportDir: string): HistoryEntry[] {
  let text: string;
  try {
    text = readFileSync(getHistoryPath(reportDir), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as HistoryEntry];
      } catch {
        return [];
      }
    });
}

/** Appends this run to the history file. */
export function appendHistory(reportDir: string, entry: HistoryEntry): void {
  appendFileSync(getHistoryPath(reportDir), `${JSON.stringify(entry)}\n`);
}

/** This run as one history line. */
export function toHistoryEntry(report: Omit<BenchmarkReport, 'history'>): HistoryEntry {
  const { benchmark, device } = report;
  return {
    ...getComparableParameters(benchmark),
    runId: report.runId,
    date: report.date,
    machine: report.machine.description,
    simulated: report.simulated,
    phaseVerdict: report.phaseVerdict,
    verdicts: Object.fromEntries(report.truths.map((truth) => [truth.id, truth.verdict])),
    ...(device.comfyuiVersion === undefined ? {} : { comfyuiVersion: device.comfyuiVersion }),
    ...(device.pytorchVersion === undefined ? {} : { pytorchVersion: device.pytorchVersion }),
    ...(device.found[0] === undefined ? {} : { device: device.found[0] }),
    ...(benchmark.elapsedS === undefined ? {} : { elapsedS: benchmark.elapsedS }),
    ...(benchmark.stepsPerSecond === undefined ? {} : { stepsPerSecond: benchmark.stepsPerSecond }),
    ...(benchmark.suspect === undefined ? {} : { suspect: true }),
  };
}

/** What decides whether two runs are comparable: the benchmark's parameters and the workflow that ran. */
export type ComparableBenchmark = Pick<BenchmarkReport['benchmark'], 'checkpoint' | 'width' | 'height' | 'steps' | 'sampler' | 'workflow'>;

// The parameters of the workflow that ran: a GATE_WORKFLOW file's own, else the configured ones.
function getComparableParameters(benchmark: ComparableBenchmark): Partial<HistoryEntry> {
  const { workflow } = benchmark;
  const parameters =
    workflow?.source === 'custom'
      ? {
          checkpoint: workflow.checkpoint,
          width: workflow.width,
          height: workflow.height,
          steps: workflow.steps,
          sampler: workflow.sampler,
          workflowSha256: workflow.sha256,
        }
      : { checkpoint: benchmark.checkpoint, width: benchmark.width, height: benchmark.height, steps: benchmark.steps, sampler: benchmark.sampler };
  return Object.fromEntries(Object.entries(parameters).filter(([, value]) => value !== undefined));
}

/**
 * The regression rule: a run regressed when its steps/s is more than 20 % below the best steps/s
 * of the last ten comparable earlier runs. Runs are comparable when they have the same machine
 * description, checkpoint, width, height, steps and sampler, ran the same workflow (the plan's,
 * or a GATE_WORKFLOW file with the same SHA-256), and are of the same kind (real with real,
 * simulated with simulated). Runs that recorded no steps/s, or whose timing was flagged suspect,
 * are passed over; without a comparable run there is nothing to regress from. Returns both figures
 * when the rule fires.
 */
export function findRegression(earlier: readonly HistoryEntry[], current: HistoryEntry): Regression | undefined {
  const speed = current.stepsPerSecond;
  if (speed === undefined || !Number.isFinite(speed)) return undefined;
  const comparable = earlier
    .filter((entry) => entry.runId !== current.runId && entry.suspect !== true && isComparable(entry, current))
    .filter((entry) => typeof entry.stepsPerSecond === 'number' && Number.isFinite(entry.stepsPerSecond) && entry.stepsPerSecond > 0)
    .slice(-REGRESSION_WINDOW);
  const best = comparable.reduce<HistoryEntry | undefined>(
    (found, entry) => (found === undefined || (entry.stepsPerSecond ?? 0) > (found.stepsPerSecond ?? 0) ? entry : found),
    undefined,
  );
  const bestSpeed = best?.stepsPerSecond;
  if (best === undefined || bestSpeed === undefined) return undefined;
  const percentBelow = (1 - speed / bestSpeed) * 100;
  if (percentBelow <= REGRESSION_THRESHOLD_PERCENT) return undefined;
  return {
    stepsPerSecond: speed,
    bestStepsPerSecond: bestSpeed,
    percentBelow: Math.round(percentBelow * 10) / 10,
    thresholdPercent: REGRESSION_THRESHOLD_PERCENT,
    best,
    comparedRuns: comparable.length,
  };
}

const COMPARABLE_FIELDS = ['machine', 'simulated', 'checkpoint', 'width', 'height', 'steps', 'sampler', 'workflowSha256'] as const;

function isComparable(entry: HistoryEntry, current: HistoryEntry): boolean {
  // Entries written before these fields existed lack them, so they never match a current run.
  return COMPARABLE_FIELDS.every((field) => entry[field] === current[field]);
}

/** Compares with earlier runs of the same kind (real with real, simulated with simulated), and applies the regression rule. */
export function compareWithHistory(earlier: readonly HistoryEntry[], current: HistoryEntry): BenchmarkReport['history'] {
  const alike = earlier.filter((entry) => entry.simulated === current.simulated && entry.runId !== current.runId);
  const timed = alike.filter((entry) => typeof entry.elapsedS === 'number');
  const previous = timed.at(-1);
  const best = timed.reduce<HistoryEntry | undefined>(
    (found, entry) => (found === undefined || (entry.elapsedS ?? Infinity) < (found.elapsedS ?? Infinity) ? entry : found),
    undefined,
  );
  const trend = [...timed, ...(current.elapsedS === undefined ? [] : [current])].slice(-TREND_LENGTH);
  const regression = findRegression(earlier, current);
  return {
    trend,
    ...(previous === undefined ? {} : { previous }),
    ...(best === undefined ? {} : { best }),
    ...(regression === undefined ? {} : { regression }),
  };
}

/** The run in progress, as the generation truth knows it before the report exists. */
export interface RunInProgress {
  readonly runId: string;
  /** GATE_SIMULATED; the run record adds whether the server said it is the fake. */
  readonly simulated: boolean;
  readonly benchmark: ComparableBenchmark;
  readonly stepsPerSecond?: number;
}

/** The regression rule (findRegression) for a run in progress, against the history file: the terminal hears of it before the report. */
export async function findRegressionNow(reportDir: string, run: RunInProgress): Promise<Regression | undefined> {
  const simulated = run.simulated || readState<SetupRecord>(reportDir, 'setup')?.simulated === true;
  const current: HistoryEntry = {
    runId: run.runId,
    date: new Date().toISOString(),
    machine: (await getMachineInfo()).description,
    simulated,
    verdicts: {},
    phaseVerdict: 'NOT RUN',
    ...getComparableParameters(run.benchmark),
    ...(run.stepsPerSecond === undefined ? {} : { stepsPerSecond: run.stepsPerSecond }),
  };
  return findRegression(readHistory(reportDir), current);
}

/** One line for a regression, with both figures: "steps/s regression: 12.30 steps/s is 45.3 % below …". */
export function describeRegression(regression: Regression): string {
  const { stepsPerSecond, bestStepsPerSecond, percentBelow, thresholdPercent, best, comparedRuns } = regression;
  return `steps/s regression: ${stepsPerSecond.toFixed(2)} steps/s is ${percentBelow.toFixed(1)} % below ${bestStepsPerSecond.toFixed(2)} steps/s, the best of the last ${comparedRuns} comparable runs (run ${sanitizeLine(best.runId, 60)}); more than ${thresholdPercent} % below counts as a regression`;
}
