import { describe, expect, test } from 'vitest';
import { makeTempDir } from './temp-dirs';
import { runGate } from './run-gate';

// The Diagnosis a person reads after a slow or failed run on a Mac, from causes measured around
// the generation (the fake sysctl and pmset answer as a Mac would).
describe('Diagnosis from measurements during the generation', () => {
  test('swap that grows and a CPU speed limit below 100 % are named with their figures, in the report, the terminal and JUnit', async () => {
    const run = await runGate({
      env: { FAKE_MAC_SWAP: '100:1024', FAKE_MAC_STATE_DIR: makeTempDir('gate-mac-state'), FAKE_MAC_THERMAL_LIMIT: '70' },
      args: ['specs/reachable', 'specs/device', 'specs/generation-under-budget'],
    });
    expect(run.exitCode).toBe(0);
    const diagnosis = run.markdown.slice(run.markdown.indexOf('## Diagnosis'));
    expect(diagnosis).toMatch(/^- \*\*SLOWS\*\* `swap-growth` .*swap in use grew by 1024 MiB \(from 100 MiB to 1124 MiB\)/m);
    expect(diagnosis).toMatch(/^- \*\*SLOWS\*\* `thermal-throttling` .*CPU speed limit of 70 %/m);
    expect(diagnosis).toMatch(/^Measured during the generation: swap in use 100 → 1124 MiB; CPU speed limit 70 %; ComfyUI's peak memory \d+ MiB$/m);
    expect(run.output).toMatch(/^\[comfyui-gate\] {3}SLOWS swap-growth: /m);
    expect(run.junit).toContain('<property name="diagnosis" value="slows:swap-growth slows:thermal-throttling"/>');
    expect(run.report?.benchmark.pressure).toMatchObject({ swapBeforeMiB: 100, swapAfterMiB: 1124, speedLimitPercent: 70 });
  });

  test('a calm Mac gives no finding, and the figures still show', async () => {
    const run = await runGate({ args: ['specs/reachable', 'specs/device', 'specs/generation-under-budget'] });
    expect(run.exitCode).toBe(0);
    const diagnosis = run.markdown.slice(run.markdown.indexOf('## Diagnosis'));
    expect(diagnosis).toContain('No known cause of failure or slowness found (read: the ComfyUI log ');
    expect(diagnosis).toMatch(/^Measured during the generation: swap in use 0 → 0 MiB; CPU speed limit 100 %/m);
  });
});
