import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { listPids, readCmdline, readProcStat } from '../../src/processes/proc-fs.ts';
import { readEvents } from './events.ts';
import { runGate, verdictLine } from './run-gate.ts';
import { makeTempDir } from './temp-dirs.ts';

// A server whose /view answers with a decompression bomb: a valid 1.2 MB PNG whose header says
// 20000x20000, 1.2 GB once inflated. The gate must refuse it from the header, fail the benchmark
// truth with a message saying why, and never hold the pixels.

/** Peak resident memory the gate may reach; the bomb, once inflated, is 1.2 GB. */
const MAX_GATE_PEAK_MB = 500;
const MAX_GATE_SECONDS = 30;
const SAMPLE_EVERY_MS = 20;

interface ProcessPeak {
  readonly pid: number;
  readonly command: string;
  /** VmHWM: the most resident memory the process ever had, in MB. */
  readonly peakMb: number;
}

/**
 * Samples VmHWM of every process below `rootPid` until stopped. VmHWM is the kernel's own
 * high-water mark, so a spike between two samples is still seen, as long as the process is alive
 * at the next sample; the gate's processes live until it exits.
 */
function samplePeakMemory(rootPid: number): { stop(): ProcessPeak[] } {
  const peaks = new Map<number, ProcessPeak>();
  const sample = () => {
    const children = new Map<number, number[]>();
    for (const pid of listPids()) {
      const ppid = readProcStat(pid)?.ppid;
      if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    }
    const tree = [rootPid];
    for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
    for (const pid of tree) {
      const peakMb = readPeakMb(pid);
      if (peakMb !== undefined && peakMb >= (peaks.get(pid)?.peakMb ?? 0)) peaks.set(pid, { pid, command: readCmdline(pid), peakMb });
    }
  };
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  sample();
  return {
    stop() {
      clearInterval(timer);
      return [...peaks.values()];
    },
  };
}

function readPeakMb(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) / 1024);
  } catch {
    return undefined; // gone between listing and reading
  }
}

// The fake ComfyUI and the fake GPU tools run below the gate too, but they are the server's side.
function isGateProcess(peak: ProcessPeak): boolean {
  return !/fake-comfyui|fake-gpu-tools|main\.py|powermetrics/.test(peak.command);
}

describe('a decompression bomb from /view', () => {
  test('fails the benchmark truth from the PNG header within 30 s, naming the size, with the gate under 500 MB', async () => {
    const events = join(makeTempDir('gate-events'), 'events.jsonl');
    let sampler: { stop(): ProcessPeak[] } | undefined;
    const run = await runGate({
      env: { FAKE_COMFYUI_FAULT: 'bomb-png', FAKE_COMFYUI_EVENTS: events },
      args: ['specs/generation-under-budget'],
      // Well past the bound asserted below, and short of the test's own timeout, so a gate that
      // decodes the bomb fails the assertions (and shows its memory) instead of timing the test out.
      timeoutMs: 45_000,
      onSpawn: (child) => {
        if (child.pid !== undefined) sampler = samplePeakMemory(child.pid);
      },
    });
    const peaks = sampler?.stop() ?? [];

    expect(
      readEvents(events)
        .filter((event) => event.event === 'fault')
        .map((event) => event.fault),
    ).toEqual(['bomb-png']);
    // Soft, so a gate that decodes the bomb shows every way it failed: time, verdict and memory.
    expect.soft(run.exitCode).toBe(1);
    expect.soft(run.durationMs).toBeLessThan(MAX_GATE_SECONDS * 1000);
    const verdict = verdictLine(run.markdown, 'INFRA-04 benchmark');
    expect.soft(verdict).toMatch(/^- INFRA-04 benchmark \(< 120 seconds\): FAIL .*is 20000x20000.*refused before decoding/);
    const gate = peaks.filter(isGateProcess);
    // Vitest's process, whose worker thread fetched and checked the image, was measured; the fakes are
    // the server's side.
    expect(gate.filter((peak) => peak.command.includes('vitest')).length).toBeGreaterThanOrEqual(1);
    expect.soft(gate.filter((peak) => peak.peakMb >= MAX_GATE_PEAK_MB)).toEqual([]);
    expect(run.leftovers).toEqual([]);
  });
});
