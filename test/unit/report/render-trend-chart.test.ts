import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../src/truths/benchmark-report.ts';
import { renderTrendChartSvg, TREND_CHART_MAX_RUNS } from '../../../src/report/render-trend-chart.ts';
import { getNumericAttributes, getPolylinePoints, getSvgProblems } from './markdown-helpers.ts';
import { SAMPLE_PREVIOUS } from './sample-report.ts';

function runs(elapsed: ReadonlyArray<number | undefined>, overrides: Partial<HistoryEntry> = {}): HistoryEntry[] {
  return elapsed.map((elapsedS, index) => {
    const { elapsedS: _omitted, ...rest } = SAMPLE_PREVIOUS;
    return {
      ...rest,
      runId: `run-${index}`,
      date: `2026-02-${String(10 + index).padStart(2, '0')}T09:00:00.000Z`,
      ...(elapsedS === undefined ? {} : { elapsedS }),
      ...overrides,
    };
  });
}

describe('renderTrendChartSvg', () => {
  it('draws nothing below three timed runs', () => {
    expect(renderTrendChartSvg([])).toBeUndefined();
    expect(renderTrendChartSvg(runs([47.3, 48.9]))).toBeUndefined();
    expect(renderTrendChartSvg(runs([47.3, undefined, 48.9, Number.NaN]))).toBeUndefined();
  });

  it('draws one point per timed run, skipping runs that did not finish', () => {
    const svg = renderTrendChartSvg(runs([52.4, undefined, 46.8, 48.9]));
    expect(svg).toBeDefined();
    expect(getSvgProblems(svg ?? '')).toEqual([]);
    expect(getPolylinePoints(svg ?? '')).toHaveLength(3);
    expect(svg?.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain('<title>Elapsed seconds per run (last 3 runs)</title>');
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    for (const value of getNumericAttributes(svg ?? '')) expect(value).toMatch(/^-?\d+(\.\d)?$/);
  });

  it(`keeps the last ${TREND_CHART_MAX_RUNS} runs`, () => {
    const svg = renderTrendChartSvg(runs(Array.from({ length: 25 }, (_, index) => 40 + index)));
    expect(getPolylinePoints(svg ?? '')).toHaveLength(TREND_CHART_MAX_RUNS);
    expect(svg).toContain('(last 20 runs)');
  });

  it('plots longer runs higher, on a y axis that starts at 0', () => {
    const svg = renderTrendChartSvg(runs([30, 60, 45])) ?? '';
    const ys = getPolylinePoints(svg).map((point) => Number(point.split(',')[1]));
    expect(ys[1]).toBeLessThan(ys[2] ?? 0);
    expect(ys[2]).toBeLessThan(ys[0] ?? 0);
    expect(svg).toContain('>0 s</text>');
  });

  it('draws simulated runs hollow and failed runs red', () => {
    const svg = renderTrendChartSvg([...runs([47, 48]), ...runs([49], { simulated: true, phaseVerdict: 'FAIL', runId: 'sim' })]) ?? '';
    expect(svg).toContain('fill="#ffffff" stroke="#dc2626"');
    expect(svg.match(/fill="#16a34a" stroke="#16a34a"/g)).toHaveLength(2);
  });
});
