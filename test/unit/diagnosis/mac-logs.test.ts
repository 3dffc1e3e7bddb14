import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { diagnoseLog } from '../../../src/diagnosis/diagnose-log.ts';
import type { Finding, FindingId, Severity } from '../../../src/diagnosis/finding.ts';

// Every real Mac log we hold (fixtures/mac-logs, sources in SOURCES.md), with what the gate must
// say about it: the non-info findings in order, and the figures each one reads.

const MAC_LOGS = fileURLToPath(new URL('../../../fixtures/mac-logs/', import.meta.url));

interface Expected {
  readonly problems: readonly FindingId[];
  /** Exact figures per finding id. */
  readonly figures?: Partial<Record<FindingId, Readonly<Record<string, string | number>>>>;
  /** Exact evidence line numbers per finding id. */
  readonly lines?: Partial<Record<FindingId, readonly number[]>>;
}

const HEALTHY: Expected = { problems: [] };

/** The one severity each id always has. */
const SEVERITY: Readonly<Record<FindingId, Severity>> = {
  'mps-op-not-implemented': 'blocks',
  'mps-out-of-memory': 'blocks',
  'mps-unsupported-dtype': 'blocks',
  'mps-placeholder-storage': 'blocks',
  'mps-unavailable': 'blocks',
  'cuda-only-code': 'blocks',
  'running-on-cpu': 'blocks',
  'mps-op-fallback': 'slows',
  'x86-python': 'slows',
  'fp32-forced': 'slows',
  'low-vram-mode': 'slows',
  'swap-growth': 'slows',
  'thermal-throttling': 'slows',
  'healthy-mps': 'info',
  versions: 'info',
};

