import type { HistoryEntry } from '../truths/benchmark-report.ts';
import { isFiniteNumber, round1 } from './format.ts';
import { createScale, getNiceCeiling, getNiceTicks, renderAxes, svgDocument, svgPoints } from './render-svg-parts.ts';

/** How many runs the trend chart shows at most. */
export const TREND_CHART_MAX_RUNS = 20;
/** Below this many timed runs a trend says nothing, so no chart is drawn. */
export const TREND_CHART_MIN_RUNS = 3;

const WIDTH = 480;
const HEIGHT = 200;
const PLOT = { left: 48, right: 464, top: 30, bottom: 150 } as const;
const MAX_X_LABELS = 8;

type TimedEntry = HistoryEntry & { readonly elapsedS: number };

function getPointColor(entry: HistoryEntry): string {
  return entry.phaseVerdict === 'PASS' ? '#16a34a' : '#dc2626';
}

/** Elapsed seconds per run over the last runs (oldest first); undefined below three timed runs. */
export function renderTrendChartSvg(entries: readonly HistoryEntry[]): string | undefined {
  const timed = entries.filter((entry): entry is TimedEntry => isFiniteNumber(entry.elapsedS)).slice(-TREND_CHART_MAX_RUNS);
  if (timed.length < TREND_CHART_MIN_RUNS) return undefined;
  const yMax = getNiceCeiling(Math.max(...timed.map((entry) => entry.elapsedS)) * 1.1, 5);
  const x = createScale(0, timed.length - 1, PLOT.left + 12, PLOT.right - 12);
  const y = createScale(0, yMax, PLOT.bottom, PLOT.top);
  const points = timed.map((entry, index): [number, number] => [x(index), y(entry.elapsedS)]);
  // Label every k-th run so the dates never overlap.
  const every = Math.ceil(timed.length / MAX_X_LABELS);
  const xTicks = timed.map((_, index) => index).filter((index) => index % every === 0 || index === timed.length - 1);
  const dots = timed.map((entry, index) => {
    const [cx, cy] = points[index] ?? [0, 0];
    // Simulated runs are hollow: they measure the fake server, not this machine.
    const fill = entry.simulated ? '#ffffff' : getPointColor(entry);
    return `<circle cx="${round1(cx)}" cy="${round1(cy)}" r="3.5" fill="${fill}" stroke="${getPointColor(entry)}" stroke-width="1.5"/>`;
  });
  const body = [
    ...renderAxes({
      ...PLOT,
      xTicks,
      yTicks: getNiceTicks(0, yMax, 5),
      x,
      y,
      xTitle: 'run date (hollow: simulated, red: gate failed)',
      yUnit: ' s',
      xLabel: (index) => timed[index]?.date.slice(5, 10) ?? '',
    }),
    `<polyline points="${svgPoints(points)}" fill="none" stroke="#1d4ed8" stroke-width="1.5"/>`,
    ...dots,
  ];
  return svgDocument(WIDTH, HEIGHT, `Elapsed seconds per run (last ${timed.length} runs)`, body);
}
