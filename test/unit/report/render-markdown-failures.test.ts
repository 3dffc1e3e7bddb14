import { describe, expect, it } from 'vitest';
import { renderBenchmarkMarkdown } from '../../../src/report/render-markdown.ts';
import type { BenchmarkReport } from '../../../src/truths/benchmark-report.ts';
import { findPlaceholders, getFencedBlocks, getHeadings, getSection, getVerdictLines, stripFencedBlocks } from './markdown-helpers.ts';
import { ALL_REPORTS, GENERATION_FAILED_REPORT, GPU_UNKNOWN_REPORT, SETUP_FAILED_REPORT } from './report-variants.ts';
import { PASSING_REPORT, withTruths } from './sample-report.ts';

const render = (report: BenchmarkReport): string => renderBenchmarkMarkdown(report, { timeZone: 'UTC' });
const SETUP_REASON = 'setup failed: ComfyUI exited with code 1 before /system_stats answered (after 3.2 s)';

describe('renderBenchmarkMarkdown: setup failure', () => {
  const markdown = render(SETUP_FAILED_REPORT);

  it('puts "Setup failed" right after the at-a-glance line, before the template', () => {
    expect(markdown.split('\n').slice(0, 5)).toEqual([
      '# Phase 5 Benchmark Results',
      '',
      '> **Phase 5 gate: FAIL** — setup failed before any truth could run: ComfyUI exited with code 1 before /system_stats answered (after 3.2 s)',
      '',
      '## Setup failed',
    ]);
    expect(getHeadings(markdown).slice(0, 6)).toEqual([
      '# Phase 5 Benchmark Results',
      '## Setup failed',
      '## System Stats (from /system_stats)',
      '## MPS Confirmation',
      '## INFRA-04 Benchmark',
      '## Verdict',
    ]);
  });

  it('shows the message, what to do, the error context and the log tail', () => {
    expect(getSection(markdown, '## Setup failed')).toEqual([
      '**What happened:** ComfyUI exited with code 1 before /system_stats answered (after 3.2 s) (ServerExitedError, code COMFYUI_EXITED)',
      '',
      '**What to do:** run \\`venv/bin/python main.py --force-fp16\\` in \\~/tools/ComfyUI by hand and fix the error it prints',
      '',
      '- url: http://127.0.0.1:8188',
      '- exitCode: 1',
      '- signal: n/a',
      '',
      'ComfyUI log (last 4 lines; full log: `reports/comfyui.log`):',
      '',
      '```',
      'Traceback (most recent call last):',
      '  File "/Users/dev/tools/ComfyUI/main.py", line 11, in <module>',
      '    import torch',
      "ModuleNotFoundError: No module named 'torch'",
      '```',
      '',
      '---',
      '',
      '**Date:** 2026-02-19 13:04:55 UTC (2026-02-19T13:04:55.000Z)',
      '',
      '**Machine:** M1 Pro, macOS 15.5 arm64, 16 GB unified memory',
      '',
      '**ComfyUI launch flags:** PYTORCH_ENABLE_MPS_FALLBACK=1 --force-fp16 --listen 127.0.0.1 --port 8188',
    ]);
  });

  it('says NOT RUN with the setup error for every truth', () => {
    expect(getVerdictLines(markdown)).toEqual([
      `- INFRA-04 benchmark (< 120 seconds): NOT RUN — ${SETUP_REASON}`,
      `- MPS active (/system_stats devices[0].type == "mps"): NOT RUN — ${SETUP_REASON}`,
      `- Phase 5 gate: FAIL — ${SETUP_REASON}`,
      `- INFRA-01: ComfyUI answers /system_stats: NOT RUN — ${SETUP_REASON}`,
      `- INFRA-02: the checkpoint is installed and complete: NOT RUN — ${SETUP_REASON}`,
      `- the GPU is active during generation (no CPU fallback): NOT RUN — ${SETUP_REASON}`,
      `- INFRA-03: kohya_ss venv with mixed_precision: no: NOT RUN — ${SETUP_REASON}`,
      `- INFRA-05: ComfyUI-Manager, ControlNet-Aux and the OpenPose model: NOT RUN — ${SETUP_REASON}`,
    ]);
  });

  it('overrides verdicts the report recorded: nothing ran', () => {
    const withRecorded = render({ ...SETUP_FAILED_REPORT, truths: PASSING_REPORT.truths });
    expect(getVerdictLines(withRecorded)[0]).toBe(`- INFRA-04 benchmark (< 120 seconds): NOT RUN — ${SETUP_REASON}`);
  });

  it('fills the template fields with short reasons instead of values', () => {
    expect(getSection(markdown, '## System Stats (from /system_stats)')).toEqual([`NOT RUN — /system_stats was not fetched: setup failed, see above`]);
    expect(getSection(markdown, '## MPS Confirmation').slice(0, 2)).toEqual([
      '- devices[0].type: n/a (setup failed, see above) (expected: "mps")',
      '- python_version: n/a (setup failed, see above) (expected: "3.11.x")',
    ]);
    expect(getSection(markdown, '## INFRA-04 Benchmark').slice(-4)).toEqual([
      '- Start time: n/a (setup failed, see above)',
      '- End time: n/a (setup failed, see above)',
      '- Elapsed seconds: n/a (setup failed, see above) (budget 120 s)',
      '- GPU History (Activity Monitor): unknown (no GPU sampler ran)',
    ]);
  });

  it('shows the log once, in the setup section', () => {
    expect(getHeadings(markdown)).not.toContain('## ComfyUI log (last lines)');
    expect(getFencedBlocks(markdown)).toHaveLength(1);
  });

  it('says so when no log line was captured', () => {
    const section = getSection(render({ ...SETUP_FAILED_REPORT, logTail: [] }), '## Setup failed');
    expect(section.slice(8, 11)).toEqual(['No ComfyUI log lines were captured; full log: `reports/comfyui.log`.', '', '---']);
  });

  it('falls back to a hint pointing at the log when the error had none', () => {
    const noHint = { ...SETUP_FAILED_REPORT, setupError: { ...SETUP_FAILED_REPORT.setupError!, hint: '' } };
    expect(getSection(render(noHint), '## Setup failed')[2]).toBe('**What to do:** no hint was recorded; read the ComfyUI log below.');
  });
});