const EXPECTED: Readonly<Record<string, Expected>> = {
  'desktop-2026-error-prefix-int-mm-not-implemented.txt': {
    problems: ['mps-op-not-implemented'],
    figures: { 'mps-op-not-implemented': { ops: 'aten::_int_mm' } },
    lines: { 'mps-op-not-implemented': [1] },
  },
  'desktop-8gb-mac-sysinfo-0.21.1-torch2.10.txt': HEALTHY,
  'desktop-app-bracket-timestamp-startup-128gb.txt': HEALTHY,
  'desktop-app-sysinfo-table-128gb-ksampler-stuck.txt': HEALTHY,
  'desktop-ksampler-mps-oom-9GB-limit-error-report.txt': {
    problems: ['mps-out-of-memory'],
    figures: { 'mps-out-of-memory': { allocated: '8.72 GB', other: '110.16 MB', maxAllowed: '9.07 GB', requested: '405.00 MB' } },
    lines: { 'mps-out-of-memory': [6] },
  },
  'desktop-torch-nightly-mac-version-15.1.1-startup.txt': HEALTHY,
  'desktop-wan-clipencode-upsample-bicubic2d-aa-not-implemented.txt': {
    problems: ['mps-op-not-implemented'],
    figures: { 'mps-op-not-implemented': { ops: 'aten::_upsample_bicubic2d_aa.out' } },
  },
  'float8-e4m3fn-error-report-flux-2025-07.txt': {
    problems: ['mps-unsupported-dtype'],
    figures: { 'mps-unsupported-dtype': { dtypes: 'Float8_e4m3fn' } },
  },
  'flux-float64-mps-error-2024-08.txt': {
    problems: ['mps-unsupported-dtype'],
    figures: { 'mps-unsupported-dtype': { dtypes: 'float64' } },
    lines: { 'mps-unsupported-dtype': [1] },
  },
  'grid-sampler-3d-not-implemented-77764-variant-2024-12.txt': {
    problems: ['mps-op-not-implemented'],
    figures: { 'mps-op-not-implemented': { ops: 'aten::grid_sampler_3d' } },
  },
  'intel-macpro-amd-macos12-upsample-fallback-warnings.txt': {
    problems: ['mps-op-fallback'],
    figures: { 'mps-op-fallback': { "'nearest' mode upsampling": 1 } },
    lines: { 'mps-op-fallback': [1] },
  },
  'intel-xeon-x86_64-mac-torch222-force-fp32-mps.txt': {
    problems: ['x86-python', 'fp32-forced'],
    figures: { 'x86-python': { cpu: 'Intel(R) Xeon(R) W-2140B' } },
    lines: { 'x86-python': [24], 'fp32-forced': [1, 18] },
  },
  'm1-16gb-sdxl09-70s-per-it-vs-a1111.txt': HEALTHY,
  'm1-16gb-startup-sub-quadratic-sdxl-slow.txt': HEALTHY,
  'm1-comflowy-mps-unavailable-falls-to-cuda-at-startup.txt': {
    problems: ['mps-unavailable'],
    lines: { 'mps-unavailable': [9] },
  },
  'm1-macbookpro-gguf-flux-bf16-rshift-not-implemented.txt': {
    problems: ['mps-op-not-implemented'],
    figures: { 'mps-op-not-implemented': { ops: 'aten::__rshift__.Tensor' } },
    lines: { 'mps-op-not-implemented': [18] },
  },
  'm1-wan22-patched-run-vae-bf16-manual-cast-fp16.txt': HEALTHY,
  'm1max-blog-sdxl-flux-warm-timings.txt': HEALTHY,
  'm1max-sequoia154-py39-startup-run-mac-version-line.txt': HEALTHY,
  'm1ultra-cpu-only-before-mps-support-3s-per-step.txt': {
    problems: ['running-on-cpu'],
    lines: { 'running-on-cpu': [11] },
  },
  'm2max-32gb-force-fp16-startup-sdxl-run-2023-12.txt': HEALTHY,
  'm2max-96gb-sdxl-speed-quote-4.06s-it.txt': HEALTHY,
  'm2max-desktop-0.8.2-sysinfo-32gb.txt': HEALTHY,
  'm2max-desktop-placeholder-storage-error-report.txt': {
    problems: ['mps-placeholder-storage'],
    lines: { 'mps-placeholder-storage': [6] },
  },
  'm3max-64gb-startup-force-fp16-split-cross-attention.txt': HEALTHY,
  'm4-mini-desktop-sd35-mps-oom-error-report-GB.txt': {
    problems: ['mps-out-of-memory'],
    figures: { 'mps-out-of-memory': { allocated: '16.91 GB', other: '2.77 MB', maxAllowed: '18.13 GB', requested: '1.28 GB' } },
  },
  'mac-mini-16gb-seedvr2-seconds-per-frame-comfy-cli.txt': HEALTHY,
  'pytorch-level-im2col-mpsfallback-userwarning-format.txt': {
    problems: ['mps-op-fallback'],
    figures: { 'mps-op-fallback': { 'aten::im2col': 1 } },
    lines: { 'mps-op-fallback': [3] },
  },
  'rosetta-x86_64-python-on-m2pro-macos-version-misdetected.txt': {
    problems: ['mps-unsupported-dtype', 'x86-python'],
    figures: { 'mps-unsupported-dtype': { dtypes: 'BFloat16' }, 'x86-python': { cpu: 'Apple M2 Pro' } },
    lines: { 'x86-python': [26, 33] },
  },
  'startup-2023-12-forcing-fp16-shared-mps-nightly.txt': HEALTHY,
  'sysinfo-36gb-logging-root-info-format.txt': HEALTHY,
  'system-stats-json-m3max-64gb-desktop2-standalone.txt': HEALTHY,
  'vae-decode-bfloat16-not-supported-after-20-steps-4.89s-it.txt': {
    problems: ['mps-unsupported-dtype'],
    figures: { 'mps-unsupported-dtype': { dtypes: 'BFloat16' } },
    lines: { 'mps-unsupported-dtype': [5] },
  },
};

function diagnoseFile(name: string): Finding[] {
  return diagnoseLog(readFileSync(`${MAC_LOGS}${name}`, 'utf8'));
}

function byId(findings: readonly Finding[], id: FindingId): Finding {
  const finding = findings.find((entry) => entry.id === id);
  if (finding === undefined) throw new Error(`no ${id} finding`);
  return finding;
}

