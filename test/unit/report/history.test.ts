import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../src/truths/benchmark-report';
import { appendHistory, compareWithHistory, getHistoryPath, readHistory, toHistoryEntry } from '../../../src/report/history';
import { PASSING_REPORT } from './sample-report';

let reportDir: string;

beforeEach(() => {
  reportDir = mkdtempSync(join(tmpdir(), 'gate-history-'));
});

afterEach(() => {
  rmSync(reportDir, { recursive: true, force: true });
});

function entry(runId: string, elapsedS: number | undefined, simulated = false): HistoryEntry {
  return {
    runId,
    date: `2026-11-${runId.slice(0, 2)}T10:00:00.000Z`,
    machine: 'M1 Pro, macOS 15.5 arm64, 16 GB unified memory',
    simulated,
    verdicts: { 'generation-under-budget': elapsedS === undefined ? 'FAIL' : 'PASS' },
    phaseVerdict: elapsedS === undefined ? 'FAIL' : 'PASS',
    ...(elapsedS === undefined ? {} : { elapsedS }),
  };
}

describe('history file', () => {
  it('lives at <report dir>/history.jsonl', () => {
    expect(getHistoryPath(reportDir)).toBe(join(reportDir, 'history.jsonl'));
  });

  it('reads back what was appended, one JSON line per run', () => {
    const first = entry('01-a', 48.9);
    const second = entry('02-b', undefined);
    appendHistory(reportDir, first);
    appendHistory(reportDir, second);
    expect(readHistory(reportDir)).toEqual([first, second]);
    expect(readFileSync(getHistoryPath(reportDir), 'utf8').split('\n')).toEqual([JSON.stringify(first), JSON.stringify(second), '']);
  });

  it('passes over lines that do not parse', () => {
    const first = entry('01-a', 48.9);
    const second = entry('03-c', 46.8);
    writeFileSync(getHistoryPath(reportDir), [JSON.stringify(first), '{"runId":"02-b","date":', '', 'not json', JSON.stringify(second), ''].join('\n'));
    expect(readHistory(reportDir)).toEqual([first, second]);
  });

  it('is empty when there is no history yet', () => {
    expect(readHistory(reportDir)).toEqual([]);
  });
});

describe('toHistoryEntry', () => {
  it('keeps the figures a later run compares with', () => {
    const { history: _history, ...report } = PASSING_REPORT;
    expect(toHistoryEntry(report)).toEqual({
      runId: '20260219-140455-9f3e',
      date: '2026-02-19T13:04:55.000Z',
      machine: 'M1 Pro, macOS 15.5 arm64, 16 GB unified memory',
      simulated: false,
      phaseVerdict: 'PASS',
      verdicts: {
        reachable: 'PASS',
        device: 'PASS',
        'checkpoint-installed': 'PASS',
        'generation-under-budget': 'PASS',
        'gpu-active': 'PASS',
        'kohya-mixed-precision': 'PASS',
        'custom-nodes-loaded': 'PASS',
      },
      comfyuiVersion: '0.3.64',
      pytorchVersion: '2.5.1',
      device: 'mps',
      elapsedS: 47.31,
      stepsPerSecond: 0.44,
    });
  });
});

describe('compareWithHistory', () => {
  it('compares only with earlier runs of the same kind', () => {
    const earlier = [entry('01-a', 52.4), entry('02-sim', 3.1, true), entry('03-b', 46.8), entry('04-c', undefined), entry('05-d', 48.9), entry('06-sim', 2.9, true)];
    const current = entry('07-e', 47.3);
    expect(compareWithHistory(earlier, current)).toEqual({
      previous: entry('05-d', 48.9),
      best: entry('03-b', 46.8),
      trend: [entry('01-a', 52.4), entry('03-b', 46.8), entry('05-d', 48.9), current],
    });

    const simulated = entry('07-sim', 3.0, true);
    expect(compareWithHistory(earlier, simulated)).toEqual({
      previous: entry('06-sim', 2.9, true),
      best: entry('06-sim', 2.9, true),
      trend: [entry('02-sim', 3.1, true), entry('06-sim', 2.9, true), simulated],
    });
  });

  it('leaves out the current run if it is already in the file', () => {
    const current = entry('02-b', 47.3);
    expect(compareWithHistory([entry('01-a', 50), current], current)).toEqual({ previous: entry('01-a', 50), best: entry('01-a', 50), trend: [entry('01-a', 50), current] });
  });

  it('has no previous or best without earlier timed runs, and a trend only of timed runs', () => {
    expect(compareWithHistory([], entry('01-a', 47.3))).toEqual({ trend: [entry('01-a', 47.3)] });
    expect(compareWithHistory([entry('01-a', undefined)], entry('02-b', undefined))).toEqual({ trend: [] });
  });

  it('keeps the trend to the last 10 timed runs, the current one included', () => {
    const earlier = Array.from({ length: 14 }, (_, index) => entry(`${String(index + 1).padStart(2, '0')}-run`, 40 + index));
    const current = entry('15-run', 60);
    const { trend, best, previous } = compareWithHistory(earlier, current);
    expect(trend.map((run) => run.runId)).toEqual(['06-run', '07-run', '08-run', '09-run', '10-run', '11-run', '12-run', '13-run', '14-run', '15-run']);
    // Best and previous look at the whole history, not just the trend.
    expect(best?.runId).toBe('01-run');
    expect(previous?.runId).toBe('14-run');
  });
});
