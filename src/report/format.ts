import { escapeXml, markdownText, neutraliseMarkers, sanitizeLines } from '../text/sanitize.ts';

// Small, pure formatting helpers shared by the report renderers. Every helper that can meet a
// missing or non-finite value takes the reason to show instead, so no placeholder reaches a report.

/** Shows a value that could not be given, with the reason: `n/a (<why>)`. */
export function notAvailable(why: string): string {
  return `n/a (${oneLine(why)})`;
}

/** True for a number that can be printed: not undefined, not NaN, not ±Infinity. */
export function isFiniteNumber(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Fixed decimals, or `n/a (<why>)` when the value is missing or not finite. */
export function formatFixed(value: number | undefined, decimals: number, why: string): string {
  return isFiniteNumber(value) ? value.toFixed(decimals) : notAvailable(why);
}

/** Fixed decimals followed by a unit, e.g. `14.5 W`, or `n/a (<why>)` without the unit. */
export function formatWithUnit(value: number | undefined, decimals: number, unit: string, why: string): string {
  return isFiniteNumber(value) ? `${value.toFixed(decimals)} ${unit}` : notAvailable(why);
}

/** Seconds with two decimals, e.g. `47.31`. */
export function formatSeconds(value: number | undefined, why: string): string {
  return formatFixed(value, 2, why);
}

/** A number with at most two decimals and no trailing zeros, e.g. `120`, `0.5`. */
export function formatCompact(value: number): string {
  return isFiniteNumber(value) ? String(Number(value.toFixed(2))) : 'n/a (not a number)';
}

/** A percentage with one decimal, e.g. `86.4 %`. */
export function formatPercent(value: number | undefined, why: string): string {
  return isFiniteNumber(value) ? `${value.toFixed(1)} %` : notAvailable(why);
}

/** An integer with thousands separators, e.g. `2,132,625,894`. */
export function formatInteger(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Decimal gigabytes plus the exact byte count, e.g. `2.13 GB (2,132,625,894 bytes)`. */
export function formatBytes(bytes: number): string {
  if (!isFiniteNumber(bytes)) return notAvailable('size unknown');
  return `${(bytes / 1e9).toFixed(2)} GB (${formatInteger(bytes)} bytes)`;
}

/** A duration for people: `48s`, `1m 12s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (!isFiniteNumber(ms) || ms < 0) return notAvailable('duration unknown');
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
  return `${seconds}s`;
}

/** How much faster or slower `current` is than `reference`, e.g. `3.3 % faster`. */
export function formatChange(current: number, reference: number): string {
  if (!isFiniteNumber(current) || !isFiniteNumber(reference) || reference <= 0) {
    return notAvailable('no comparable time');
  }
  const change = ((current - reference) / reference) * 100;
  if (Math.abs(change) < 0.05) return 'the same time';
  return `${Math.abs(change).toFixed(1)} % ${change < 0 ? 'faster' : 'slower'}`;
}

function parseDate(iso: string): Date | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function dateParts(date: Date, timeZone: string | undefined): Record<string, string> {
  // en-US with explicit 2-digit fields and h23 gives the same parts on every Node with full ICU.
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  return parts;
}

/** Local date and time, e.g. `2026-02-19 14:03:12 GMT+1`; `timeZone` defaults to the system's. */
export function formatLocalDateTime(iso: string, timeZone?: string): string {
  const date = parseDate(iso);
  if (date === undefined) return notAvailable(`unreadable time "${iso}"`);
  const p = dateParts(date, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
}

/** Local date and time followed by the ISO form: `2026-02-19 14:03:12 GMT+1 (2026-02-19T13:03:12.000Z)`. */
export function formatDateTimeWithIso(iso: string, timeZone?: string): string {
  const date = parseDate(iso);
  if (date === undefined) return notAvailable(`unreadable time "${iso}"`);
  return `${formatLocalDateTime(iso, timeZone)} (${date.toISOString()})`;
}

/** Local calendar date only, e.g. `2026-02-19`. */
export function formatLocalDate(iso: string, timeZone?: string): string {
  const date = parseDate(iso);
  if (date === undefined) return notAvailable(`unreadable date "${iso}"`);
  const p = dateParts(date, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Longest text a list item quotes; a failure with a breakdown fits, a 50 MB body does not. */
const MAX_INLINE = 2000;

/**
 * Any text that is not the gate's own fixed wording, as one inert Markdown line for a list item
 * or table cell: control characters shown, HTML and inline Markdown escaped, length capped.
 */
export function oneLine(text: string, max = MAX_INLINE): string {
  return markdownText(text, max);
}

/** Makes text safe inside a Markdown table cell. */
export function escapeTableCell(text: string): string {
  return oneLine(text, 300);
}

/**
 * A fenced code block of outside lines (a log tail, JSON): each line sanitised (a code block shows
 * HTML and Markdown literally, but not terminal escapes), the fence longer than any backtick run.
 */
export function codeFence(content: string, language = ''): string {
  const safe = neutraliseMarkers(sanitizeLines(content, 400, 1000).join('\n'));
  const longestRun = Math.max(2, ...Array.from(safe.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longestRun + 1);
  return `${fence}${language}\n${safe}\n${fence}`;
}

export { escapeXml };

/** A coordinate rounded to one decimal, without `-0`, so SVG output is deterministic. */
export function round1(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}
