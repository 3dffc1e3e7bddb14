import { describe, expect, it } from 'vitest';

import { diagnoseLog } from '../../../src/diagnosis/diagnose-log.ts';
import { formatDiagnosis, formatFindings, toFindingsJson } from '../../../src/diagnosis/format-findings.ts';

const OOM_LOG = [
  'got prompt',
  '2026-01-01T00:00:00Z [ERROR] RuntimeError: MPS backend out of memory (MPS allocated: 8.72 GB, other allocations: 110.16 MB, max allowed: 9.07 GB). Tried to allocate 405.00 MB on private pool.',
  'Set vram state to: SHARED',
  'Device: mps',
].join('\n');

describe('formatFindings', () => {
  it('prints severity, id and title, then cause, fix and the evidence lines', () => {
    expect(formatFindings(diagnoseLog(OOM_LOG))).toEqual([
      'BLOCKS mps-out-of-memory: MPS ran out of memory',
      '  cause: An allocation of 405.00 MB did not fit: MPS already held 8.72 GB (plus 110.16 MB other allocations) of the 9.07 GB it may use.',
      '  fix: Lower the resolution, batch size or frame count, load a smaller or fp16/quantised model, and quit other apps; PYTORCH_MPS_HIGH_WATERMARK_RATIO=0.0 lifts the limit but can freeze the Mac.',
      '  line 2: 2026-01-01T00:00:00Z [ERROR] RuntimeError: MPS backend out of memory (MPS allocated: 8.72 GB, other allocations: 110.16 MB, max allowed: 9.07 GB). Tried to allocate 405.00 MB on private pool.',
      'INFO healthy-mps: ComfyUI used the Apple GPU (MPS)',
      '  cause: ComfyUI chose the MPS device with shared memory (vram state SHARED).',
      '  line 3: Set vram state to: SHARED',
      '  line 4: Device: mps',
    ]);
  });

  it('says how many evidence lines were left out', () => {
    const log = Array.from({ length: 7 }, () => 'Set vram state to: LOW_VRAM').join('\n');
    expect(formatFindings(diagnoseLog(log)).slice(-2)).toEqual(['  line 5: Set vram state to: LOW_VRAM', '  … 2 more line(s)']);
  });
});

describe('formatDiagnosis', () => {
  it('says plainly when nothing is wrong', () => {
    expect(formatDiagnosis('empty.log', 3, [])).toEqual(['No known problem found in empty.log (3 lines).']);
  });

  it('counts blocking and slowing findings in the headline', () => {
    const findings = diagnoseLog(`python main.py --force-fp32\n${OOM_LOG}`);
    expect(formatDiagnosis('comfyui.log', 5, findings)[0]).toBe('comfyui.log (5 lines): 1 finding(s) block the run, 1 slow it.');
  });
});

describe('toFindingsJson', () => {
  it('keeps id, severity, title, evidence, cause, fix and figures, and nothing else', () => {
    const [oom] = toFindingsJson(diagnoseLog(OOM_LOG)).findings;
    expect(Object.keys(oom ?? {})).toEqual(['id', 'severity', 'title', 'evidence', 'cause', 'fix', 'figures']);
    expect(oom?.figures).toEqual({ allocated: '8.72 GB', other: '110.16 MB', maxAllowed: '9.07 GB', requested: '405.00 MB' });
    const log = Array.from({ length: 7 }, () => 'Device: mps').join('\n');
    expect(toFindingsJson(diagnoseLog(log))).toEqual({
      findings: [
        {
          id: 'healthy-mps',
          severity: 'info',
          title: 'ComfyUI used the Apple GPU (MPS)',
          evidence: [1, 2, 3, 4, 5].map((line) => ({ line, text: 'Device: mps' })),
          cause: 'ComfyUI chose the MPS device.',
          fix: '',
        },
      ],
    });
  });
});
