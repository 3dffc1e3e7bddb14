import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';
import { getStateDir } from '../../../src/run-record/run-state.ts';
import { startGpuMonitor, type MonitorOptions, type MonitorStart } from '../../../src/gpu/gpu-monitor.ts';
import type { GpuSampler } from '../../../src/gpu/gpu-sampler.ts';

// The fake powermetrics, ioreg, nvidia-smi and sudo come first on PATH. The monitor spawns its
// tools with this process's environment, so PATH and the FAKE_* knobs are set on process.env.
const FAKE_BIN = fileURLToPath(new URL('../../../fixtures/fake-gpu-tools/bin', import.meta.url));
const BUSY_CYCLE = [72, 88, 95, 61, 83, 90, 67, 78];
const POWERMETRICS_ARGS = '--samplers gpu_power -i 250 -f plist';

const savedEnv = { ...process.env };
let reportDir: string;
let toolLog: string;
const samplers: GpuSampler[] = [];

beforeEach(() => {
  reportDir = mkdtempSync(join(tmpdir(), 'gate-gpu-monitor-'));
  toolLog = join(reportDir, 'tools.jsonl');
  for (const name of Object.keys(process.env)) if (name.startsWith('FAKE_')) delete process.env[name];
  process.env.PATH = `${FAKE_BIN}:${savedEnv.PATH ?? ''}`;
  process.env.FAKE_GPU_LOG = toolLog;
});

afterEach(async () => {
  await Promise.all(samplers.splice(0).map((sampler) => sampler.stop()));
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
  rmSync(reportDir, { recursive: true, force: true });
});

/** Starts the monitor as the generation spec does, from a config loaded from `env`. */
async function start(env: Record<string, string>, options?: MonitorOptions): Promise<MonitorStart> {
  const config = loadConfig({ COMFYUI_URL: 'http://127.0.0.1:8188', GATE_REPORT_DIR: reportDir, ...env });
  const started = await startGpuMonitor(config, reportDir, options);
  if (started.kind === 'running') samplers.push(started.sampler);
  return started;
}

function getSampler(started: MonitorStart): GpuSampler {
  if (started.kind !== 'running') throw new Error(`expected a running sampler, got ${JSON.stringify(started)}`);
  return started.sampler;
}

/** Every invocation the fake tools logged: `sudo -n x` logs sudo, then x with the same pid. */
function readToolLog(): { tool: string; pid: number; argv: string[] }[] {
  if (!existsSync(toolLog)) return [];
  return readFileSync(toolLog, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { tool: string; pid: number; argv: string[] });
}