describe('renderBenchmarkMarkdown: a generation that failed', () => {
  const markdown = render(GENERATION_FAILED_REPORT);
  const reason = 'execution_error in node 3 (KSampler): MPS backend out of memory';

  it('gives the failure as the reason for every missing result', () => {
    expect(markdown.split('\n')[2]).toBe(`> **Phase 5 gate: FAIL** — 5 of 7 truths passed; generation did not finish (${reason})`);
    expect(getSection(markdown, '## INFRA-04 Benchmark').slice(-3)).toEqual([
      `- End time: n/a (${reason})`,
      `- Elapsed seconds: n/a (${reason}) (budget 120 s)`,
      '- GPU History (Activity Monitor): unknown (measured with powermetrics)',
    ]);
    expect(getSection(markdown, '## Image')).toEqual([`- Image: n/a (${reason})`]);
  });

  it('names the failed and the not-run truths in the gate verdict', () => {
    const verdicts = getVerdictLines(markdown);
    expect(verdicts[0]).toBe(`- INFRA-04 benchmark (< 120 seconds): FAIL — ${reason}`);
    expect(verdicts[2]).toBe(
      '- Phase 5 gate: FAIL — failed: INFRA-04 benchmark (< 120 seconds); not run: the GPU is active during generation (no CPU fallback)',
    );
    expect(verdicts).toContain('- the GPU is active during generation (no CPU fallback): NOT RUN — the generation did not finish');
  });

  it('keeps the node timings that were recorded', () => {
    expect(getSection(markdown, '## Timings')).toContain('| **total** | | | **1.46** |');
    expect(getSection(markdown, '## Timings')).toContain(`- Server elapsed (execution_start → execution_success): n/a (${reason})`);
  });
});

