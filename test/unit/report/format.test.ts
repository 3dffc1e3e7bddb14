import { describe, expect, it } from 'vitest';
import {
  codeFence,
  escapeXml,
  formatBytes,
  formatChange,
  formatCompact,
  formatDateTimeWithIso,
  formatDuration,
  formatLocalDate,
  formatLocalDateTime,
  formatPercent,
  formatSeconds,
  formatWithUnit,
  oneLine,
  round1,
} from '../../../src/report/format.ts';

describe('number formatting', () => {
  it('prints seconds with two decimals, or why they are missing', () => {
    expect(formatSeconds(47.314, 'x')).toBe('47.31');
    expect(formatSeconds(undefined, 'the generation did not run')).toBe('n/a (the generation did not run)');
    expect(formatSeconds(Number.NaN, 'not measured')).toBe('n/a (not measured)');
    expect(formatWithUnit(14.46, 1, 'W', 'x')).toBe('14.5 W');
    expect(formatWithUnit(Number.POSITIVE_INFINITY, 1, 'W', 'no power')).toBe('n/a (no power)');
  });

  it('prints budgets compactly and percentages with one decimal', () => {
    expect(formatCompact(120)).toBe('120');
    expect(formatCompact(0.5)).toBe('0.5');
    expect(formatPercent(89.46, 'x')).toBe('89.5 %');
  });

  it('prints sizes and durations for people', () => {
    expect(formatBytes(2_132_625_894)).toBe('2.13 GB (2,132,625,894 bytes)');
    expect(formatDuration(48_000)).toBe('48s');
    expect(formatDuration(72_400)).toBe('1m 12s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(Number.NaN)).toBe('n/a (duration unknown)');
  });

  it('says how much faster or slower a run was', () => {
    expect(formatChange(47.31, 48.9)).toBe('3.3 % faster');
    expect(formatChange(47.31, 46.8)).toBe('1.1 % slower');
    expect(formatChange(47.31, 47.31)).toBe('the same time');
    expect(formatChange(47.31, 0)).toBe('n/a (no comparable time)');
  });
});

describe('date formatting', () => {
  const iso = '2026-02-19T13:04:55.000Z';

  it('prints local time in the given zone, the same on every machine', () => {
    expect(formatLocalDateTime(iso, 'UTC')).toBe('2026-02-19 13:04:55 UTC');
    expect(formatLocalDateTime(iso, 'Europe/Berlin')).toBe('2026-02-19 14:04:55 GMT+1');
    expect(formatLocalDateTime('2026-07-01T00:30:00.000Z', 'America/Los_Angeles')).toBe('2026-06-30 17:30:00 PDT');
    expect(formatDateTimeWithIso(iso, 'UTC')).toBe('2026-02-19 13:04:55 UTC (2026-02-19T13:04:55.000Z)');
    expect(formatLocalDate(iso, 'Pacific/Kiritimati')).toBe('2026-02-20');
  });

  it('says when a time cannot be read', () => {
    expect(formatLocalDateTime('yesterday', 'UTC')).toBe('n/a (unreadable time "yesterday")');
    expect(formatDateTimeWithIso('', 'UTC')).toBe('n/a (unreadable time "")');
    expect(formatLocalDate('soon')).toBe('n/a (unreadable date "soon")');
  });
});

describe('text formatting', () => {
  it('quotes outside text on one inert line, line breaks shown', () => {
    expect(oneLine('first\n   second\r\nthird ')).toBe('first ⏎ second ⏎ third');
    expect(oneLine('<b>*bold*</b> [x](y)')).toBe('&lt;b&gt;\\*bold\\*&lt;/b&gt; \\[x\\](y)');
  });

  it('fences content with a fence longer than any backtick run in it', () => {
    expect(codeFence('plain', 'json')).toBe('```json\nplain\n```');
    expect(codeFence('has ``` inside')).toBe('````\nhas ``` inside\n````');
  });

  it('escapes XML and rounds coordinates to one decimal', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(round1(12.345)).toBe('12.3');
    expect(round1(-0.04)).toBe('0');
    expect(round1(100)).toBe('100');
  });
});
