import { describe, expect, it } from 'vitest';
import { renderBenchmarkMarkdown } from '../../../src/report/render-markdown.ts';
import type { BenchmarkReport } from '../../../src/truths/benchmark-report.ts';
import { getFencedBlocks, getHeadings, getSection, getVerdictLines } from './markdown-helpers.ts';
import { ATTACH_REPORT, CUDA_REPORT, OVER_BUDGET_REPORT, SIMULATED_REPORT, SKIPPED_REPORT } from './report-variants.ts';
import { PASSING_REPORT, SAMPLE_SYSTEM_STATS, withTruths } from './sample-report.ts';

const render = (report: BenchmarkReport): string => renderBenchmarkMarkdown(report, { timeZone: 'UTC' });
const lines = (markdown: string): string[] => markdown.split('\n');

const PASSING_VERDICTS = [
  '- INFRA-04 benchmark (< 120 seconds): PASS',
  '- MPS active (/system_stats devices[0].type == "mps"): PASS',
  '- Phase 5 gate: PASS',
  '- INFRA-01: ComfyUI answers /system_stats: PASS',
  '- INFRA-02: the checkpoint is installed and complete: PASS',
  '- the GPU is active during generation (no CPU fallback): PASS',
  '- INFRA-03: kohya_ss venv with mixed_precision: no: PASS',
  '- INFRA-05: ComfyUI-Manager, ControlNet-Aux and the OpenPose model: PASS',
];

describe('renderBenchmarkMarkdown: the plan template', () => {
  const markdown = render(PASSING_REPORT);

  it("keeps the plan's headings in order, then the extra sections", () => {
    expect(getHeadings(markdown)).toEqual([
      '# Phase 5 Benchmark Results',
      '## System Stats (from /system_stats)',
      '## MPS Confirmation',
      '## INFRA-04 Benchmark',
      '## Verdict',
      '## Diagnosis',
      '## Timings',
      '## GPU activity',
      '## Image',
      '## Install checks',
      '## History',
    ]);
  });

  it('puts the outcome on the line right under the title', () => {
    expect(lines(markdown).slice(0, 3)).toEqual([
      '# Phase 5 Benchmark Results',
      '',
      '> **Phase 5 gate: PASS** — 7 of 7 truths passed; generation took 47.31 s (budget 120 s)',
    ]);
  });

  it('fills the header fields with the run date, the machine and the launch flags', () => {
    expect(lines(markdown)).toEqual(
      expect.arrayContaining([
        '**Date:** 2026-02-19 13:04:55 UTC (2026-02-19T13:04:55.000Z)',
        '**Machine:** M1 Pro, macOS 15.5 arm64, 16 GB unified memory',
        '**ComfyUI launch flags:** PYTORCH_ENABLE_MPS_FALLBACK=1 --force-fp16 --listen 127.0.0.1 --port 8188',
      ]),
    );
  });

  it('shows local time in the configured time zone', () => {
    const berlin = renderBenchmarkMarkdown(PASSING_REPORT, { timeZone: 'Europe/Berlin' });
    expect(lines(berlin)).toContain('**Date:** 2026-02-19 14:04:55 GMT+1 (2026-02-19T13:04:55.000Z)');
  });

  it('pastes /system_stats as pretty-printed JSON in a json fence', () => {
    expect(getSection(markdown, '## System Stats (from /system_stats)')[0]).toBe('```json');
    expect(getFencedBlocks(markdown)).toEqual([JSON.stringify(SAMPLE_SYSTEM_STATS, null, 2)]);
  });

  it('fills the MPS confirmation with the actual and the expected values', () => {
    expect(getSection(markdown, '## MPS Confirmation')).toEqual([
      '- devices[0].type: mps (expected: "mps")',
      '- python_version: 3.11.9 (main, Apr 2 2024, 08:25:04) \\[Clang 15.0.0 (clang-1500.3.9.4)\\] (expected: "3.11.x")',
      '- comfyui_version: 0.3.64',
      '- pytorch_version: 2.5.1',
    ]);
  });

  it('adds the python warning under the python line', () => {
    const warned = render({ ...PASSING_REPORT, device: { ...PASSING_REPORT.device, pythonWarning: 'Python 3.12 is newer than the plan expects' } });
    const section = getSection(warned, '## MPS Confirmation');
    expect(section[2]).toBe('- Warning: Python 3.12 is newer than the plan expects');
  });

  it('fills the INFRA-04 parameters and results in the template order', () => {
    expect(getSection(markdown, '## INFRA-04 Benchmark')).toEqual([
      '**Parameters:**',
      '- Checkpoint: anything-v5-PrtRE.safetensors',
      '- Resolution: 512 x 512',
      '- Steps: 20',
      '- Sampler: euler_ancestral (Euler a)',
      '- Scheduler: normal',
      '- CFG Scale: 7.0',
      '- Prompt: anime character, white cloak, standing, masterpiece',
      '- Seed: 42',
      '',
      '**Results:**',
      '- Start time: 2026-02-19 13:05:01 UTC (2026-02-19T13:05:01.120Z)',
      '- End time: 2026-02-19 13:05:48 UTC (2026-02-19T13:05:48.430Z)',
      '- Elapsed seconds: 47.31 (budget 120 s)',
      '- GPU History (Activity Monitor): active (measured with powermetrics)',
    ]);
  });

  it("writes the plan's three verdict lines first, then the other truths in order", () => {
    expect(getVerdictLines(markdown)).toEqual(PASSING_VERDICTS);
  });

  it('takes the budget from the report', () => {
    const tight = render({ ...PASSING_REPORT, benchmark: { ...PASSING_REPORT.benchmark, budgetS: 90 } });
    expect(getVerdictLines(tight)[0]).toBe('- INFRA-04 benchmark (< 90 seconds): PASS');
    expect(lines(tight)).toContain('- Elapsed seconds: 47.31 (budget 90 s)');
  });

  it('shows no log section when everything passed', () => {
    expect(markdown).not.toContain('## ComfyUI log');
  });
});

