import { escapeXml, formatCompact, round1 } from './format.ts';

/** A linear map from data values to pixels. */
export type Scale = (value: number) => number;

/** Maps [domainMin, domainMax] onto [rangeMin, rangeMax]; a zero-width domain maps to rangeMin. */
export function createScale(domainMin: number, domainMax: number, rangeMin: number, rangeMax: number): Scale {
  const span = domainMax - domainMin;
  return (value) => (span === 0 ? rangeMin : rangeMin + ((value - domainMin) / span) * (rangeMax - rangeMin));
}

/** A tick step of 1, 2 or 5 times a power of ten that gives at most `maxTicks` intervals. */
export function getNiceStep(span: number, maxTicks: number): number {
  if (!(span > 0)) return 1;
  const rough = span / maxTicks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough);
  return step ?? 10 * power;
}

/** Tick values from the first multiple of a nice step at or above `min` up to `max`. */
export function getNiceTicks(min: number, max: number, maxTicks: number): number[] {
  const step = getNiceStep(max - min, maxTicks);
  const ticks: number[] = [];
  // Rounding to the step's precision keeps 0.1 + 0.2 from printing as 0.30000000000000004.
  for (let tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step) {
    ticks.push(Number(tick.toFixed(6)));
  }
  return ticks;
}

/** The smallest nice step multiple at or above `value` (at least `step`). */
export function getNiceCeiling(value: number, maxTicks: number): number {
  const step = getNiceStep(value, maxTicks);
  return Math.max(step, Math.ceil(value / step) * step);
}

/** A `<text>` element with escaped content; attributes are written in the given order. */
export function svgText(x: number, y: number, text: string, attributes: Readonly<Record<string, string>> = {}): string {
  const extra = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeXml(value)}"`)
    .join('');
  return `<text x="${round1(x)}" y="${round1(y)}"${extra}>${escapeXml(text)}</text>`;
}

/** A horizontal or vertical line. */
export function svgLine(x1: number, y1: number, x2: number, y2: number, attributes: string): string {
  return `<line x1="${round1(x1)}" y1="${round1(y1)}" x2="${round1(x2)}" y2="${round1(y2)}" ${attributes}/>`;
}

/** `x,y x,y …` for a polyline or polygon. */
export function svgPoints(points: ReadonlyArray<readonly [number, number]>): string {
  return points.map(([x, y]) => `${round1(x)},${round1(y)}`).join(' ');
}

/** The plot frame: x and y axes with their ticks, tick labels and axis titles. */
export interface AxesSpec {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly xTicks: readonly number[];
  readonly yTicks: readonly number[];
  readonly x: Scale;
  readonly y: Scale;
  readonly xTitle: string;
  readonly yUnit: string;
  readonly xLabel?: (tick: number) => string;
}

/** Draws the axes, a light grid line per y tick, and the labels. */
export function renderAxes(spec: AxesSpec): string[] {
  const { left, right, top, bottom, x, y } = spec;
  const xLabel = spec.xLabel ?? formatCompact;
  const grid = spec.yTicks.flatMap((tick) => [
    svgLine(left, y(tick), right, y(tick), 'stroke="#e5e7eb" stroke-width="1"'),
    svgText(left - 6, y(tick) + 3, `${formatCompact(tick)}${spec.yUnit}`, { 'text-anchor': 'end' }),
  ]);
  const xTicks = spec.xTicks.flatMap((tick) => [
    svgLine(x(tick), bottom, x(tick), bottom + 4, 'stroke="#6b7280" stroke-width="1"'),
    svgText(x(tick), bottom + 15, xLabel(tick), { 'text-anchor': 'middle' }),
  ]);
  return [
    ...grid,
    svgLine(left, bottom, right, bottom, 'stroke="#6b7280" stroke-width="1"'),
    svgLine(left, top, left, bottom, 'stroke="#6b7280" stroke-width="1"'),
    ...xTicks,
    svgText((left + right) / 2, bottom + 28, spec.xTitle, { 'text-anchor': 'middle' }),
  ];
}

/** The root element: a self-contained SVG with a title for screen readers. */
export function svgDocument(width: number, height: number, title: string, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="system-ui, -apple-system, sans-serif" font-size="10" fill="#374151">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    svgText(8, 16, title, { 'font-size': '12', 'font-weight': 'bold' }),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