function isRunning(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

async function waitForSamples(sampler: GpuSampler, count: number): Promise<void> {
  await vi.waitFor(() => expect(sampler.samples().length).toBeGreaterThanOrEqual(count), { timeout: 4000, interval: 20 });
}

const registered = () => readdirSync(join(getStateDir(reportDir), 'children'));

describe('startGpuMonitor with a sampler chosen by GATE_GPU_SAMPLER', () => {
  it.runIf(process.getuid?.() === 0)('runs powermetrics directly as root, one sample per interval, and stop() ends it', async () => {
    const started = await start({ GATE_GPU_SAMPLER: 'powermetrics' });
    expect(started).toMatchObject({ kind: 'running', reason: 'runs directly: the gate runs as root; set by GATE_GPU_SAMPLER' });
    const sampler = getSampler(started);
    expect(sampler).toMatchObject({ name: 'powermetrics', command: `powermetrics ${POWERMETRICS_ARGS}`, intervalMs: 250 });

    await waitForSamples(sampler, 4);
    const samples = sampler.samples().slice(0, 4);
    expect(samples.map((sample) => sample.activePercent)).toEqual(BUSY_CYCLE.slice(0, 4));
    const meanGapMs = ((samples[3]?.at ?? 0) - (samples[0]?.at ?? 0)) / 3;
    expect(meanGapMs).toBeGreaterThan(150);
    expect(meanGapMs).toBeLessThan(350);

    const [invocation] = readToolLog();
    expect(invocation).toMatchObject({ tool: 'powermetrics', argv: POWERMETRICS_ARGS.split(' ') });
    const pid = invocation?.pid ?? 0;
    expect(registered()).toEqual([String(pid)]);
    expect(isRunning(pid)).toBe(true);

    await sampler.stop();
    expect(isRunning(pid)).toBe(false);
    expect(registered()).toEqual([]);
    // Being stopped is not a failure.
    expect(sampler.failure()).toBeUndefined();
  });

  it('polls ioreg', async () => {
    const started = await start({ GATE_GPU_SAMPLER: 'ioreg' });
    expect(started).toMatchObject({ kind: 'running', reason: 'needs no root; set by GATE_GPU_SAMPLER' });
    const sampler = getSampler(started);
    expect(sampler).toMatchObject({ name: 'ioreg', command: 'ioreg -r -d 1 -w 0 -c IOAccelerator', intervalMs: 250 });
    await waitForSamples(sampler, 2);
    for (const sample of sampler.samples()) expect(BUSY_CYCLE).toContain(sample.activePercent);
    // One short ioreg run per sample; no root, no sudo.
    const invocations = readToolLog();
    expect(invocations.length).toBeGreaterThanOrEqual(2);
    for (const invocation of invocations) expect(invocation).toMatchObject({ tool: 'ioreg', argv: ['-r', '-d', '1', '-w', '0', '-c', 'IOAccelerator'] });
  });

  it('streams macmon pipe lines, with no root needed', async () => {
    const sampler = getSampler(await start({ GATE_GPU_SAMPLER: 'macmon' }));
    expect(sampler.command).toBe('macmon pipe -i 250');
    await vi.waitFor(() => expect(sampler.samples().length).toBeGreaterThanOrEqual(2), { timeout: 3000 });
    expect(
      sampler
        .samples()
        .slice(0, 2)
        .map((sample) => sample.activePercent),
    ).toEqual([72, 88]);
  });

  it('runs nvidia-smi with a CSV query loop', async () => {
    const started = await start({ GATE_GPU_SAMPLER: 'nvidia-smi' });
    expect(started).toMatchObject({ kind: 'running', reason: 'the NVIDIA driver tool; set by GATE_GPU_SAMPLER' });
    const sampler = getSampler(started);
    expect(sampler.command).toBe('nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used,power.draw --format=csv,noheader,nounits -lms 250');
    await waitForSamples(sampler, 3);
    // The cuda recording's generation: 4, 23, 25 % busy.
    expect(
      sampler
        .samples()
        .slice(0, 3)
        .map((sample) => sample.activePercent),
    ).toEqual([4, 23, 25]);

    const pid = readToolLog()[0]?.pid ?? 0;
    await sampler.stop();
    expect(isRunning(pid)).toBe(false);
  });

  it('says a switched-off sampler leaves GPU activity unproven', async () => {
    expect(await start({ GATE_GPU_SAMPLER: 'none' })).toEqual({
      kind: 'unavailable',
      reason: 'GPU sampling is switched off (GATE_GPU_SAMPLER=none), so GPU activity cannot be proven',
      hint: 'set GATE_GPU_SAMPLER=auto, or GATE_SKIP=gpu to leave this truth out on purpose',
    });
    expect(readToolLog()).toEqual([]);
  });

  it('reports a sampler that dies mid-run, with what the tool said', async () => {
    process.env.FAKE_GPU_MODE = 'crash';
    const sampler = getSampler(await start({ GATE_GPU_SAMPLER: 'powermetrics' }, { isRoot: true }));
    await vi.waitFor(() => expect(sampler.failure()).toBeDefined(), { timeout: 4000, interval: 20 });
    expect(sampler.failure()?.message).toBe(
      'powermetrics stopped with exit code 1 after 2 sample(s): powermetrics: simulated crash after 2 samples (FAKE_GPU_MODE=crash)',
    );
    expect(sampler.samples().map((sample) => sample.activePercent)).toEqual([72, 88]);
    expect(registered()).toEqual([]);
  });
});

describe('startGpuMonitor skipping', () => {
  it('skips when GATE_SKIP has gpu', async () => {
    expect(await start({ GATE_SKIP: 'infra-02,gpu' })).toEqual({ kind: 'skipped', reason: 'SKIPPED by configuration (GATE_SKIP=infra-02,gpu)' });
  });

  it('skips on a CPU-only profile when the sampler is automatic', async () => {
    expect(await start({ COMFYUI_EXPECT_DEVICE: 'cpu' })).toEqual({
      kind: 'skipped',
      reason: 'SKIPPED by configuration (COMFYUI_EXPECT_DEVICE=cpu: there is no GPU to watch)',
    });
    expect(readToolLog()).toEqual([]);
  });
});

describe('startGpuMonitor choosing automatically', () => {
  it('uses nvidia-smi for the cuda profile', async () => {
    const started = await start({ COMFYUI_EXPECT_DEVICE: 'cuda' });
    expect(started).toMatchObject({ kind: 'running', reason: 'the NVIDIA driver tool, for the cuda profile' });
    expect(getSampler(started).name).toBe('nvidia-smi');
  });

  it('falls back to ioreg when powermetrics refuses to run, and says why', async () => {
    // Denied mode: the fake powermetrics acts as if this user were not root.
    process.env.FAKE_GPU_MODE = 'denied';
    const started = await start({}, { isRoot: true });
    expect(started).toMatchObject({
      kind: 'running',
      reason:
        'needs no root; used since powermetrics could not run (powermetrics: powermetrics stopped with exit code 1 after 0 sample(s): powermetrics must be invoked as the superuser)',
    });
    expect(getSampler(started).name).toBe('ioreg');
    // The refused powermetrics was cleaned up.
    const refused = readToolLog().find((entry) => entry.tool === 'powermetrics');
    expect(isRunning(refused?.pid ?? 0)).toBe(false);
    expect(registered()).toEqual([]);
  });

  it('runs powermetrics through sudo -n when not root', async () => {
    const started = await start({}, { isRoot: false });
    expect(started).toMatchObject({ kind: 'running', reason: 'runs through sudo -n: sudoers allows it without a password' });
    const sampler = getSampler(started);
    expect(sampler.command).toBe(`sudo -n powermetrics ${POWERMETRICS_ARGS}`);
    await waitForSamples(sampler, 1);
    // The fake sudo execs powermetrics: one process, so stopping it stops the tool.
    const [sudo, powermetrics] = readToolLog();
    expect(sudo).toMatchObject({ tool: 'sudo', argv: ['-n', 'powermetrics', ...POWERMETRICS_ARGS.split(' ')] });
    expect(powermetrics).toMatchObject({ tool: 'powermetrics', pid: sudo?.pid, argv: POWERMETRICS_ARGS.split(' ') });
    await sampler.stop();
    expect(isRunning(sudo?.pid ?? 0)).toBe(false);
  });

  it('falls back to ioreg when sudo wants a password, and says so', async () => {
    process.env.FAKE_GPU_MODE = 'denied';
    const started = await start({}, { isRoot: false });
    expect(started).toMatchObject({
      kind: 'running',
      reason:
        'needs no root; used since powermetrics could not run (sudo -n powermetrics: powermetrics stopped with exit code 1 after 0 sample(s): sudo: a password is required)',
    });
  });

  it('tells how to allow powermetrics when no sampler works', async () => {
    process.env.FAKE_GPU_MODE = 'denied';
    expect(await start({ GATE_GPU_SAMPLER: 'powermetrics' }, { isRoot: false })).toEqual({
      kind: 'unavailable',
      reason: 'no GPU sampler works here: sudo -n powermetrics: powermetrics stopped with exit code 1 after 0 sample(s): sudo: a password is required',
      hint: `let powermetrics run without a password: add \`${userInfo().username} ALL=(root) NOPASSWD: /usr/bin/powermetrics\` with \`sudo visudo -f /etc/sudoers.d/powermetrics\`; or make sure ioreg is on PATH`,
    });
  });
});
