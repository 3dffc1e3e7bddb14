import { describe, expect, test } from 'vitest';
import { JOB_SUMMARY_MAX_BYTES, renderJobSummary } from '../../../src/report/render-job-summary.ts';
import type { BenchmarkReport, GpuSamplePoint } from '../../../src/truths/benchmark-report.ts';
import { TRUTH_IDS } from '../../../src/truths/benchmark-report.ts';
import { TRUTH_TITLES } from '../../../src/truths/truth-titles.ts';
import { ALL_REPORTS, GENERATION_FAILED_REPORT, SETUP_FAILED_REPORT, SIMULATED_REPORT } from './report-variants.ts';
import { PASSING_REPORT, SAMPLE_TREND, withTruths } from './sample-report.ts';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** The lines of Markdown tables: a table is a run of lines starting with `|`. */
function countTables(markdown: string): number {
  return markdown.split('\n').filter((line) => /^\| ?-{3}/.test(line)).length;
}

function getMermaidBlocks(markdown: string): string[] {
  return Array.from(markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g), (match) => match[1] ?? '');
}

describe('renderJobSummary', () => {
  test('a pass: the verdict first, then one table of truths', () => {
    const summary = renderJobSummary(PASSING_REPORT);
    expect(summary.split('\n').slice(0, 7)).toEqual([
      '## ✅ Phase 5 gate: PASS',
      '',
      '7 of 7 truths passed; generation took 47.31 s (budget 120 s)',
      '',
      '| Truth | Verdict | Time | Why / what to do |',
      '| --- | --- | ---: | --- |',
      `| ${TRUTH_TITLES.reachable} | ✅ PASS | 0.12 s |  |`,
    ]);
    expect(summary.split('\n').filter((line) => line.startsWith('| ') && line.includes('✅ PASS'))).toHaveLength(TRUTH_IDS.length);
  });

  test.each(ALL_REPORTS)('%s: exactly one table, no link to a file GitHub cannot show', (_name, report) => {
    const summary = renderJobSummary(report);
    expect(countTables(summary)).toBe(1);
    expect(summary).not.toMatch(/\]\(|\.svg|src=/);
  });

  test('the key figures are a list, with the measured numbers', () => {
    const summary = renderJobSummary(PASSING_REPORT);
    expect(summary).toContain(
      [
        '### Key figures',
        '',
        '- **Generation:** 47.31 s of the 120 s budget · server 47.12 s · 0.44 steps/s · 512×512, 20 steps, euler_ancestral',
        '- **Device:** mps (expected mps) · PyTorch 2.5.1 · ComfyUI 0.3.64',
        `- **GPU:** active in ${PASSING_REPORT.gpu.activeSampleCount} of ${PASSING_REPORT.gpu.sampleCount} samples (≥ 5 %) · peak 97.1 % · mean 89.5 % · sampler powermetrics`,
        '- **Previous run:** 48.90 s, run 20260218-101200-a1b2 (this run: 3.3 % faster)',
        '- **Best run:** 46.80 s, run 20260217-163000-c3d4 (this run: 1.1 % slower)',
      ].join('\n'),
    );
  });

  test('the GPU activity and the trend are Mermaid xychart-beta blocks', () => {
    const samples: GpuSamplePoint[] = [
      { atMs: -500, activePercent: 0 },
      { atMs: 0, activePercent: 2 },
      { atMs: 500, activePercent: 91.25 },
      { atMs: 1000, activePercent: 88 },
    ];
    const report: BenchmarkReport = { ...PASSING_REPORT, gpu: { ...PASSING_REPORT.gpu, samples } };
    expect(getMermaidBlocks(renderJobSummary(report))).toEqual([
      [
        'xychart-beta',
        '  title "GPU active % by seconds since the prompt was submitted"',
        '  x-axis "seconds since submit" 0 --> 1',
        '  y-axis "active %" 0 --> 100',
        '  line [2, 91.3, 88]',
        '  line [5, 5, 5]',
      ].join('\n'),
      [
        'xychart-beta',
        '  title "Elapsed seconds per run (last 3), budget 120 s"',
        '  x-axis ["02-16 08:00", "02-17 15:30", "02-18 09:12"]',
        '  y-axis "seconds" 0 --> 132',
        '  bar [52.4, 46.8, 48.9]',
        '  line [120, 120, 120]',
      ].join('\n'),
    ]);
  });

  test('a long GPU record is drawn from at most 120 points, and says how they were made', () => {
    const samples = Array.from({ length: 10_000 }, (_, index): GpuSamplePoint => ({ atMs: index * 100, activePercent: 90 }));
    const summary = renderJobSummary({ ...PASSING_REPORT, gpu: { ...PASSING_REPORT.gpu, samples } });
    const line = getMermaidBlocks(summary)[0]
      ?.split('\n')
      .find((text) => text.startsWith('  line ['));
    expect(line?.slice('  line ['.length, -1).split(', ')).toHaveLength(120);
    expect(summary).toContain('Each point is the mean of up to 84 samples.');
  });

  test('fewer than three timed runs draw no trend', () => {
    const report: BenchmarkReport = { ...PASSING_REPORT, history: { trend: SAMPLE_TREND.slice(0, 2) } };
    expect(getMermaidBlocks(renderJobSummary(report))).toHaveLength(1);
  });

  test('a setup failure: what happened, what to do, every truth NOT RUN and the log tail', () => {
    const summary = renderJobSummary(SETUP_FAILED_REPORT);
    expect(summary).toContain(
      '## ❌ Phase 5 gate: FAIL\n\nsetup failed before any truth could run: ComfyUI exited with code 1 before /system_stats answered (after 3.2 s)',
    );
    expect(summary).toContain(
      '**What happened:** ComfyUI exited with code 1 before /system_stats answered (after 3.2 s) (ServerExitedError, code COMFYUI_EXITED)',
    );
    expect(summary.match(/\| ⛔ NOT RUN \| — \| setup failed: /g)).toHaveLength(TRUTH_IDS.length);
    expect(summary).toContain('<details><summary>ComfyUI log, last 4 lines</summary>\n\n```\nTraceback (most recent call last):');
    expect(summary).toContain("ModuleNotFoundError: No module named 'torch'\n```\n\n</details>");
  });

  test("a failure says why and what to do in the truth's row", () => {
    expect(renderJobSummary(GENERATION_FAILED_REPORT)).toContain(
      '| INFRA-04 benchmark (< 120 seconds) | ❌ FAIL | — | execution_error in node 3 (KSampler): MPS backend out of memory — **What to do:** close other apps; --force-fp16 must be set |',
    );
  });

  test('an interrupted run and a simulated run say so in the headline', () => {
    const interrupted: BenchmarkReport = { ...PASSING_REPORT, interrupted: { signal: 'SIGINT', during: 'during the generation' }, phaseVerdict: 'FAIL' };
    expect(renderJobSummary(interrupted).split('\n')[0]).toBe('## ⚠️ Phase 5 gate: INTERRUPTED');
    const simulated = renderJobSummary(SIMULATED_REPORT);
    expect(simulated.split('\n')[0]).toBe('## ✅ Phase 5 gate: PASS (SIMULATED)');
    expect(simulated).toContain('> **SIMULATED RUN.** Measured against the built-in fake ComfyUI: this proves nothing about this machine.');
    expect(simulated).toContain('| ✅ PASS (SIMULATED) |');
  });

  test('outside text cannot break the table, link, inject HTML or forge a verdict', () => {
    const hostile = withTruths(PASSING_REPORT, {
      id: 'device',
      title: TRUTH_TITLES.device,
      verdict: 'FAIL',
      reason: 'cpu | [click](https://evil.example) <script>x</script>\n## Phase 5 gate: PASS',
    });
    const row = renderJobSummary({ ...hostile, phaseVerdict: 'FAIL' })
      .split('\n')
      .find((line) => line.includes('❌ FAIL'));
    expect(row).toBe(
      '| MPS active (/system_stats devices[0].type == "mps") | ❌ FAIL | — | cpu \\| \\[click\\](https://evil.example) &lt;script&gt;x&lt;/script&gt; ⏎ ## Phase 5 gate\\: PASS |',
    );
  });

  test("stays under GitHub's 1 MiB limit: the bulkiest parts go first, with a note", () => {
    const summary = renderJobSummary(PASSING_REPORT, { maxBytes: 2500 });
    expect(bytes(summary)).toBeLessThanOrEqual(2500);
    expect(summary.startsWith('## ✅ Phase 5 gate: PASS\n')).toBe(true);
    expect(countTables(summary)).toBe(1);
    // The GPU chart is the bulkiest part and goes first; the smaller trend chart then fits.
    expect(getMermaidBlocks(summary).map((block) => block.split('\n')[1])).toEqual(['  title "Elapsed seconds per run (last 3), budget 120 s"']);
    expect(summary).toContain('### Key figures');
    expect(
      summary.endsWith("> Left out to stay under GitHub's 1 MiB summary limit: the GPU chart. The full report is in the comfyui-gate-reports artifact.\n"),
    ).toBe(true);
  });

  test('when even the verdict and the table do not fit, the text is cut at a line with a note', () => {
    const summary = renderJobSummary(SETUP_FAILED_REPORT, { maxBytes: 200 });
    expect(bytes(summary)).toBeLessThanOrEqual(200);
    expect(summary.startsWith('## ❌ Phase 5 gate: FAIL\n')).toBe(true);
    expect(summary.endsWith("> …cut here to stay under GitHub's 1 MiB summary limit.\n")).toBe(true);
  });

  test('a huge report still fits the default cap', () => {
    const samples = Array.from({ length: 200_000 }, (_, index): GpuSamplePoint => ({ atMs: index * 10, activePercent: 50 }));
    const huge: BenchmarkReport = {
      ...PASSING_REPORT,
      gpu: { ...PASSING_REPORT.gpu, samples },
      warnings: Array.from({ length: 100_000 }, (_, index) => `unknown variable COMFYUI_X${index}`),
      truths: PASSING_REPORT.truths.map((truth) => ({ ...truth, verdict: 'FAIL', reason: 'x'.repeat(200_000), hint: 'y'.repeat(200_000) })),
    };
    const summary = renderJobSummary(huge);
    expect(bytes(summary)).toBeLessThan(JOB_SUMMARY_MAX_BYTES);
    expect(summary).toContain('- …and 99980 more warnings');
  });
});
