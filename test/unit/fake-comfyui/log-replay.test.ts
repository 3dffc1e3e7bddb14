import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { makeScratchDir, REPO_ROOT, startFake, stopAllFakes } from './support/fake-process.ts';
import { getBenchmarkPrompt, runToEnd } from './support/runs.ts';
import { recordSocket } from './support/socket-recorder.ts';

// FAKE_COMFYUI_LOG_REPLAY: a real log's lines become the fake's own, on stderr and in
// /internal/logs, at boot or during a run; with execution-error the run fails with its exception.

afterEach(stopAllFakes);

const MAC_LOGS = join(REPO_ROOT, 'fixtures', 'mac-logs');
const HEALTHY = join(MAC_LOGS, 'm3max-64gb-startup-force-fp16-split-cross-attention.txt');
const FALLBACK = join(MAC_LOGS, 'pytorch-level-im2col-mpsfallback-userwarning-format.txt');
const OOM_REPORT = join(MAC_LOGS, 'desktop-ksampler-mps-oom-9GB-limit-error-report.txt');
const OOM_MESSAGE =
  'MPS backend out of memory (MPS allocated: 8.72 GB, other allocations: 110.16 MB, max allowed: 9.07 GB). Tried to allocate 405.00 MB on private pool. ' +
  'Use PYTORCH_MPS_HIGH_WATERMARK_RATIO=0.0 to disable upper limit for memory allocations (may cause system failure).';

function readLines(file: string): string[] {
  return readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
}

async function getLogText(url: string): Promise<string> {
  return (await (await fetch(`${url}/internal/logs`)).json()) as string;
}

/** Where each of `lines` appears in `text`'s lines, searching on from the previous one: in order, or -1. */
function findInOrder(text: string, lines: readonly string[]): number[] {
  const all = text.split('\n');
  let from = 0;
  return lines.map((line) => {
    const at = all.indexOf(line, from);
    if (at !== -1) from = at + 1;
    return at;
  });
}

function writeScratchFile(name: string, text: string): string {
  const file = join(makeScratchDir(), name);
  writeFileSync(file, text);
  return file;
}

