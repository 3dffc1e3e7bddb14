import { describe, expect, it } from 'vitest';

import { describeTooLarge, parseDiagnoseArgs } from '../../../src/diagnosis/diagnose-args.ts';

describe('parseDiagnoseArgs', () => {
  it('reads a file, --json in any position, and - for stdin', () => {
    expect(parseDiagnoseArgs(['comfyui.log'])).toEqual({ kind: 'run', source: 'comfyui.log', json: false });
    expect(parseDiagnoseArgs(['comfyui.log', '--json'])).toEqual({ kind: 'run', source: 'comfyui.log', json: true });
    expect(parseDiagnoseArgs(['--json', '-'])).toEqual({ kind: 'run', source: '-', json: true });
    expect(parseDiagnoseArgs(['--', '--json'])).toEqual({ kind: 'run', source: '--json', json: false });
  });

  it('refuses no file, two files and unknown options, saying which', () => {
    expect(parseDiagnoseArgs([])).toEqual({ kind: 'usage-error', message: 'no log file given' });
    expect(parseDiagnoseArgs(['a.log', 'b.log'])).toEqual({ kind: 'usage-error', message: 'one log file at a time (also given: b.log)' });
    expect(parseDiagnoseArgs(['--jsno', 'a.log'])).toEqual({ kind: 'usage-error', message: 'unknown option --jsno' });
    expect(parseDiagnoseArgs(['-h'])).toEqual({ kind: 'help' });
  });
});

describe('describeTooLarge', () => {
  it('names the file, its size and the limit', () => {
    expect(describeTooLarge('big.log', 31_457_280)).toBe(
      'big.log is 30.0 MB, over the 20.0 MB a ComfyUI log should need; pass the part around the failure (e.g. tail -n 5000).',
    );
  });
});
