import type { GpuSamplePoint, PhaseMark } from '../truths/benchmark-report.ts';
import { formatCompact, isFiniteNumber, round1 } from './format.ts';
import { createScale, getNiceTicks, renderAxes, svgDocument, svgLine, svgPoints, svgText } from './render-svg-parts.ts';
import type { Scale } from './render-svg-parts.ts';

/** What the GPU chart draws: samples and phases on the same clock (ms since submit). */
export interface GpuChartInput {
  readonly samples: readonly GpuSamplePoint[];
  readonly phases: readonly PhaseMark[];
  readonly thresholdPercent: number;
  readonly title?: string;
}

const WIDTH = 720;
const HEIGHT = 240;
const PLOT = { left: 48, right: 708, top: 40, bottom: 176 } as const;
const LEGEND_Y = 228;
const PHASE_COLORS: Readonly<Record<string, string>> = {
  'checkpoint load': '#f59e0b',
  'text encode': '#10b981',
  sampling: '#3b82f6',
  decode: '#8b5cf6',
  save: '#ec4899',
};
const FALLBACK_COLORS = ['#14b8a6', '#f97316', '#64748b', '#84cc16'];

function getPhaseColor(role: string, roles: readonly string[]): string {
  const known = PHASE_COLORS[role];
  if (known !== undefined) return known;
  const unknownIndex = roles.filter((candidate) => PHASE_COLORS[candidate] === undefined).indexOf(role);
  return FALLBACK_COLORS[unknownIndex % FALLBACK_COLORS.length] ?? '#64748b';
}

function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, value));
}

function getXDomain(samples: readonly GpuSamplePoint[], phases: readonly PhaseMark[]): [number, number] {
  const times = [0, ...samples.map((sample) => sample.atMs), ...phases.flatMap((phase) => [phase.startMs, phase.endMs])];
  const min = Math.min(...times) / 1000;
  const max = Math.max(...times) / 1000;
  // A run that ends at submit time still gets a one-second axis, so nothing divides by zero.
  return [min, Math.max(max, min + 1)];
}

function renderPhases(phases: readonly PhaseMark[], x: Scale): { bands: string[]; legend: string[] } {
  const roles = [...new Set(phases.map((phase) => phase.role))];
  const bands = phases.flatMap((phase) => {
    const x1 = x(Math.min(phase.startMs, phase.endMs) / 1000);
    const x2 = x(Math.max(phase.startMs, phase.endMs) / 1000);
    const color = getPhaseColor(phase.role, roles);
    const band = `<rect x="${round1(x1)}" y="${PLOT.top}" width="${round1(Math.max(x2 - x1, 0.5))}" height="${PLOT.bottom - PLOT.top}" fill="${color}" fill-opacity="0.15"/>`;
    // A label goes above its band only when it fits; the legend names every phase anyway.
    const fits = x2 - x1 >= phase.role.length * 5.5 + 6;
    return fits ? [band, svgText(x1 + 3, PLOT.top - 4, phase.role, { fill: color })] : [band];
  });
  let cursor = PLOT.left;
  const legend = roles.flatMap((role) => {
    const color = getPhaseColor(role, roles);
    const items = [
      `<rect x="${round1(cursor)}" y="${LEGEND_Y - 8}" width="10" height="10" fill="${color}" fill-opacity="0.5"/>`,
      svgText(cursor + 14, LEGEND_Y, role),
    ];
    cursor += 14 + role.length * 5.5 + 14;
    return items;
  });
  return { bands, legend };
}

function renderSamples(samples: readonly GpuSamplePoint[], x: Scale, y: Scale): string[] {
  const points = samples.map((sample): [number, number] => [x(sample.atMs / 1000), y(clampPercent(sample.activePercent))]);
  const [first] = points;
  if (first === undefined) return [];
  if (points.length === 1) {
    return [`<circle cx="${round1(first[0])}" cy="${round1(first[1])}" r="3" fill="#1d4ed8"/>`];
  }
  const last = points[points.length - 1] ?? first;
  const area: Array<[number, number]> = [[first[0], y(0)], ...points, [last[0], y(0)]];
  return [
    `<polygon points="${svgPoints(area)}" fill="#3b82f6" fill-opacity="0.25" stroke="none"/>`,
    `<polyline points="${svgPoints(points)}" fill="none" stroke="#1d4ed8" stroke-width="1.5"/>`,
  ];
}

function renderThreshold(thresholdPercent: number, y: Scale): string[] {
  if (!isFiniteNumber(thresholdPercent)) return [];
  const at = y(clampPercent(thresholdPercent));
  return [
    svgLine(PLOT.left, at, PLOT.right, at, 'stroke="#dc2626" stroke-width="1" stroke-dasharray="4 3"'),
    svgText(PLOT.right - 2, at - 3, `threshold ${formatCompact(thresholdPercent)} %`, { 'text-anchor': 'end', fill: '#dc2626' }),
  ];
}

/** A self-contained SVG of GPU activity over time, with the threshold and the workflow's phases. */
export function renderGpuChartSvg(input: GpuChartInput): string {
  const samples = input.samples.filter((sample) => isFiniteNumber(sample.atMs) && isFiniteNumber(sample.activePercent)).toSorted((a, b) => a.atMs - b.atMs);
  const phases = input.phases.filter((phase) => isFiniteNumber(phase.startMs) && isFiniteNumber(phase.endMs));
  const [xMin, xMax] = getXDomain(samples, phases);
  const x = createScale(xMin, xMax, PLOT.left, PLOT.right);
  const y = createScale(0, 100, PLOT.bottom, PLOT.top);
  const { bands, legend } = renderPhases(phases, x);
  const empty =
    samples.length < 2
      ? [
          svgText(
            (PLOT.left + PLOT.right) / 2,
            (PLOT.top + PLOT.bottom) / 2,
            `Not enough GPU samples to draw activity (${samples.length} ${samples.length === 1 ? 'sample' : 'samples'})`,
            {
              'text-anchor': 'middle',
              'font-size': '12',
            },
          ),
        ]
      : [];
  const body = [
    ...bands,
    ...renderAxes({
      ...PLOT,
      xTicks: getNiceTicks(xMin, xMax, 10),
      yTicks: [0, 25, 50, 75, 100],
      x,
      y,
      xTitle: 'seconds since the prompt was submitted',
      yUnit: ' %',
    }),
    ...renderThreshold(input.thresholdPercent, y),
    ...renderSamples(samples, x, y),
    ...empty,
    ...legend,
  ];
  return svgDocument(WIDTH, HEIGHT, input.title ?? 'GPU activity during generation', body);
}
