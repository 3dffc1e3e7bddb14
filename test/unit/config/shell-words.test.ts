import { describe, expect, it } from 'vitest';
import { formatShellWords, splitShellWords } from '../../../src/config/shell-words.ts';

describe('splitShellWords', () => {
  it.each([
    ['', []],
    ['   \t\n ', []],
    ['--preview-method auto', ['--preview-method', 'auto']],
    ['  --a   b\t--c\nd  ', ['--a', 'b', '--c', 'd']],
    [`--output-directory '/tmp/my images'`, ['--output-directory', '/tmp/my images']],
    [`--output-directory "/tmp/my images"`, ['--output-directory', '/tmp/my images']],
    [String.raw`--output-directory /tmp/my\ images`, ['--output-directory', '/tmp/my images']],
    [`--x="a b"c'd e'`, ['--x=a bcd e']],
    [`'' ""`, ['', '']],
    [String.raw`"say \"hi\" \$HOME \n"`, [String.raw`say "hi" $HOME \n`]],
    [String.raw`'single \ stays'`, [String.raw`single \ stays`]],
    ['a\\\nb', ['ab']],
    ['$HOME *.py ~ `id` $(id)', ['$HOME', '*.py', '~', '`id`', '$(id)']],
    ['--front-end-root\u00a0x', ['--front-end-root\u00a0x']],
  ])('splits %j like sh, without globbing or variables', (text, words) => {
    expect(splitShellWords(text)).toEqual(words);
  });

  it('refuses an unclosed quote or a trailing backslash, saying where', () => {
    expect(() => splitShellWords(`--a 'b`)).toThrow(`has an unclosed ' (single quote) at character 5`);
    expect(() => splitShellWords(`--a "b`)).toThrow('has an unclosed " (double quote) at character 5');
    expect(() => splitShellWords('--a b\\')).toThrow('ends with a lone \\ (backslash)');
  });
});

describe('formatShellWords', () => {
  it('quotes only what needs it, so the line splits back into the same words', () => {
    const words = ['--force-fp16', '--output-directory', '/tmp/my images', "it's", '', '--listen', '127.0.0.1', '$HOME'];
    const line = formatShellWords(words);
    expect(line).toBe(`--force-fp16 --output-directory '/tmp/my images' 'it'\\''s' '' --listen 127.0.0.1 '$HOME'`);
    expect(splitShellWords(line)).toEqual(words);
  });
});
