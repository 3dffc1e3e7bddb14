import { describe, expect, it } from 'vitest';
import { isPowermetricsWanted, judgePowermetrics, type PowermetricsContext } from '../../../src/doctor/judge-powermetrics.ts';

const MAC: PowermetricsContext = { isMac: true, sampler: 'auto', skipGpu: false, expectedDevice: 'mps', user: 'ana' };
const DENIED = { kind: 'refused', detail: 'sudo -n powermetrics exited with code 1: sudo: a password is required' } as const;
const SUDOERS = "echo 'ana ALL=(root) NOPASSWD: /usr/bin/powermetrics' | sudo tee /etc/sudoers.d/powermetrics";

describe('judgePowermetrics', () => {
  it('passes when sudo -n powermetrics runs', () => {
    expect(judgePowermetrics(MAC, { kind: 'runs' })).toEqual({
      id: 'powermetrics',
      status: 'OK',
      name: 'powermetrics',
      found: 'sudo -n powermetrics runs without a password',
      fix: null,
    });
  });

  it('warns with the sudoers line when it needs a password and the gate can fall back to ioreg', () => {
    expect(judgePowermetrics(MAC, DENIED)).toEqual({
      id: 'powermetrics',
      status: 'WARN',
      name: 'powermetrics',
      found: 'sudo -n powermetrics exited with code 1: sudo: a password is required; the gate falls back to ioreg',
      fix: SUDOERS,
    });
  });

  it('fails when GATE_GPU_SAMPLER=powermetrics leaves no fallback', () => {
    expect(judgePowermetrics({ ...MAC, sampler: 'powermetrics' }, DENIED)).toEqual({
      id: 'powermetrics',
      status: 'FAIL',
      name: 'powermetrics',
      found: 'sudo -n powermetrics exited with code 1: sudo: a password is required; GATE_GPU_SAMPLER=powermetrics has no fallback',
      fix: `${SUDOERS}, or set GATE_GPU_SAMPLER=auto to fall back to ioreg`,
    });
  });

  it('is not tried when the gate would not use it, and says why', () => {
    const cases: [PowermetricsContext, string][] = [
      [{ ...MAC, skipGpu: true }, 'not used (GATE_SKIP=gpu)'],
      [{ ...MAC, sampler: 'ioreg' }, 'not used (GATE_GPU_SAMPLER=ioreg)'],
      [{ ...MAC, expectedDevice: 'cpu' }, 'not used (COMFYUI_EXPECT_DEVICE=cpu)'],
    ];
    for (const [context, found] of cases) {
      expect(isPowermetricsWanted(context)).toBe(false);
      expect(judgePowermetrics(context, undefined)).toEqual({ id: 'powermetrics', status: 'OK', name: 'powermetrics', found, fix: null });
    }
    expect(isPowermetricsWanted(MAC)).toBe(true);
    expect(isPowermetricsWanted({ ...MAC, sampler: 'powermetrics', expectedDevice: 'cuda' })).toBe(true);
  });

  it('says n/a off a Mac', () => {
    expect(isPowermetricsWanted({ ...MAC, isMac: false })).toBe(false);
    expect(judgePowermetrics({ ...MAC, isMac: false }, undefined)).toEqual({
      id: 'powermetrics',
      status: 'WARN',
      name: 'powermetrics',
      found: 'n/a (not a Mac)',
      fix: 'the plan runs on an Apple Silicon Mac; on this machine set COMFYUI_EXPECT_DEVICE=cuda or cpu',
    });
    expect(judgePowermetrics({ ...MAC, isMac: false, expectedDevice: 'cuda' }, undefined).status).toBe('OK');
  });
});
