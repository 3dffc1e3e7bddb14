import { describe, expect, it } from 'vitest';
import { renderGpuChartSvg } from '../../../src/report/render-gpu-chart.ts';
import { getNumericAttributes, getPolylinePoints, getSvgProblems } from './markdown-helpers.ts';
import { SAMPLE_GPU_SAMPLES, SAMPLE_PHASES } from './sample-report.ts';

const chart = renderGpuChartSvg({ samples: SAMPLE_GPU_SAMPLES, phases: SAMPLE_PHASES, thresholdPercent: 5 });

describe('renderGpuChartSvg', () => {
  it('is one well-formed 720x240 SVG document', () => {
    expect(getSvgProblems(chart)).toEqual([]);
    expect(chart).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="720" height="240" viewBox="0 0 720 240"/);
    expect(chart.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('draws one point per sample, in time order', () => {
    const points = getPolylinePoints(chart);
    expect(points).toHaveLength(SAMPLE_GPU_SAMPLES.length);
    const xs = points.map((point) => Number(point.split(',')[0]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(chart).toContain('<polygon points=');
  });

  it('writes only finite numbers with at most one decimal', () => {
    expect(chart).not.toMatch(/NaN|Infinity|undefined/);
    for (const value of getNumericAttributes(chart)) expect(value).toMatch(/^-?\d+(\.\d)?$/);
    for (const point of getPolylinePoints(chart)) expect(point).toMatch(/^-?\d+(\.\d)?,-?\d+(\.\d)?$/);
  });

  it('is deterministic', () => {
    expect(renderGpuChartSvg({ samples: SAMPLE_GPU_SAMPLES, phases: SAMPLE_PHASES, thresholdPercent: 5 })).toBe(chart);
  });

  it('draws the threshold as a labelled dashed line', () => {
    // y = 176 − 5 % of the 136 px plot height.
    expect(chart).toContain('<line x1="48" y1="169.2" x2="708" y2="169.2" stroke="#dc2626" stroke-width="1" stroke-dasharray="4 3"/>');
    expect(chart).toContain('>threshold 5 %</text>');
  });

  it('shades every phase and names each in the legend', () => {
    expect(chart.match(/fill-opacity="0\.15"/g)).toHaveLength(SAMPLE_PHASES.length);
    for (const role of ['checkpoint load', 'text encode', 'sampling', 'decode', 'save']) expect(chart).toContain(`>${role}</text>`);
  });

  it('labels the axes', () => {
    for (const label of ['>0 %<', '>50 %<', '>100 %<', '>0<', '>20<', '>45<', '>seconds since the prompt was submitted<']) {
      expect(chart).toContain(label);
    }
  });

  it('escapes text', () => {
    const escaped = renderGpuChartSvg({ samples: [], phases: [{ role: 'a<b & "c"', startMs: 0, endMs: 50_000 }], thresholdPercent: 5, title: "<GPU> & 'me'" });
    expect(getSvgProblems(escaped)).toEqual([]);
    expect(escaped).toContain('<title>&lt;GPU&gt; &amp; &apos;me&apos;</title>');
    expect(escaped).toContain('>a&lt;b &amp; &quot;c&quot;</text>');
  });

  it('explains an empty chart instead of drawing nothing', () => {
    const empty = renderGpuChartSvg({ samples: [], phases: [], thresholdPercent: 5 });
    expect(getSvgProblems(empty)).toEqual([]);
    expect(empty).not.toMatch(/NaN|Infinity/);
    expect(empty).not.toContain('<polyline');
    expect(empty).toContain('>Not enough GPU samples to draw activity (0 samples)</text>');
  });

  it('draws a single sample as a dot and explains why there is no line', () => {
    const single = renderGpuChartSvg({ samples: [{ atMs: 0, activePercent: 40 }], phases: [], thresholdPercent: 5 });
    expect(getSvgProblems(single)).toEqual([]);
    expect(single).not.toMatch(/NaN|Infinity/);
    expect(single.match(/<circle /g)).toHaveLength(1);
    expect(single).toContain('(1 sample)</text>');
  });

  it('clamps out-of-range values, drops non-finite samples and sorts the rest', () => {
    const messy = renderGpuChartSvg({
      samples: [
        { atMs: 2000, activePercent: 150 },
        { atMs: Number.NaN, activePercent: 10 },
        { atMs: 1000, activePercent: -5 },
        { atMs: 3000, activePercent: Number.POSITIVE_INFINITY },
      ],
      phases: [],
      thresholdPercent: 5,
    });
    expect(messy).not.toMatch(/NaN|Infinity/);
    const points = getPolylinePoints(messy);
    expect(points).toHaveLength(2);
    expect(points.map((point) => point.split(',')[1])).toEqual(['176', '40']);
  });
});
