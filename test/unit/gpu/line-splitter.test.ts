import { describe, expect, it } from 'vitest';

import { createLineSplitter } from '../../../src/gpu/line-splitter';
import { feedChunks } from './gpu-fixtures';

describe('createLineSplitter', () => {
  it('returns complete lines only, keeping the partial one for the next chunk', () => {
    const splitter = createLineSplitter();
    expect(splitter.push('2026/11/28 09:19:01.523, 0,')).toEqual([]);
    expect(splitter.push(' 0, 131.33, 1980\n2026/11/28')).toEqual(['2026/11/28 09:19:01.523, 0, 0, 131.33, 1980']);
    expect(splitter.end()).toEqual(['2026/11/28']);
    expect(splitter.end()).toEqual([]);
  });

  it('drops \\r of CRLF endings even when a chunk ends between \\r and \\n, and drops blank lines', () => {
    expect(feedChunks(createLineSplitter(), ['a\r', '\n\r\n', '  \nb\r\n'])).toEqual(['a', 'b']);
  });
});
