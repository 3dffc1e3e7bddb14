import { describe, expect, it } from 'vitest';
import { judgePressure, parseSwapUsage, parseThermal } from '../../../src/diagnosis/measured-causes.ts';

describe('parseSwapUsage', () => {
  it('reads sysctl vm.swapusage in its units', () => {
    expect(parseSwapUsage('vm.swapusage: total = 2048.00M  used = 1034.25M  free = 1013.75M  (encrypted)')).toEqual({ usedMiB: 1034.25, totalMiB: 2048 });
    expect(parseSwapUsage('total = 3.00G  used = 1.50G  free = 1.50G  (encrypted)')).toEqual({ usedMiB: 1536, totalMiB: 3072 });
    expect(parseSwapUsage('sysctl: unknown oid')).toBeUndefined();
  });
});

describe('parseThermal', () => {
  it('reads the CPU speed limit, and treats "no warning recorded" as full speed', () => {
    expect(parseThermal('CPU_Scheduler_Limit \t= 100\nCPU_Available_CPUs \t= 8\nCPU_Speed_Limit \t= 70')).toEqual({ speedLimitPercent: 70 });
    expect(parseThermal('Note: No thermal warning level has been recorded\nNote: No performance warning level has been recorded')).toEqual({
      speedLimitPercent: 100,
    });
    expect(parseThermal('')).toBeUndefined();
  });
});

describe('judgePressure', () => {
  it('says nothing for a calm run', () => {
    expect(judgePressure({ swapBefore: { usedMiB: 100 }, swapAfter: { usedMiB: 200 }, thermalAfter: { speedLimitPercent: 100 } })).toEqual([]);
  });

  it('reports swap growth and throttling as slows findings with the figures', () => {
    const findings = judgePressure({ swapBefore: { usedMiB: 100 }, swapAfter: { usedMiB: 1124 }, thermalAfter: { speedLimitPercent: 70 } });
    expect(findings.map((finding) => [finding.id, finding.severity, finding.figures])).toEqual([
      ['swap-growth', 'slows', { swapBeforeMiB: 100, swapAfterMiB: 1124, grownMiB: 1024 }],
      ['thermal-throttling', 'slows', { speedLimitPercent: 70 }],
    ]);
    expect(findings[0]?.cause).toBe(
      'swap in use grew by 1024 MiB (from 100 MiB to 1124 MiB) while the image was generated: the model and the other apps do not fit in memory',
    );
  });
});
