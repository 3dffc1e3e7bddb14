import { describe, expect, it } from 'vitest';

import { GateError, formatError, summarizeError } from '../../../src/errors.ts';
import { GpuParseError, createGpuParseError, getExcerpt } from '../../../src/gpu/gpu-parse-error.ts';

describe('getExcerpt', () => {
  it('quotes short input whole, escaping NULs and newlines', () => {
    expect(getExcerpt('a\n\0b')).toBe('"a\\n\\u0000b"');
  });

  it('cuts input after 80 characters and marks the cut', () => {
    expect(getExcerpt('x'.repeat(81))).toBe(`"${'x'.repeat(80)}"…`);
    expect(getExcerpt('x'.repeat(80))).toBe(`"${'x'.repeat(80)}"`);
  });
});

describe('createGpuParseError', () => {
  it('builds a GateError with the code, the quoted input, the advice and the expected command', () => {
    const cause = new SyntaxError('bad');
    const error = createGpuParseError('ioreg', 'no statistics', 'garbage', { advice: 'Run it on a Mac.', cause });
    expect(error).toBeInstanceOf(GateError);
    expect(error).toBeInstanceOf(GpuParseError);
    expect(error.cause).toBe(cause);
    expect(summarizeError(error)).toEqual({
      name: 'GpuParseError',
      code: 'GPU_OUTPUT_UNPARSEABLE',
      message: 'no statistics; the input starts with "garbage"',
      hint: 'Run it on a Mac. Expected the output of `ioreg -r -d 1 -w 0 -c IOAccelerator`.',
      context: { format: 'ioreg', command: 'ioreg -r -d 1 -w 0 -c IOAccelerator', excerpt: 'garbage' },
    });
    expect(formatError(error)).toBe(
      'no statistics; the input starts with "garbage"\n  → Run it on a Mac. Expected the output of `ioreg -r -d 1 -w 0 -c IOAccelerator`.',
    );
  });

  it('says the input is empty when it is only whitespace', () => {
    expect(createGpuParseError('macmon', 'no lines', ' \n').message).toBe('no lines; the input is empty (" \\n")');
  });
});
