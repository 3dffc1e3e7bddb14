import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getStateDir, readState, resetState, writeState, type SetupRecord } from '../../../src/run-record/run-state.ts';

let reportDir: string;

beforeEach(() => {
  reportDir = mkdtempSync(join(tmpdir(), 'gate-state-'));
});

afterEach(() => {
  rmSync(reportDir, { recursive: true, force: true });
});

const SETUP: SetupRecord = {
  runId: '2026-11-28T10-15-03-123Z',
  startedAt: '2026-11-28T10:15:03.123Z',
  mode: 'boot',
  url: 'http://127.0.0.1:8188',
  launchFlags: '--force-fp16 --listen 127.0.0.1 --port 8188',
  launchEnv: 'PYTORCH_ENABLE_MPS_FALLBACK=1',
  logPath: '/tmp/reports/comfyui.log',
  timeToReadyMs: 4210,
  pid: 4242,
};

describe('run state', () => {
  it('keeps the run record under <report dir>/.state', () => {
    expect(getStateDir(reportDir)).toBe(join(reportDir, '.state'));
  });

  it('reads back what was written, as pretty JSON files', () => {
    writeState(reportDir, 'setup', SETUP);
    writeState(reportDir, 'generation', { submittedAt: 1000, endedAt: 2000, status: 'success', phases: [] });
    expect(readState<SetupRecord>(reportDir, 'setup')).toEqual(SETUP);
    expect(readState(reportDir, 'generation')).toEqual({ submittedAt: 1000, endedAt: 2000, status: 'success', phases: [] });
    expect(readdirSync(getStateDir(reportDir)).sort()).toEqual(['generation.json', 'setup.json']);
  });

  it('overwrites a part that is written again', () => {
    writeState(reportDir, 'gpu', { samples: [1] });
    writeState(reportDir, 'gpu', { samples: [1, 2] });
    expect(readState(reportDir, 'gpu')).toEqual({ samples: [1, 2] });
  });

  it('returns undefined for a part never written or not readable', () => {
    expect(readState(reportDir, 'gpu')).toBeUndefined();
    writeState(reportDir, 'setup', SETUP);
    writeFileSync(join(getStateDir(reportDir), 'broken.json'), '{"runId": ');
    expect(readState(reportDir, 'broken')).toBeUndefined();
  });

  it('drops the previous run on reset, and a reset with nothing there is fine', () => {
    writeState(reportDir, 'setup', SETUP);
    resetState(reportDir);
    expect(existsSync(getStateDir(reportDir))).toBe(false);
    expect(readState(reportDir, 'setup')).toBeUndefined();
    expect(() => resetState(reportDir)).not.toThrow();
  });
});
