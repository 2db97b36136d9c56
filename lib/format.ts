/** How figures read on every page: one place, so a tile and a table never disagree. */

/**
 * A duration given in hours (as Freshchat sends its statistics), in the unit a team lead reads it
 * in: seconds under a minute, whole minutes under an hour, hours with one decimal from there (a
 * chat's first response is minutes; "0.2 h" made every fast team look alike, and "0.0 h" said
 * nothing). An en dash when there is no value.
 */
export function hours(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  // Zero as Freshchat sends it: its statistics are documented as whole hours (the fixtures' are), so
  // a 0 says "under an hour", which "0 s" misread as an instant reply.
  if (value === 0) return '0 h';
  const sign = value < 0 ? '−' : '';
  const seconds = roundHalfUp(Math.abs(value) * 3600);
  if (seconds < 60) return `${sign}${seconds} s`;
  // From the value, not from the rounded seconds: 46.4964 min is 2,790 s, which would read 47.
  const minutes = roundHalfUp(Math.abs(value) * 60);
  if (minutes < 60) return `${sign}${minutes} min`;
  return `${sign}${oneDecimal(Math.abs(value))} h`;
}

/**
 * A non-negative value rounded to a whole number, halves up, as it reads in decimal: computed
 * figures carry binary noise (a p90 between 4.03 and 4.13 is 4.0499999999999998, which
 * JavaScript prints as 4.05), and rounding the noise read 4.0 where a spreadsheet, from the same
 * values, reads 4.1. Twelve significant digits drop the noise and keep every real digit.
 */
const roundHalfUp = (value: number) => Math.round(Number(value.toPrecision(12)));

/** A non-negative value with one decimal, halves up as it reads in decimal (roundHalfUp). */
const oneDecimal = (value: number) => (roundHalfUp(value * 10) / 10).toFixed(1);

/** A count with thousands separators. */
export const count = (value: number) => value.toLocaleString('en');

/**
 * How many values a business-hours and a calendar-hours figure are each of: one count when they
 * agree, both when they do not (the larger alone sat beside a business median of fewer values).
 */
export const pairCount = (business: number, calendar: number) => (business === calendar ? count(business) : `${count(business)} business · ${count(calendar)} calendar`);

/** A count and its noun, singular for one: `1 request`, `4 requests`. */
export const countOf = (value: number, noun: string) => `${count(value)} ${noun}${value === 1 ? '' : 's'}`;

/** A share as a percentage with one decimal, or an en dash when the whole is zero. */
export const percent = (part: number, whole: number) => (whole === 0 ? '–' : `${oneDecimal((100 * part) / whole)} %`);

/** The time of day of an epoch-ms or ISO time as `HH:MM:SS` on the clock of `tz` (the page's, not the browser's): when figures were last refreshed. */
export const clockTime = (value: number | string, tz: string) => new Date(value).toLocaleTimeString('en-GB', { timeZone: tz });

/** An epoch-ms or ISO time as `YYYY-MM-DD HH:MM` in `tz`, or an en dash. */
export function dateTime(value: number | string | null | undefined, tz: string): string {
  if (value === null || value === undefined) return '–';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(value));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** A count on a chart axis, short enough not to run into the axis title: 950, 12K, 1.2M. */
export const axisCount = (value: number) => compact.format(value);

/** At most this many intervals between a value axis's ticks (Recharts draws four by default). */
const MAX_AXIS_INTERVALS = 5;

/**
 * A value axis from zero to the first tick at or above `max`, its ticks `step` apart, where `step`
 * is 1, 2 or 5 times a power of ten (at least 1 for counts): the smallest such step that needs
 * at most five intervals. Recharts' own steps are any multiple of 0.05 of a power of ten, which
 * put 650, 1.3K and "2K" (at 1,950) on a histogram's count axis, and 0.055 and 0.165 on hours.
 * These ticks read exactly as `axisCount` writes them (at most one decimal of K or M).
 */
export function niceAxis(max: number, { integer = false }: { integer?: boolean } = {}): { domain: [number, number]; ticks: number[] } {
  if (!Number.isFinite(max) || max <= 0) return { domain: [0, 1], ticks: [0, 1] };
  const magnitude = 10 ** Math.floor(Math.log10(max / MAX_AXIS_INTERVALS));
  let step = 10 * magnitude;
  for (const digit of [1, 2, 5]) {
    const candidate = digit * magnitude;
    // A whisker of tolerance: 0.2 / 0.05 is 4.000000000000001 in floating point.
    if ((!integer || candidate >= 1) && Math.ceil(max / candidate - 1e-9) <= MAX_AXIS_INTERVALS) {
      step = candidate;
      break;
    }
  }
  if (integer) step = Math.max(1, step);
  const intervals = Math.ceil(max / step - 1e-9);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks = Array.from({ length: intervals + 1 }, (_, i) => Number((i * step).toFixed(decimals)));
  return { domain: [0, ticks[ticks.length - 1]!], ticks };
}

/**
 * The value axis of a chart whose points are `values` (nulls, gaps, ignored): niceAxis up to the
 * greatest, or no props (Recharts' own axis) if one is negative, which niceAxis, from zero, would
 * cut off. Statistics are durations and counts are counts, so that should never be needed.
 */
export function valueAxis(values: Iterable<number | null>, options: { integer?: boolean } = {}): ReturnType<typeof niceAxis> | Record<string, never> {
  let max = 0;
  for (const value of values) {
    if (value === null) continue;
    if (value < 0) return {};
    max = Math.max(max, value);
  }
  return niceAxis(max, options);
}

/**
 * The unit of a chart's duration axis, for values given in hours: minutes when every value is
 * under an hour (an axis of 0.05 h steps is read by nobody), hours otherwise. Plot `value * perHour`.
 */
export function durationUnit(values: Iterable<number | null>): { unit: 'minutes' | 'hours'; perHour: number } {
  for (const value of values) if (value !== null && Math.abs(value) >= 1) return { unit: 'hours', perHour: 1 };
  return { unit: 'minutes', perHour: 60 };
}