describe('renderBenchmarkMarkdown: no GPU sampler', () => {
  it('says which samplers could not run', () => {
    const markdown = render(GPU_UNKNOWN_REPORT);
    expect(markdown.split('\n')).toContain(
      '- GPU History (Activity Monitor): unknown (no GPU sampler ran: sudo -n powermetrics asks for a password and ioreg reports no Device Utilization %)',
    );
    expect(getSection(markdown, '## GPU activity').slice(0, 2)).toEqual([
      '- Sampler: none — sudo -n powermetrics asks for a password and ioreg reports no Device Utilization %',
      '- Interval: n/a (no GPU sampler ran)',
    ]);
    expect(getSection(markdown, '## GPU activity').at(-1)).toBe('Chart: n/a (no GPU sampler ran)');
  });
});

describe('renderBenchmarkMarkdown: no placeholder survives', () => {
  const broken: BenchmarkReport = {
    ...PASSING_REPORT,
    benchmark: { ...PASSING_REPORT.benchmark, elapsedS: Number.NaN, serverElapsedS: Number.POSITIVE_INFINITY, stepsPerSecond: Number.NaN },
    gpu: { ...PASSING_REPORT.gpu, meanPercent: Number.NaN, peakPercent: undefined, meanPowerW: Number.NaN },
    date: 'not a date',
    machine: { ...PASSING_REPORT.machine, description: '' },
  };
  const cases: ReadonlyArray<readonly [string, BenchmarkReport]> = [...ALL_REPORTS, ['non-finite numbers and an unreadable date', broken]];

  it.each(cases)('%s', (_name, report) => {
    for (const options of [{ timeZone: 'UTC' }, { timeZone: 'America/Los_Angeles', trendChartFile: 'trend.svg' }]) {
      const markdown = renderBenchmarkMarkdown(report, options);
      // Fenced blocks are raw data (the server's JSON, its log) and may legitimately hold `null`.
      for (const block of getFencedBlocks(markdown)) {
        expect([JSON.stringify(report.systemStats, null, 2), report.logTail.join('\n')]).toContain(block);
      }
      expect(findPlaceholders(stripFencedBlocks(markdown))).toEqual([]);
      expect(markdown).not.toMatch(/\n{3,}/);
      expect(markdown.endsWith('\n')).toBe(true);
    }
  });
});

describe('renderAtAGlance: a failure other than the generation', () => {
  it('names the failed truths in the headline', () => {
    const report = withTruths(PASSING_REPORT, {
      id: 'device',
      title: 'INFRA-01: ComfyUI runs on the expected device',
      verdict: 'FAIL',
      reason: 'devices[0].type should be "mps"',
    });
    const headline = renderBenchmarkMarkdown({ ...report, phaseVerdict: 'FAIL' })
      .split('\n')
      .find((line) => line.startsWith('> **Phase 5 gate'));
    expect(headline).toBe(
      '> **Phase 5 gate: FAIL** — 6 of 7 truths passed; failed: MPS active (/system_stats devices[0].type == "mps"); generation took 47.31 s (budget 120 s)',
    );
  });
});

describe('renderAtAGlance: what really ran', () => {
  it('says how many nodes ran and how many ComfyUI answered from its cache', () => {
    const report: BenchmarkReport = { ...PASSING_REPORT, benchmark: { ...PASSING_REPORT.benchmark, nodesExecuted: 3, nodesCached: 4 } };
    expect(
      renderBenchmarkMarkdown(report)
        .split('\n')
        .find((line) => line.startsWith('> **Phase 5 gate')),
    ).toBe("> **Phase 5 gate: PASS** — 7 of 7 truths passed; generation took 47.31 s (budget 120 s; 3 nodes ran, 4 answered from ComfyUI's cache)");
  });
});