describe('diagnoseLog on every real Mac log', () => {
  it('has an expectation for exactly the .txt files in fixtures/mac-logs', () => {
    const files = readdirSync(MAC_LOGS).filter((name) => name.endsWith('.txt'));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    const findings = diagnoseFile(name);
    expect(findings.filter((finding) => finding.severity !== 'info').map((finding) => finding.id)).toEqual(expected.problems);
    expect(findings.filter((finding) => finding.severity !== SEVERITY[finding.id]).map((finding) => finding.id)).toEqual([]);
    for (const [id, figures] of Object.entries(expected.figures ?? {})) {
      expect(byId(findings, id as FindingId).figures).toEqual(figures);
    }
    for (const [id, lines] of Object.entries(expected.lines ?? {})) {
      expect(byId(findings, id as FindingId).evidence.map((entry) => entry.line)).toEqual(lines);
    }
  });
});

describe('what the real logs say beyond the problem ids', () => {
  it('quotes the OOM line whole, sanitised, and puts the figures in the cause', () => {
    const oom = byId(diagnoseFile('desktop-ksampler-mps-oom-9GB-limit-error-report.txt'), 'mps-out-of-memory');
    expect(oom.cause).toBe('An allocation of 405.00 MB did not fit: MPS already held 8.72 GB (plus 110.16 MB other allocations) of the 9.07 GB it may use.');
    expect(oom.evidence[0]?.text).toBe(
      '- **Exception Message:** MPS backend out of memory (MPS allocated: 8.72 GB, other allocations: 110.16 MB, max allowed: 9.07 GB). ' +
        'Tried to allocate 405.00 MB on private pool. Use PYTORCH_MPS_HIGH_WATERMARK_RATIO=0.0 to disable upper limit fo…(48 more bytes)',
    );
  });

  it('names the fallback feature and the macOS that runs it natively', () => {
    const fallback = byId(diagnoseFile('intel-macpro-amd-macos12-upsample-fallback-warnings.txt'), 'mps-op-fallback');
    expect(fallback.cause).toBe("1 op(s) have no MPS kernel here and ran on the CPU, copying tensors off the GPU and back: 'nearest' mode upsampling ×1.");
    expect(fallback.fix).toMatch(/^Update macOS to 13\.0 or newer, where MPS runs this natively\. /);
  });

  it('tells Rosetta on Apple Silicon from an Intel Mac', () => {
    expect(byId(diagnoseFile('rosetta-x86_64-python-on-m2pro-macos-version-misdetected.txt'), 'x86-python').cause).toMatch(
      /^Python is an x86_64 build running under Rosetta on an Apple M2 Pro: /,
    );
    expect(byId(diagnoseFile('intel-xeon-x86_64-mac-torch222-force-fp32-mps.txt'), 'x86-python').cause).toMatch(
      /^This is an Intel Mac \(Intel\(R\) Xeon\(R\) W-2140B\), not Apple Silicon: /,
    );
  });

  it('reports MPS and the versions on a healthy startup in the comfyui.log format', () => {
    const findings = diagnoseFile('sysinfo-36gb-logging-root-info-format.txt');
    expect(findings.map((finding) => finding.id)).toEqual(['healthy-mps', 'versions']);
    const mps = byId(findings, 'healthy-mps');
    expect(mps.evidence.map((entry) => entry.line)).toEqual([2, 12, 13, 18, 19]);
    expect(mps.more).toBeUndefined();
    expect(byId(findings, 'versions').figures).toEqual({ pytorch: '2.5.1' });
  });

  it('reads versions from startup lines, System Information, the Manager banner and /system_stats', () => {
    expect(byId(diagnoseFile('m1max-sequoia154-py39-startup-run-mac-version-line.txt'), 'versions').figures).toEqual({
      pytorch: '2.7.0',
      comfyui: '0.3.30-23-gdbc726f8',
      macos: '15.4',
      python: '3.9.6',
    });
    expect(byId(diagnoseFile('desktop-app-sysinfo-table-128gb-ksampler-stuck.txt'), 'versions').figures).toEqual({
      pytorch: '2.10.0.dev20250917',
      python: '3.12.9',
    });
    expect(byId(diagnoseFile('m3max-64gb-startup-force-fp16-split-cross-attention.txt'), 'versions').figures).toEqual({
      comfyui: 'revision 2011',
      python: '3.12.1',
    });
    expect(byId(diagnoseFile('system-stats-json-m3max-64gb-desktop2-standalone.txt'), 'versions').figures).toEqual({
      pytorch: '2.9.1',
      comfyui: '0.27.0',
      python: '3.12.11',
    });
  });
});
