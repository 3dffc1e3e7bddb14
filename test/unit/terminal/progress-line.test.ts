import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgressLine } from '../../../src/terminal/progress-line.ts';

/** A stream that records what is written; `isTTY` decides between a live line and log lines. */
function createStream(isTTY: boolean) {
  const write = vi.fn((_text: string) => true);
  return { stream: { isTTY, write } as unknown as NodeJS.WriteStream, written: () => write.mock.calls.map(([text]) => text) };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-11-28T10:15:00.000Z'));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createProgressLine on a terminal', () => {
  it('rewrites one line in place on every update, and ends it with a newline', () => {
    const { stream, written } = createStream(true);
    const line = createProgressLine(stream);
    line.update('step 1/20');
    line.update('step 2/20');
    line.done('generation finished in 11.3 s');
    expect(written()).toEqual([
      '\r\u001b[2K[comfyui-gate] step 1/20',
      '\r\u001b[2K[comfyui-gate] step 2/20',
      '\r\u001b[2K[comfyui-gate] generation finished in 11.3 s\n',
    ]);
  });

  it('does not clear a line it never drew', () => {
    const { stream, written } = createStream(true);
    createProgressLine(stream).done('nothing to wait for');
    expect(written()).toEqual(['[comfyui-gate] nothing to wait for\n']);
  });
});

describe('createProgressLine in a log', () => {
  it('writes at most one line per 5 s, then the final line', () => {
    const { stream, written } = createStream(false);
    const line = createProgressLine(stream);
    line.update('step 1/20');
    vi.advanceTimersByTime(1000);
    line.update('step 2/20');
    vi.advanceTimersByTime(3999);
    line.update('step 6/20');
    vi.advanceTimersByTime(1);
    line.update('step 7/20');
    vi.advanceTimersByTime(4999);
    line.update('step 12/20');
    vi.advanceTimersByTime(1);
    line.update('step 13/20');
    line.done('generation finished in 11.3 s');
    expect(written()).toEqual([
      '[comfyui-gate] step 1/20\n',
      '[comfyui-gate] step 7/20\n',
      '[comfyui-gate] step 13/20\n',
      '[comfyui-gate] generation finished in 11.3 s\n',
    ]);
  });
});
