import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../src/truths/benchmark-report.ts';
import {
  appendHistory,
  compareWithHistory,
  describeRegression,
  findRegression,
  findRegressionNow,
  getHistoryPath,
  readHistory,
  toHistoryEntry,
} from '../../../src/report/history.ts';
import { getMachineInfo } from '../../../src/machine/machine-info.ts';
import { PASSING_REPORT } from './sample-report.ts';

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
      checkpoint: 'anything-v5-PrtRE.safetensors',
      width: 512,
      height: 512,
      steps: 20,
      sampler: 'euler_ancestral',
    });
  });

  it("keeps a GATE_WORKFLOW run's own parameters and its SHA-256, not the configured ones", () => {
    const { history: _history, ...report } = PASSING_REPORT;
    const workflow = { source: 'custom' as const, path: '/w/sdxl.json', sha256: 'ab'.repeat(32), steps: 25, sampler: 'dpmpp_2m', width: 1024, height: 1024 };
    const entry = toHistoryEntry({ ...report, benchmark: { ...report.benchmark, workflow } });
    expect(entry).toMatchObject({ steps: 25, sampler: 'dpmpp_2m', width: 1024, height: 1024, workflowSha256: 'ab'.repeat(32) });
    expect(entry).not.toHaveProperty('checkpoint');
    expect(toHistoryEntry({ ...report, benchmark: { ...report.benchmark, suspect: '900 steps/s' } }).suspect).toBe(true);
  });
});

// A run of the plan's benchmark on the M1 Pro at `stepsPerSecond`.
function timed(runId: string, stepsPerSecond: number | undefined, changes: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    ...entry(runId, 47.3),
    checkpoint: 'anything-v5-PrtRE.safetensors',
    width: 512,
    height: 512,
    steps: 20,
    sampler: 'euler_ancestral',
    ...(stepsPerSecond === undefined ? {} : { stepsPerSecond }),
    ...changes,
  };
}

describe('findRegression', () => {
  it('fires when steps/s is more than 20 % below the best of the last ten comparable runs, with both figures', () => {
    const earlier = [timed('01-a', 0.5), timed('02-b', 0.44), timed('03-c', 0.46)];
    const regression = findRegression(earlier, timed('04-d', 0.39));
    expect(regression).toEqual({
      stepsPerSecond: 0.39,
      bestStepsPerSecond: 0.5,
      percentBelow: 22,
      thresholdPercent: 20,
      best: timed('01-a', 0.5),
      comparedRuns: 3,
    });
    expect(describeRegression(regression!)).toBe(
      'steps/s regression: 0.39 steps/s is 22.0 % below 0.50 steps/s, the best of the last 3 comparable runs (run 01-a); more than 20 % below counts as a regression',
    );
  });

  it('stays quiet at 20 % below or less, and with nothing to compare with', () => {
    expect(findRegression([timed('01-a', 0.5)], timed('02-b', 0.4))).toBe(undefined);
    expect(findRegression([], timed('02-b', 0.1))).toBe(undefined);
    expect(findRegression([timed('01-a', 0.5)], timed('02-b', undefined))).toBe(undefined);
    expect(findRegression([timed('01-a', undefined)], timed('02-b', 0.1))).toBe(undefined);
  });

  it.each([
    ['another machine', { machine: 'M3 Max, macOS 15.5 arm64, 64 GB unified memory' }],
    ['another checkpoint', { checkpoint: 'sd15.safetensors' }],
    ['another width', { width: 768 }],
    ['another height', { height: 768 }],
    ['other steps', { steps: 30 }],
    ['another sampler', { sampler: 'euler' }],
    ['a simulated run', { simulated: true }],
    ['another workflow', { workflowSha256: 'cd'.repeat(32) }],
    ['an entry from before these fields', { checkpoint: undefined, width: undefined, height: undefined, steps: undefined, sampler: undefined }],
  ])('does not compare with %s', (_what, changes) => {
    expect(findRegression([timed('01-a', 5, changes as Partial<HistoryEntry>)], timed('02-b', 0.4))).toBe(undefined);
  });

  it('takes the best from the last ten comparable runs only', () => {
    const earlier = [
      timed('01-fast', 9),
      ...Array.from({ length: 10 }, (_, index) => timed(`${String(index + 2).padStart(2, '0')}-run`, 0.5)),
      timed('13-other', 9, { steps: 30 }),
    ];
    expect(findRegression(earlier, timed('14-now', 0.45))).toBe(undefined);
    expect(findRegression(earlier, timed('14-now', 0.3))).toMatchObject({ bestStepsPerSecond: 0.5, comparedRuns: 10 });
  });

  it('never holds a run to a best whose timing was flagged suspect', () => {
    expect(findRegression([timed('01-a', 900, { suspect: true }), timed('02-b', 0.5)], timed('03-c', 0.45))).toBe(undefined);
  });

  it('compares simulated runs with simulated ones', () => {
    const sim = { simulated: true };
    expect(findRegression([timed('01-a', 60, sim), timed('02-b', 0.5)], timed('03-c', 30, sim))).toMatchObject({ bestStepsPerSecond: 60, percentBelow: 50 });
  });
});

describe('findRegressionNow', () => {
  it('applies the rule to the run in progress against the history file, on this machine', async () => {
    const machine = (await getMachineInfo()).description;
    appendHistory(reportDir, timed('01-a', 22, { machine, simulated: true }));
    const benchmark = { checkpoint: 'anything-v5-PrtRE.safetensors', width: 512, height: 512, steps: 20, sampler: 'euler_ancestral' };
    await expect(findRegressionNow(reportDir, { runId: '02-b', simulated: true, benchmark, stepsPerSecond: 11 })).resolves.toMatchObject({
      stepsPerSecond: 11,
      bestStepsPerSecond: 22,
      percentBelow: 50,
    });
    await expect(findRegressionNow(reportDir, { runId: '02-b', simulated: false, benchmark, stepsPerSecond: 11 })).resolves.toBe(undefined);
    await expect(findRegressionNow(reportDir, { runId: '02-b', simulated: true, benchmark })).resolves.toBe(undefined);
  });
});

describe('compareWithHistory', () => {
  it('compares only with earlier runs of the same kind', () => {
    const earlier = [
      entry('01-a', 52.4),
      entry('02-sim', 3.1, true),
      entry('03-b', 46.8),
      entry('04-c', undefined),
      entry('05-d', 48.9),
      entry('06-sim', 2.9, true),
    ];
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
    expect(compareWithHistory([entry('01-a', 50), current], current)).toEqual({
      previous: entry('01-a', 50),
      best: entry('01-a', 50),
      trend: [entry('01-a', 50), current],
    });
  });

  it('carries a regression when the rule fires', () => {
    const regression = compareWithHistory([timed('01-a', 0.5)], timed('02-b', 0.3)).regression;
    expect(regression).toMatchObject({ stepsPerSecond: 0.3, bestStepsPerSecond: 0.5, percentBelow: 40 });
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
