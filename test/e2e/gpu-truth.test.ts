import { join } from 'node:path';
import { makeTempDir } from './temp-dirs.ts';
import { describe, expect, test } from 'vitest';
import { readEvents } from './events.ts';
import { runGate, verdictLine } from './run-gate.ts';

const GPU_SPECS = ['specs/generation-under-budget', 'specs/gpu-active'];
const GPU_LINE = 'the GPU is active during generation';

// The GPU truth against the fake GPU tools: each mode of a real sampler, as the gate sees it (a busy
// GPU is checked on the shared healthy run in core-gate.test.ts).
describe.concurrent('GPU activity during the generation', () => {
  test('a flat GPU trips the watchdog: the run is interrupted and both truths fail with the reason', async () => {
    const events = join(makeTempDir('gate-gpu'), 'events.jsonl');
    const run = await runGate({
      env: { FAKE_GPU_MODE: 'flat', GATE_GPU_IDLE_S: '3', FAKE_COMFYUI_STEP_MS: '1000', FAKE_COMFYUI_EVENTS: events },
      args: GPU_SPECS,
    });
    expect(run.exitCode).toBe(1);
    const message = 'GPU idle for 3 s after queueing: ComfyUI is not using the GPU (CPU fallback?)';
    expect(verdictLine(run.markdown, 'INFRA-04 benchmark')).toContain(message);
    expect(verdictLine(run.markdown, GPU_LINE)).toContain(message);
    expect(run.markdown).toContain('- GPU History (Activity Monitor): flat');
    const queued = readEvents(events).find((event) => event.event === 'prompt_queued');
    const interrupt = readEvents(events).find((event) => event.event === 'interrupt');
    expect(interrupt).toBeDefined();
    // The watchdog counts from the client's submit (a little before the server's "queued") and
    // checks four times a second: it fires within a second of the idle limit.
    expect((interrupt?.at ?? Infinity) - (queued?.at ?? 0)).toBeGreaterThanOrEqual(2500);
    expect((interrupt?.at ?? Infinity) - (queued?.at ?? 0)).toBeLessThan(4000);
    expect(run.leftovers).toEqual([]);
  });

  test('when powermetrics may not run, auto falls back to ioreg and the report says why', async () => {
    // ioreg is a process per poll: a longer run gives it enough samples on a busy machine.
    const run = await runGate({ env: { GATE_GPU_SAMPLER: 'auto', FAKE_GPU_MODE: 'denied', FAKE_COMFYUI_STEP_MS: '60' }, args: GPU_SPECS });
    expect(run.exitCode).toBe(0);
    expect(run.report?.gpu.sampler).toBe('ioreg');
    expect(run.report?.gpu.samplerReason).toContain('powermetrics must be invoked as the superuser');
    expect(run.markdown).toMatch(/Sampler: ioreg — needs no root; used since powermetrics could not run \(powermetrics: /);
  });

  test('a sampler that dies mid-run fails the GPU truth with what the tool said', async () => {
    const run = await runGate({ env: { FAKE_GPU_MODE: 'crash', FAKE_COMFYUI_STEP_MS: '100' }, args: GPU_SPECS });
    expect(run.exitCode).toBe(1);
    expect(verdictLine(run.markdown, GPU_LINE)).toMatch(
      /FAIL \(SIMULATED\) — GPU activity could not be measured: powermetrics stopped with exit code 1 after 2 sample\(s\): powermetrics: simulated crash/,
    );
    expect(run.leftovers).toEqual([]);
  });

  test('no usable sampler is a failure with the fix, never a silent skip', async () => {
    const run = await runGate({ env: { GATE_GPU_SAMPLER: 'none' }, args: GPU_SPECS });
    expect(run.exitCode).toBe(1);
    expect(verdictLine(run.markdown, GPU_LINE)).toContain('GPU sampling is switched off (GATE_GPU_SAMPLER=none)');
    expect(run.markdown).toContain('set GATE_GPU_SAMPLER=auto, or GATE_SKIP=gpu to leave this truth out on purpose');
  });

  test('a virtual Mac fails the device truth: MPS there cannot really be used', async () => {
    const run = await runGate({ env: { FAKE_MAC_VIRTUAL: '1' }, args: ['specs/device'] });
    expect(run.exitCode).toBe(1);
    expect(verdictLine(run.markdown, 'MPS active')).toContain(
      'MPS is not usable on virtual Macs (GitHub-hosted runners): use a self-hosted M-series runner (kern.hv_vmm_present=1, hw.model=VirtualMac2,1)',
    );
  });
});
