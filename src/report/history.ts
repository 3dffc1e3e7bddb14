import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchmarkReport, HistoryEntry } from '../truths/benchmark-report';

const TREND_LENGTH = 10;

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
  };
}

/** Compares with earlier runs of the same kind (real with real, simulated with simulated). */
export function compareWithHistory(earlier: readonly HistoryEntry[], current: HistoryEntry): BenchmarkReport['history'] {
  const alike = earlier.filter((entry) => entry.simulated === current.simulated && entry.runId !== current.runId);
  const timed = alike.filter((entry) => typeof entry.elapsedS === 'number');
  const previous = timed.at(-1);
  const best = timed.reduce<HistoryEntry | undefined>((found, entry) => (found === undefined || (entry.elapsedS ?? Infinity) < (found.elapsedS ?? Infinity) ? entry : found), undefined);
  const trend = [...timed, ...(current.elapsedS === undefined ? [] : [current])].slice(-TREND_LENGTH);
  return { trend, ...(previous === undefined ? {} : { previous }), ...(best === undefined ? {} : { best }) };
}