describe('replaying a log', () => {
  test('at boot (the default): every line, in order, before "To see the GUI", on stderr and in /internal/logs', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_LOG_REPLAY: HEALTHY } });
    const lines = readLines(HEALTHY);
    const logs = await getLogText(fake.url);
    const gui = logs.split('\n').findIndex((line) => line.startsWith('To see the GUI go to: http://127.0.0.1:'));
    const positions = findInOrder(logs, lines);
    expect(positions).not.toContain(-1);
    expect(positions).toEqual(lines.map((_, index) => index));
    expect(gui).toBeGreaterThan(lines.length);
    expect(findInOrder(fake.stderr(), lines)).toEqual(lines.map((_, index) => index));
    // The fake's own boot lines are still there after the replayed ones.
    expect(logs).toContain('\nDevice: mps\n');
    const raw = (await (await fetch(`${fake.url}/internal/logs/raw`)).json()) as { entries: { m: string }[] };
    expect(raw.entries.slice(0, lines.length).map((entry) => entry.m)).toEqual(lines.map((line) => `${line}\n`));
  });

  test('FAKE_COMFYUI_LOG_REPLAY_AT=run: nothing at boot; the lines follow "got prompt" of the first run, and the run passes', async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_LOG_REPLAY: FALLBACK, FAKE_COMFYUI_LOG_REPLAY_AT: 'run' } });
    const lines = readLines(FALLBACK);
    expect(await getLogText(fake.url)).not.toContain(lines[2]);
    const socket = await recordSocket(fake.url, 'c1');
    const first = await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 2 }));
    expect(first.frames.map((frame) => frame.type)).toContain('execution_success');
    const logs = await getLogText(fake.url);
    const all = logs.split('\n');
    const gotPrompt = all.indexOf('got prompt');
    expect(findInOrder(logs, lines)).toEqual(lines.map((_, index) => gotPrompt + 1 + index));
    expect(all.findIndex((line) => line.startsWith('Prompt executed in '))).toBeGreaterThan(gotPrompt + lines.length);
    // Only the first run replays them.
    await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 2, seed: 2 }));
    expect((await getLogText(fake.url)).split(lines[2] ?? '').length).toBe(2);
  });

  test('FAKE_COMFYUI_LOG_REPLAY_AT=split: lines before the first "got prompt" at boot, the rest in the run, the marker not printed twice', async () => {
    const file = writeScratchFile(
      'comfyui.log',
      ['Total VRAM 65536 MB, total RAM 65536 MB', 'Device: mps', 'got prompt', 'Requested to load SDXL', 'Prompt executed in 9.50 seconds', ''].join('\n'),
    );
    const fake = await startFake({ env: { FAKE_COMFYUI_LOG_REPLAY: file, FAKE_COMFYUI_LOG_REPLAY_AT: 'split' } });
    const boot = await getLogText(fake.url);
    expect(boot.startsWith('Total VRAM 65536 MB, total RAM 65536 MB\nDevice: mps\n')).toBe(true);
    expect(boot).not.toContain('Requested to load SDXL');
    const socket = await recordSocket(fake.url, 'c1');
    await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 2 }));
    const logs = await getLogText(fake.url);
    expect(logs).toContain('\ngot prompt\nRequested to load SDXL\nPrompt executed in 9.50 seconds\n');
    expect(logs.split('\n').filter((line) => line === 'got prompt')).toHaveLength(1);
  });

  test('a bad replay setting stops the fake with exit code 2, naming it', async () => {
    const missing = await startFake({ env: { FAKE_COMFYUI_LOG_REPLAY: '/nonexistent/comfyui.log' }, waitReady: false });
    expect(await missing.exited).toEqual({ code: 2, signal: null });
    expect(missing.stderr()).toBe('fake-comfyui: FAKE_COMFYUI_LOG_REPLAY="/nonexistent/comfyui.log": cannot read /nonexistent/comfyui.log (ENOENT)\n');
    const noMarker = await startFake({ env: { FAKE_COMFYUI_LOG_REPLAY: HEALTHY, FAKE_COMFYUI_LOG_REPLAY_AT: 'split' }, waitReady: false });
    expect(await noMarker.exited).toEqual({ code: 2, signal: null });
    expect(noMarker.stderr()).toBe(`fake-comfyui: FAKE_COMFYUI_LOG_REPLAY_AT=split: ${HEALTHY} has no "got prompt" line to split at\n`);
    const badAt = await startFake({ env: { FAKE_COMFYUI_LOG_REPLAY: HEALTHY, FAKE_COMFYUI_LOG_REPLAY_AT: 'later' }, waitReady: false });
    expect(await badAt.exited).toEqual({ code: 2, signal: null });
    expect(badAt.stderr()).toBe('fake-comfyui: FAKE_COMFYUI_LOG_REPLAY_AT="later": expected one of boot, run, split\n');
  });
});

