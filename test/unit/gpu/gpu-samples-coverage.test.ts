import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { GPU_SAMPLES_DIR } from './gpu-fixtures.ts';

// Descriptions of the samples, not samples.
const NOT_TOOL_OUTPUT = new Set(['SOURCES.md', 'RUNNER-VM-EVIDENCE.md']);
const THIS_FILE = 'gpu-samples-coverage.test.ts';
const TEST_DIR = fileURLToPath(new URL('.', import.meta.url));

// Recorded for reference, not parsed by the gate: it reads powermetrics only as `-f plist` and
// nvidia-smi only as a `--query-gpu` CSV stream, so nothing in src/ reads these formats.
const POWERMETRICS_TEXT = 'powermetrics text output: the gate runs powermetrics with `-f plist`';
const NVIDIA_SMI_XML = 'nvidia-smi -q -x: the gate reads nvidia-smi only as a `--query-gpu` CSV stream';
const REFERENCE_ONLY: Readonly<Record<string, string>> = {
  'powermetrics-text-SUMMARY-header-Mac16-8-macos26-25A362-tasks-cpu_power.txt': POWERMETRICS_TEXT,
  'powermetrics-text-cpu_power-intel-MacBookPro15-1-macos14.2.1-GPUActive-line.txt': POWERMETRICS_TEXT,
  'powermetrics-text-cpu_power-only-noGPUsection-M1-MacBookAir10-1-macos12.6.txt': POWERMETRICS_TEXT,
  'powermetrics-text-default-Mac16-6-macos15.5.txt': POWERMETRICS_TEXT,
  'powermetrics-text-gpu_power-M3-Mac15-13-macos26-25D125-TRUNCATED.FROM-ISSUE-applegpuinfo-15.txt': POWERMETRICS_TEXT,
  'powermetrics-text-intel-MacBookPro16-2-macos11.2-gpu_power.DERIVED-uncommented.txt': POWERMETRICS_TEXT,
  'powermetrics-text-intel-MacBookPro16-2-macos11.2-gpu_power.VERBATIM-js-comment.txt': POWERMETRICS_TEXT,
  'powermetrics-text-legacy-bigsur-M1-Macmini9-1-macos11.2-idle-head.txt': POWERMETRICS_TEXT,
  'nvidia-smi-q-x-GTX1070Ti-v10-compact.xml': NVIDIA_SMI_XML,
  'nvidia-smi-q-x-RTX4000-SFF-Ada-driver595.84-v13.xml': NVIDIA_SMI_XML,
};

const readTests = (): string =>
  readdirSync(TEST_DIR)
    .filter((name) => name.endsWith('.test.ts') && name !== THIS_FILE)
    .map((name) => readFileSync(TEST_DIR + name, 'utf8'))
    .join('\n');
const isReadByATest = (tests: string, name: string): boolean => tests.includes(`'${name}'`);

describe('fixtures/gpu-samples', () => {
  const samples = readdirSync(GPU_SAMPLES_DIR).filter((name) => !NOT_TOOL_OUTPUT.has(name));

  it('has every real tool output read by a test in this folder, unless it is listed as recorded for reference', () => {
    const tests = readTests();
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.filter((name) => !(name in REFERENCE_ONLY) && !isReadByATest(tests, name))).toEqual([]);
  });

  it('lists as recorded for reference only files that are there and that no test reads', () => {
    const tests = readTests();
    const listed = Object.keys(REFERENCE_ONLY);
    expect(listed.filter((name) => !samples.includes(name))).toEqual([]);
    expect(listed.filter((name) => isReadByATest(tests, name))).toEqual([]);
  });
});
