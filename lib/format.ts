/** How figures read on every page: one place, so a tile and a table never disagree. */

/** Hours with one decimal and the unit, or an en dash when there is no value. */
export const hours = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${value.toFixed(1)} h`);

/** A count with thousands separators. */
export const count = (value: number) => value.toLocaleString('en');

/** A share as a percentage with one decimal, or an en dash when the whole is zero. */
export const percent = (part: number, whole: number) => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)} %`);

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
