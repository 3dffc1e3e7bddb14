import { describe, expect, it } from 'vitest';

import { splitLogLines } from '../../../src/diagnosis/log-lines.ts';
import { stripPrefix } from '../../../src/diagnosis/strip-prefix.ts';

describe('stripPrefix', () => {
  it.each([
    ['none', 'Device: mps', 'Device: mps'],
    ["comfyui.log's logging format", '2024-11-11 16:48:19,205 - root - INFO - Device: mps', 'Device: mps'],
    [
      "the error report's ISO stamp with a 2026 level tag",
      '2026-09-05T20:22:47.979214 - [ERROR] !!! Exception during processing !!!',
      '!!! Exception during processing !!!',
    ],
    ["Desktop's bracketed stamp", '[2025-10-11 09:18:43.723] ** Platform: Darwin', '** Platform: Darwin'],
    ['an unseen ISO stamp with a zone and a [WARN] tag', '2026-01-01T00:00:00Z [WARN] Set vram state to: LOW_VRAM', 'Set vram state to: LOW_VRAM'],
    [
      'an offset stamp and a dotted logger name',
      '2026-01-01T00:00:00+02:00 - comfy.model_management - WARNING - Set vram state to: NO_VRAM',
      'Set vram state to: NO_VRAM',
    ],
    ["logging's default format", 'WARNING:root:Device: cpu', 'Device: cpu'],
    ['a bare level and a pipe-separated stamp', '2026-01-01 00:00:00.000 | WARNING | Device: cpu', 'Device: cpu'],
    ['a time-only stamp, a tag and extra spaces', '[12:00:01] [ERROR]   Device:   cpu  ', 'Device: cpu'],
    ['a Markdown quote', '> $ python main.py --cpu', '$ python main.py --cpu'],
    ['a Markdown System Information item', '  - **Type:** mps', 'Type: mps'],
    [
      'an error-report item',
      '- **Exception Message:** Placeholder storage has not been allocated on MPS device!',
      'Exception Message: Placeholder storage has not been allocated on MPS device!',
    ],
    ['colour codes', '\u001b[33mWARNING:root:\u001b[0mDevice: cpu', 'Device: cpu'],
  ])('%s', (_name, raw, message) => {
    expect(stripPrefix(raw)).toBe(message);
  });

  it("removes the stamps Desktop's error report puts before every print() fragment", () => {
    const raw =
      '2025-09-02T15:04:44.163424 - ** Log path:2025-09-02T15:04:44.163433 -  2025-09-02T15:04:44.163442 - /Users/me/comfyui.log2025-09-02T15:04:44.163451 - ';
    expect(stripPrefix(raw)).toBe('** Log path: /Users/me/comfyui.log');
  });

  it('keeps words that only look like a level', () => {
    expect(stripPrefix('Warning: keep me')).toBe('Warning: keep me');
    expect(stripPrefix('[Crystools INFO] CPU: Apple M3 Max')).toBe('[Crystools INFO] CPU: Apple M3 Max');
  });
});

describe('splitLogLines', () => {
  it('numbers LF, CRLF and CR lines alike and ignores a final line break', () => {
    expect(splitLogLines('a\r\nb\nc\rd\r\n').map((line) => [line.number, line.raw])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
      [4, 'd'],
    ]);
    expect(splitLogLines('')).toEqual([]);
    expect(splitLogLines('\n\n').map((line) => line.number)).toEqual([1, 2]);
  });
});