describe('renderBenchmarkMarkdown: verdicts', () => {
  it('says by how much the generation missed the budget', () => {
    const markdown = render(OVER_BUDGET_REPORT);
    expect(lines(markdown)[2]).toBe('> **Phase 5 gate: FAIL** — 6 of 7 truths passed; generation took 131.20 s (budget 120 s)');
    expect(getVerdictLines(markdown).slice(0, 3)).toEqual([
      '- INFRA-04 benchmark (< 120 seconds): FAIL — took 131.20 s, over the 120 s budget',
      '- MPS active (/system_stats devices[0].type == "mps"): PASS',
      '- Phase 5 gate: FAIL — failed: INFRA-04 benchmark (< 120 seconds)',
    ]);
    expect(getSection(markdown, '## Verdict').slice(-2)).toEqual([
      '**What to do:**',
      '- INFRA-04 benchmark (< 120 seconds): close other GPU-heavy apps and check that --force-fp16 is set',
    ]);
  });

  it('shows the log tail when something failed', () => {
    const section = getSection(render(OVER_BUDGET_REPORT), '## ComfyUI log (last lines)');
    expect(section.slice(0, 3)).toEqual(['Full log: `reports/comfyui.log`', '', '```']);
    expect(section).toContain('Prompt executed in 47.12 seconds');
  });

  it('stamps every verdict of a simulated run and says so at the very top', () => {
    const markdown = render(SIMULATED_REPORT);
    expect(lines(markdown)[0]).toBe('> **SIMULATED RUN.** This report was produced against the built-in fake ComfyUI, not a real server.');
    expect(lines(markdown)[1]).toContain('It proves nothing about this machine');
    const verdicts = getVerdictLines(markdown);
    expect(verdicts).toEqual(PASSING_VERDICTS.map((line) => `${line} (SIMULATED)`));
    expect(markdown).toContain('> **Phase 5 gate: PASS (SIMULATED)** — 7 of 7 truths passed');
  });

  it('says a skipped truth was skipped by configuration, and why', () => {
    const markdown = render(SKIPPED_REPORT);
    expect(getVerdictLines(markdown)).toContain(
      '- INFRA-03: kohya_ss venv with mixed_precision: no: SKIPPED (by configuration) — COMFYUI_GATE_SKIP includes kohya',
    );
    expect(lines(markdown)[2]).toBe('> **Phase 5 gate: PASS** — 6 of 7 truths passed (1 skipped by configuration); generation took 47.31 s (budget 120 s)');
    expect(getSection(markdown, '## Install checks')).toContain('- n/a (skipped by configuration: COMFYUI_GATE_SKIP includes kohya)');
  });

  it('reports a truth with no recorded result as NOT RUN', () => {
    const missing = { ...PASSING_REPORT, truths: PASSING_REPORT.truths.filter((truth) => truth.id !== 'custom-nodes-loaded'), phaseVerdict: 'FAIL' as const };
    const verdicts = getVerdictLines(render(missing));
    expect(verdicts).toContain('- INFRA-05: ComfyUI-Manager, ControlNet-Aux and the OpenPose model: NOT RUN — no result was recorded for this truth');
    expect(verdicts[2]).toBe('- Phase 5 gate: FAIL — not run: INFRA-05: ComfyUI-Manager, ControlNet-Aux and the OpenPose model');
  });

  it('keeps a multi-line reason on one line', () => {
    const report = withTruths(PASSING_REPORT, {
      id: 'reachable',
      title: 'INFRA-01: ComfyUI answers /system_stats',
      verdict: 'FAIL',
      reason: 'GET /system_stats failed\n  status 500',
    });
    expect(getVerdictLines(render({ ...report, phaseVerdict: 'FAIL' }))).toContain(
      '- INFRA-01: ComfyUI answers /system_stats: FAIL — GET /system_stats failed ⏎ status 500',
    );
  });
});

describe('renderBenchmarkMarkdown: server modes and device profiles', () => {
  it('names the attached server and the flags it reports it was started with', () => {
    const markdown = render(ATTACH_REPORT);
    expect(lines(markdown)).toContain(
      '**ComfyUI launch flags:** attached to http://127.0.0.1:8188 (server started with: --force-fp16 --listen 127.0.0.1 --port 8188)',
    );
    expect(lines(markdown)).toContain('- Server ready after: n/a (attached to a running server)');
  });

  it('says so when an attached server did not report its argv', () => {
    const markdown = render({ ...ATTACH_REPORT, device: { ...ATTACH_REPORT.device, argv: undefined } });
    expect(lines(markdown)).toContain(
      '**ComfyUI launch flags:** attached to http://127.0.0.1:8188 (server started with: n/a (argv not reported by this ComfyUI version))',
    );
  });

  it('keeps the heading but expects the configured device', () => {
    const markdown = render(CUDA_REPORT);
    expect(getHeadings(markdown)).toContain('## MPS Confirmation');
    expect(getSection(markdown, '## MPS Confirmation')[0]).toBe('- devices[0].type: cuda (all devices: cuda, cpu) (expected: "cuda")');
    expect(getVerdictLines(markdown)[1]).toBe('- CUDA active (/system_stats devices[0].type == "cuda"): PASS');
    expect(lines(markdown)).toContain('**ComfyUI launch flags:** --force-fp16 --listen 127.0.0.1 --port 8188');
  });
});
