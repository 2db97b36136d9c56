/**
 * The conversation statistics Freshchat sends in `conversation.statistics`.
 * Each comes twice: `_bhrs` counts business hours only (the group's business
 * calendar), `_chrs` counts calendar hours. The reference documents both as
 * hours; this is the one place that says so, for the schema, the tables,
 * the views and the CSV columns alike.
 */
export const STATISTIC_UNIT = 'hours';

export const STATISTICS = [
  'first_response_time',
  'resolution_time',
  'wait_time',
  'first_agent_assignment_time',
  'first_group_assignment_time',
  'agent_reassignment_time',
  'group_reassignment_time',
] as const;

export type Statistic = (typeof STATISTICS)[number];
export type HourBasis = 'bhrs' | 'chrs';
export type StatisticKey = `${Statistic}_${HourBasis}`;

/** The fourteen payload keys, business hours before calendar hours for each statistic. */
export const STATISTIC_KEYS: readonly StatisticKey[] = STATISTICS.flatMap((name) => [
  `${name}_bhrs` as const,
  `${name}_chrs` as const,
]);

/**
 * The fourteen values as one text, in STATISTIC_KEYS order, comma separated, `null` where absent:
 * the inside of a JSON array, written by JavaScript, so parsing it gives back exactly the numbers
 * stored. Conversations keep it beside the fourteen columns (`statistics_packed`) for the
 * Statistics page, which reads a range's values at once: concatenating stored texts costs SQLite
 * a fraction of formatting a million doubles (lib/queries/statistics.ts).
 */
export function packStatistics(values: Readonly<Record<StatisticKey, number | null>> | null): string {
  let text = '';
  for (let i = 0; i < STATISTIC_KEYS.length; i++) {
    const value = values?.[STATISTIC_KEYS[i]!];
    text += (i === 0 ? '' : ',') + (value === null || value === undefined || !Number.isFinite(value) ? 'null' : String(value));
  }
  return text;
}

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k); // exact doubles up to 1e22

/**
 * Reads packStatistics texts joined by commas (a range's conversations, one after the other) into
 * one typed array per statistic: `columns[k][i]` is statistic k of conversation i, NaN where
 * absent. Returns the number of conversations read; throws on a text it did not write.
 *
 * Hand-parsed rather than JSON.parse: a month at a million conversations is a million values, and
 * JSON.parse made a heap number of each (40–80 ms and the garbage collector's work) where this
 * writes doubles straight into the arrays. Exact: a value of at most 15 digits and 22 decimals is
 * its digits as an integer divided by a power of ten, both exact doubles, so the one rounding of
 * the division gives the double nearest the decimal, as Number() does (Clinger's fast path); any
 * other form (more digits, an exponent) goes through Number().
 */
export function unpackStatistics(text: string, columns: readonly Float64Array[]): number {
  const width = columns.length;
  const length = text.length;
  let column = 0;
  let row = 0;
  let i = 0;
  while (i < length) {
    if (row >= columns[column]!.length) throw new Error('packed statistics: more values than conversations');
    const start = i;
    let value: number;
    if (text.charCodeAt(i) === 110 /* n */) {
      if (text.slice(i, i + 4) !== 'null') throw new Error(`packed statistics: unexpected ${JSON.stringify(text.slice(i, i + 8))}`);
      value = NaN;
      i += 4;
    } else {
      const negative = text.charCodeAt(i) === 45; /* - */
      if (negative) i++;
      let mantissa = 0;
      let digits = 0;
      let decimals = 0;
      let dot = false;
      for (; i < length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 48 && c <= 57) {
          mantissa = mantissa * 10 + (c - 48);
          digits++;
          if (dot) decimals++;
        } else if (c === 46 /* . */ && !dot) dot = true;
        else break;
      }
      if (i < length && text.charCodeAt(i) !== 44 /* , */) {
        // An exponent (1e-7) or anything else: to the next comma, through Number().
        while (i < length && text.charCodeAt(i) !== 44) i++;
        value = Number(text.slice(start, i));
      } else if (digits === 0) value = NaN;
      else if (digits > 15 || decimals > 22) value = Number(text.slice(start, i));
      else value = (negative ? -mantissa : mantissa) / POW10[decimals]!;
      if (Number.isNaN(value)) throw new Error(`packed statistics: unexpected ${JSON.stringify(text.slice(start, i))}`);
    }
    columns[column]![row] = value;
    if (++column === width) {
      column = 0;
      row++;
    }
    if (i < length) {
      if (text.charCodeAt(i) !== 44) throw new Error(`packed statistics: unexpected ${JSON.stringify(text.slice(i, i + 8))}`);
      i++;
    }
  }
  if (column !== 0) throw new Error('packed statistics: a conversation with fewer values than statistics');
  return row;
}
