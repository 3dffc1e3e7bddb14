import { describe, expect, it } from 'vitest';
import { fail, getExitCode, ok, warn } from '../../../src/doctor/doctor-check.ts';
import { renderDoctorJson, renderDoctorText } from '../../../src/doctor/render-doctor.ts';

const CHECKS = [
  ok('macos', 'macOS', '15.5'),
  warn('powermetrics', 'powermetrics', 'needs a password', 'add the sudoers line'),
  fail('checkpoint', 'Checkpoint', 'model.safetensors is not in /c/models/checkpoints', 'download it'),
];

describe('renderDoctorText', () => {
  it('prints one aligned line per check, the fix after an arrow, then the counts', () => {
    expect(renderDoctorText(CHECKS)).toBe(
      [
        'OK    macOS         15.5',
        'WARN  powermetrics  needs a password  → add the sudoers line',
        'FAIL  Checkpoint    model.safetensors is not in /c/models/checkpoints  → download it',
        '',
        '1 OK, 1 WARN, 1 FAIL: fix the FAIL lines before npm test',
        '',
      ].join('\n'),
    );
  });

  it('says npm test can start when nothing failed', () => {
    expect(renderDoctorText(CHECKS.slice(0, 2)).split('\n').at(-2)).toBe('1 OK, 1 WARN, 0 FAIL: npm test can start');
  });
});

describe('renderDoctorJson', () => {
  it('prints {"checks":[…]} with fix null for OK', () => {
    expect(JSON.parse(renderDoctorJson(CHECKS))).toEqual({
      checks: [
        { id: 'macos', status: 'OK', name: 'macOS', found: '15.5', fix: null },
        { id: 'powermetrics', status: 'WARN', name: 'powermetrics', found: 'needs a password', fix: 'add the sudoers line' },
        { id: 'checkpoint', status: 'FAIL', name: 'Checkpoint', found: 'model.safetensors is not in /c/models/checkpoints', fix: 'download it' },
      ],
    });
    expect(renderDoctorJson(CHECKS).split('\n')).toHaveLength(2);
  });
});

describe('getExitCode', () => {
  it('is 1 only when a check failed', () => {
    expect(getExitCode(CHECKS)).toBe(1);
    expect(getExitCode(CHECKS.slice(0, 2))).toBe(0);
    expect(getExitCode([])).toBe(0);
  });
});
