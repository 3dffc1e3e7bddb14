import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';
import { TRUTH_TITLES } from '../../../src/truths/truth-titles.ts';
import type { SetupRecord } from '../../../src/run-record/run-state.ts';
import { TRUTH_IDS, type TruthId, type Verdict } from '../../../src/truths/benchmark-report.ts';
import { buildReport, getPhaseVerdict, isSimulatorStats, type ReportInputs } from '../../../src/report/build-report.ts';
import type { CollectedTruth } from '../../../src/report/collect-truths.ts';
import { PASSING_REPORT, SAMPLE_SYSTEM_STATS } from './sample-report.ts';

describe('getPhaseVerdict', () => {
  it.each<[readonly Verdict[], Verdict]>([
    [['PASS', 'PASS', 'PASS'], 'PASS'],
    [['PASS', 'SKIPPED', 'PASS'], 'PASS'],
    [['PASS', 'FAIL', 'PASS'], 'FAIL'],
    [['PASS', 'NOT RUN', 'PASS'], 'FAIL'],
    [['SKIPPED', 'SKIPPED'], 'FAIL'],
    [[], 'FAIL'],
  ])('%j → %s', (verdicts, phase) => {
    expect(getPhaseVerdict(verdicts)).toBe(phase);
  });
});

describe('isSimulatorStats', () => {
  it('is true only when /system_stats carries the simulator stamp', () => {
    expect(isSimulatorStats({ ...SAMPLE_SYSTEM_STATS, system: { ...SAMPLE_SYSTEM_STATS.system, comfyui_gate_simulator: true } })).toBe(true);
    expect(isSimulatorStats(SAMPLE_SYSTEM_STATS)).toBe(false);
    expect(isSimulatorStats({ system: { comfyui_gate_simulator: 'true' } })).toBe(false);
    expect(isSimulatorStats({ system: null })).toBe(false);
    expect(isSimulatorStats({ comfyui_gate_simulator: true })).toBe(false);
    expect(isSimulatorStats(null)).toBe(false);
    expect(isSimulatorStats('{"system":{"comfyui_gate_simulator":true}}')).toBe(false);
    expect(isSimulatorStats(undefined)).toBe(false);
  });
});

describe('buildReport', () => {
  const reportDir = mkdtempSync(join(tmpdir(), 'gate-build-report-'));
  afterAll(() => rmSync(reportDir, { recursive: true, force: true }));
  const config = loadConfig({ COMFYUI_URL: 'http://127.0.0.1:8188', GATE_REPORT_DIR: reportDir, GATE_SEED: '42' });

  const notRun = (reason: string) =>
    new Map<TruthId, CollectedTruth>(TRUTH_IDS.map((id) => [id, { result: { id, title: TRUTH_TITLES[id], verdict: 'NOT RUN', reason } }]));

  const inputs = (overrides: Partial<ReportInputs> = {}): ReportInputs => ({
    runId: '2026-11-28T10-15-03-123Z',
    date: '2026-11-28T10:15:03.123Z',
    config,
    setup: undefined,
    truths: notRun('global setup failed'),
    machine: PASSING_REPORT.machine,
    logTail: ['Traceback (most recent call last):'],
    simulatedByEnv: false,
    ...overrides,
  });

  it('fills a report from the config alone when no truth ran, and fails the phase', () => {
    const setup: SetupRecord = {
      runId: '2026-11-28T10-15-03-123Z',
      startedAt: '2026-11-28T10:15:03.123Z',
      mode: 'attach',
      url: 'http://127.0.0.1:8188',
      launchFlags: '',
      launchEnv: '',
      error: {
        name: 'GateError',
        code: 'COMFYUI_URL_UNREACHABLE',
        message: 'COMFYUI_URL=http://127.0.0.1:8188 does not answer like ComfyUI (connection refused)',
        hint: 'start ComfyUI first',
        context: {},
      },
    };
    const report = buildReport(inputs({ setup }));
    expect(report).toEqual({
      runId: '2026-11-28T10-15-03-123Z',
      date: '2026-11-28T10:15:03.123Z',
      simulated: false,
      machine: PASSING_REPORT.machine,
      comfyui: { mode: 'attach', url: 'http://127.0.0.1:8188', launchFlags: '', launchEnv: '' },
      device: { expected: 'mps', found: [], pythonExpected: '3.11.x' },
      benchmark: {
        checkpoint: 'anything-v5-PrtRE.safetensors',
        width: 512,
        height: 512,
        steps: 20,
        sampler: 'euler_ancestral',
        scheduler: 'normal',
        cfg: 7,
        prompt: 'anime character, white cloak, standing, masterpiece',
        seed: 42,
        budgetS: 120,
        nodes: [],
      },
      gpu: { history: 'unknown', thresholdPercent: 1, samples: [], phases: [] },
      install: {},
      truths: TRUTH_IDS.map((id) => ({ id, title: TRUTH_TITLES[id], verdict: 'NOT RUN', reason: 'global setup failed' })),
      phaseVerdict: 'FAIL',
      setupError: setup.error,
      logTail: ['Traceback (most recent call last):'],
    });
  });

  it('takes each truth its measurements and passes the phase when all passed', () => {
    const truths = new Map<TruthId, CollectedTruth>(TRUTH_IDS.map((id) => [id, { result: { id, title: TRUTH_TITLES[id], verdict: 'PASS' } }]));
    truths.set('reachable', {
      result: { id: 'reachable', title: TRUTH_TITLES.reachable, verdict: 'PASS' },
      measurements: { systemStats: SAMPLE_SYSTEM_STATS, responseMs: 12 },
    });
    truths.set('generation-under-budget', {
      result: { id: 'generation-under-budget', title: TRUTH_TITLES['generation-under-budget'], verdict: 'PASS' },
      measurements: { elapsedS: 47.31, stepsPerSecond: 0.44, nodes: [] },
    });
    const report = buildReport(inputs({ truths }));
    expect(report.phaseVerdict).toBe('PASS');
    expect(report.systemStats).toBe(SAMPLE_SYSTEM_STATS);
    expect(report.benchmark).toMatchObject({ checkpoint: 'anything-v5-PrtRE.safetensors', seed: 42, elapsedS: 47.31, stepsPerSecond: 0.44 });
    expect(report.comfyui).toEqual({ mode: 'attach', url: 'http://127.0.0.1:8188', launchFlags: '', launchEnv: '' });
  });

  it('stamps the report simulated when the environment, the setup record or the stats say so', () => {
    expect(buildReport(inputs()).simulated).toBe(false);
    expect(buildReport(inputs({ simulatedByEnv: true })).simulated).toBe(true);
    const setup: SetupRecord = {
      runId: 'r',
      startedAt: '2026-11-28T10:15:03.123Z',
      mode: 'boot',
      url: 'http://127.0.0.1:8188',
      launchFlags: '',
      launchEnv: '',
      simulated: true,
    };
    expect(buildReport(inputs({ setup })).simulated).toBe(true);
    const stamped = new Map(notRun('x'));
    stamped.set('reachable', {
      result: { id: 'reachable', title: TRUTH_TITLES.reachable, verdict: 'PASS' },
      measurements: { systemStats: { system: { comfyui_gate_simulator: true }, devices: [] }, responseMs: 3 },
    });
    expect(buildReport(inputs({ truths: stamped })).simulated).toBe(true);
  });
});