describe('failing a run with the replayed exception (FAKE_COMFYUI_FAULT=execution-error)', () => {
  test("an error report's exception fails the node it names, at its first step, and the fake logs ComfyUI's exception block", async () => {
    const fake = await startFake({ env: { FAKE_COMFYUI_LOG_REPLAY: OOM_REPORT, FAKE_COMFYUI_LOG_REPLAY_AT: 'run', FAKE_COMFYUI_FAULT: 'execution-error' } });
    const socket = await recordSocket(fake.url, 'c1');
    const { frames } = await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 4 }));
    const error = frames.find((frame) => frame.type === 'execution_error');
    expect(Object.keys(error?.data ?? {})).toEqual([
      'prompt_id',
      'node_id',
      'node_type',
      'executed',
      'exception_message',
      'exception_type',
      'traceback',
      'current_inputs',
      'current_outputs',
      'timestamp',
    ]);
    expect(error?.data).toMatchObject({ node_id: '3', node_type: 'KSampler', exception_message: OOM_MESSAGE, exception_type: 'RuntimeError' });
    // The report's stack trace, its frames apart: lines 9-11 and 13-14 of the file.
    const report = readLines(OOM_REPORT);
    expect(report[7]).toBe('');
    expect(error?.data.traceback).toEqual([`${report.slice(8, 11).join('\n')}\n`, `${report.slice(12, 14).join('\n')}\n`]);
    expect(report[12]).toMatch(/^ {2}File ".*", line 198, in get_output_data$/);
    // It strikes in the first step: no progress went out, and the nodes before it ran.
    expect(frames.filter((frame) => frame.type === 'progress')).toEqual([]);
    expect([...((error?.data.executed ?? []) as string[])].sort()).toEqual(['4', '5', '6', '7']);
    const logs = await getLogText(fake.url);
    expect(logs).toContain(`\n!!! Exception during processing !!! ${OOM_MESSAGE}\nTraceback (most recent call last):\n`);
    expect(logs).toContain(`\nRuntimeError: ${OOM_MESSAGE}\n`);
    expect(logs.indexOf('# ComfyUI Error Report')).toBeLessThan(logs.indexOf('!!! Exception during processing !!!'));
    expect(fake.events().filter((event) => event.event === 'fault')).toMatchObject([{ fault: 'execution-error' }]);
  });

  test("a log's last `!!! Exception during processing !!!` block gives the message, the type from its traceback, and is not logged twice", async () => {
    const message = "The operator 'aten::__rshift__.Tensor' is not currently implemented for the MPS device.";
    const file = writeScratchFile(
      'comfyui.log',
      [
        'got prompt',
        '!!! Exception during processing !!! an earlier one',
        'Traceback (most recent call last):',
        '  File "/Users/me/ComfyUI/execution.py", line 151, in recursive_execute',
        'ValueError: an earlier one',
        'Prompt executed in 0.01 seconds',
        'got prompt',
        '2024-08-01T10:00:00.000001 - ',
        `2024-08-01T10:00:00.000002 - !!! Exception during processing !!! ${message}`,
        '2024-08-01T10:00:00.000003 - Traceback (most recent call last):',
        '  File "/Users/me/ComfyUI/execution.py", line 151, in recursive_execute',
        '    output_data, output_ui = get_output_data(obj, input_data_all)',
        '  File "/Users/me/ComfyUI/comfy/ldm/flux/model.py", line 12, in forward',
        '    x = x >> 4',
        `NotImplementedError: ${message}`,
        '',
      ].join('\n'),
    );
    const fake = await startFake({ env: { FAKE_COMFYUI_LOG_REPLAY: file, FAKE_COMFYUI_LOG_REPLAY_AT: 'run', FAKE_COMFYUI_FAULT: 'execution-error' } });
    const socket = await recordSocket(fake.url, 'c1');
    const { frames } = await runToEnd(fake.url, socket, getBenchmarkPrompt({ steps: 4 }));
    expect(frames.find((frame) => frame.type === 'execution_error')?.data).toMatchObject({
      node_id: '3',
      node_type: 'KSampler',
      exception_message: message,
      exception_type: 'NotImplementedError',
      traceback: [
        '  File "/Users/me/ComfyUI/execution.py", line 151, in recursive_execute\n    output_data, output_ui = get_output_data(obj, input_data_all)\n',
        '  File "/Users/me/ComfyUI/comfy/ldm/flux/model.py", line 12, in forward\n    x = x >> 4\n',
      ],
    });
    const logs = await getLogText(fake.url);
    expect(logs.split('!!! Exception during processing !!!')).toHaveLength(3);
  });
});
