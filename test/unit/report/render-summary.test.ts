import { describe, expect, it } from 'vitest';
import { renderBenchmarkMarkdown } from '../../../src/report/render-markdown.ts';
import { renderPlanSummary } from '../../../src/report/render-summary.ts';
import { findPlaceholders, getVerdictLines } from './markdown-helpers.ts';
import { ALL_REPORTS, OVER_BUDGET_REPORT, SETUP_FAILED_REPORT, SIMULATED_REPORT } from './report-variants.ts';
import { PASSING_REPORT } from './sample-report.ts';

const frontmatter = (summary: string): string[] => summary.split('\n').slice(0, summary.split('\n').indexOf('---', 1) + 1);

describe('renderPlanSummary', () => {
  it('starts with the frontmatter the plan asks for', () => {
    expect(frontmatter(renderPlanSummary(PASSING_REPORT, 72_400, { timeZone: 'UTC' }))).toEqual([
      '---',
      'phase: 05-environment-validation',
      'plan: 04',
      'status: passed',
      'date: 2026-02-19',
      'duration: 1m 12s',
      'run_id: "20260219-140455-9f3e"',
      '---',
    ]);
  });

  it('marks a failed gate failed and a simulated run simulated, whatever it found', () => {
    expect(renderPlanSummary(OVER_BUDGET_REPORT, 150_000)).toContain('\nstatus: failed\n');
    expect(renderPlanSummary(SIMULATED_REPORT, 5_000)).toContain('\nstatus: simulated\n');
    expect(renderPlanSummary({ ...SETUP_FAILED_REPORT, simulated: true }, 5_000)).toContain('\nstatus: simulated\n');
  });

  it('uses the local date of the run', () => {
    const lateEvening = { ...PASSING_REPORT, date: '2026-02-19T23:30:00.000Z' };
    expect(renderPlanSummary(lateEvening, 1000, { timeZone: 'Asia/Tokyo' })).toContain('\ndate: 2026-02-20\n');
  });

  it('gives the outcome, the same verdict lines as the report, the time and where the report is', () => {
    const summary = renderPlanSummary(OVER_BUDGET_REPORT, 150_000, { timeZone: 'UTC', reportFile: 'reports/05-BENCHMARK.md' });
    const report = renderBenchmarkMarkdown(OVER_BUDGET_REPORT, { timeZone: 'UTC' });
    expect(summary).toContain('\n> **Phase 5 gate: FAIL** — 6 of 7 truths passed; generation took 131.20 s (budget 120 s)\n');
    expect(getVerdictLines(summary)).toEqual(getVerdictLines(report));
    expect(summary).toContain('\n- INFRA-04 benchmark (< 120 seconds): close other GPU-heavy apps and check that --force-fp16 is set\n');
    expect(summary).toContain('\n- Elapsed seconds: 131.20 (budget 120 s)\n');
    expect(summary.trimEnd().split('\n').at(-1)).toBe('Full report: `reports/05-BENCHMARK.md`');
  });

  it('says a simulated run proves nothing', () => {
    const summary = renderPlanSummary(SIMULATED_REPORT, 5_000);
    expect(summary).toContain('This run used the built-in fake ComfyUI: it proves nothing about this machine.');
    for (const line of getVerdictLines(summary)) expect(line).toContain('(SIMULATED)');
  });

  it.each(ALL_REPORTS)('leaves no placeholder: %s', (_name, report) => {
    expect(findPlaceholders(renderPlanSummary(report, 61_000, { timeZone: 'UTC' }))).toEqual([]);
  });
});
