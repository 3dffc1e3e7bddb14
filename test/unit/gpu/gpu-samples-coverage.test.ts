import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { GPU_SAMPLES_DIR } from './gpu-fixtures';

// Descriptions of the samples, not samples.
const NOT_TOOL_OUTPUT = new Set(['SOURCES.md', 'RUNNER-VM-EVIDENCE.md']);
const TEST_DIR = fileURLToPath(new URL('.', import.meta.url));

describe('fixtures/gpu-samples', () => {
  it('has every real tool output parsed by a test in this folder', () => {
    const tests = readdirSync(TEST_DIR)
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => readFileSync(TEST_DIR + name, 'utf8'))
      .join('\n');
    const samples = readdirSync(GPU_SAMPLES_DIR).filter((name) => !NOT_TOOL_OUTPUT.has(name));
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.filter((name) => !tests.includes(`'${name}'`))).toEqual([]);
  });
});
