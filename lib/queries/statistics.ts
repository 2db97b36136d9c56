import type { Db } from '../../db/client';
import { STATISTICS, type Statistic, type StatisticKey } from '../events/statistics';
import type { Filters } from '../filters/parse-filters';
import { conversationColumns, matchingRows } from './conversation-columns';
import { dayIndexes, localDays } from './day-buckets';
import { namesOf } from './entity-names';
import { EMPTY_SUMMARY, medianInPlace, presentByKey, summarisePresent, type Summary } from './median';
import type { Codes } from './range-cache/codes';

/**
 * The Statistics page: Freshchat's own figures (`conversation.statistics`, in hours) over the
 * conversations created in the range that match the filters. Each statistic twice: business hours
 * (`_bhrs`, the group's business calendar) beside calendar hours (`_chrs`). Percentiles are exact
 * (see median.ts for the definition); conversations without a value are left out of each figure.
 */

export const STATISTIC_LABELS: Record<Statistic, string> = {
  first_response_time: 'First response',
  resolution_time: 'Resolution',
  wait_time: 'Wait',
  first_agent_assignment_time: 'First agent assignment',
  first_group_assignment_time: 'First group assignment',
  agent_reassignment_time: 'Agent reassignment',
  group_reassignment_time: 'Group reassignment',
};

export const isStatistic = (value: unknown): value is Statistic => (STATISTICS as readonly unknown[]).includes(value);

export type BasisPair<T> = { business: T; calendar: T };
export type StatisticSummary = { statistic: Statistic; label: string } & BasisPair<Summary>;

/**
 * The details of one statistic (histogram, trend, breakdowns) are computed from these rows, read
 * once per view, column by column: each matching conversation's creation day (index into `days`),
 * current group and channel, and the statistic's business and calendar hours (NaN where absent):
 * the matching rows of the conversations' columns (conversation-columns.ts: the figure thread's
 * cached days, or one read). Selecting in typed arrays is cheaper than SQLite sorting rows
 * (README, "Benchmarks").
 */
export type StatisticRows = {
  days: string[];
  day: Int32Array;
  /** Current group and channel, as codes of `codes`. */
  group: Uint16Array;
  channel: Uint16Array;
  codes: Codes;
} & BasisPair<Float64Array>;

export function readStatistics(db: Db, filters: Filters, statistic: Statistic): StatisticRows {
  const { chunks, codes } = conversationColumns(db, filters);
  const local = localDays(filters);
  const keeps = chunks.map((chunk) => matchingRows(chunk, filters, codes));
  const n = keeps.reduce((sum, keep) => sum + keep.reduce((a, b) => a + b, 0), 0);
  const day = new Int32Array(n);
  const group = new Uint16Array(n);
  const channel = new Uint16Array(n);
  const business = new Float64Array(n);
  const calendar = new Float64Array(n);
  let j = 0;
  chunks.forEach((chunk, c) => {
    const keep = keeps[c]!;
    const days = dayIndexes(chunk.at, keep, local, new Int32Array(chunk.rows));
    const [bhrs, chrs] = [chunk[`${statistic}_bhrs`], chunk[`${statistic}_chrs`]];
    for (let i = 0; i < chunk.rows; i++) {
      if (keep[i] === 0) continue;
      day[j] = days[i]!;
      group[j] = chunk.group[i]!;
      channel[j] = chunk.channel[i]!;
      business[j] = bhrs[i]!;
      calendar[j] = chrs[i]!;
      j++;
    }
  });
  return { days: local.days, day, group, channel, codes, business, calendar };
}

/** Summaries of one statistic, business and calendar hours, per key (small non-negative integers: a day index, a code). */
function summariseStatisticBy(rows: StatisticRows, keys: Int32Array | Uint16Array, only: 'median' | 'all' = 'all'): Map<number, BasisPair<Summary>> {
  const [business, calendar] = [presentByKey(keys, rows.business), presentByKey(keys, rows.calendar)];
  const summary = ({ grouped, starts, sums }: ReturnType<typeof presentByKey>, k: number): Summary => {
    const values = grouped.subarray(starts[k]!, starts[k + 1]!);
    if (only === 'all') return summarisePresent(values, sums[k]!);
    const n = values.length;
    return n === 0 ? EMPTY_SUMMARY : { n, mean: sums[k]! / n, median: medianInPlace(values), p90: null };
  };
  return new Map(business.order.map((k) => [k, { business: summary(business, k), calendar: summary(calendar, k) }]));
}

/**
 * Histogram bins in hours, [from, to): finer at the short end, wide in the tail, because these
 * times are heavy-tailed (most answers within the hour, a few after days). The first bin also
 * takes anything below 0, the last everything from 96 h.
 */
export const HOUR_BINS: readonly { from: number; to: number | null; label: string }[] = [
  [0, 0.25],
  [0.25, 0.5],
  [0.5, 1],
  [1, 2],
  [2, 4],
  [4, 8],
  [8, 24],
  [24, 48],
  [48, 96],
  [96, null],
].map(([from, to]) => ({ from: from!, to: to ?? null, label: to === null ? `≥ ${from} h` : `${from}–${to} h` }));

/** Where each bin but the last ends, as numbers for the loop over every conversation of the range. */
const BIN_ENDS = Float64Array.from(HOUR_BINS.slice(0, -1), (bin) => bin.to!);

export type HistogramBin = { label: string; from: number; to: number | null; business: number; calendar: number };

/** How many conversations fall in each hour bin, business and calendar hours. */
export function histogramOf(rows: StatisticRows): HistogramBin[] {
  const counts = (values: Float64Array) => {
    const bins = new Int32Array(HOUR_BINS.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (value !== value) continue;
      // The first bin also takes anything below 0; the last, everything from its start.
      let b = 0;
      while (b < BIN_ENDS.length && value >= BIN_ENDS[b]!) b++;
      bins[b]! += 1;
    }
    return bins;
  };
  const [b, c] = [counts(rows.business), counts(rows.calendar)];
  return HOUR_BINS.map((bin, i) => ({ ...bin, business: b[i]!, calendar: c[i]! }));
}

export const getStatisticHistogram = (db: Db, filters: Filters, statistic: Statistic) => histogramOf(readStatistics(db, filters, statistic));

export type TrendDay = { day: string; business: number | null; calendar: number | null; businessCount: number; calendarCount: number };

/** The median of the statistic per creation day (in the filters' timezone), business and calendar hours. */
export function trendOf(rows: StatisticRows): TrendDay[] {
  const byDay = summariseStatisticBy(rows, rows.day, 'median');
  return rows.days.map((day, i) => {
    const summary = byDay.get(i);
    return {
      day,
      business: summary?.business.median ?? null,
      calendar: summary?.calendar.median ?? null,
      businessCount: summary?.business.n ?? 0,
      calendarCount: summary?.calendar.n ?? 0,
    };
  });
}

export const getStatisticTrend = (db: Db, filters: Filters, statistic: Statistic) => trendOf(readStatistics(db, filters, statistic));

export type BreakdownRow = { id: string | null; name: string } & BasisPair<Summary>;

/**
 * The statistic per group (the conversation's current assigned group) and per channel (topic),
 * named from the groups and channels tables (the id when no name was sent). Largest first.
 */
export function breakdownOf(db: Db, rows: StatisticRows, by: 'group' | 'channel'): BreakdownRow[] {
  const summaries = summariseStatisticBy(rows, by === 'group' ? rows.group : rows.channel);
  const ids = new Map([...summaries.keys()].map((code) => [code, rows.codes.text(code)]));
  const names = namesOf(db, by, ids.values());
  return [...summaries]
    .filter(([, summary]) => summary.business.n > 0 || summary.calendar.n > 0)
    .map(([code, summary]) => {
      const id = ids.get(code)!;
      return { id, name: id === null ? `(no ${by})` : (names.get(id) ?? id), ...summary };
    })
    .sort((a, b) => Math.max(b.business.n, b.calendar.n) - Math.max(a.business.n, a.calendar.n) || a.name.localeCompare(b.name));
}

export const getStatisticBreakdown = (db: Db, filters: Filters, statistic: Statistic, by: 'group' | 'channel') =>
  breakdownOf(db, readStatistics(db, filters, statistic), by);

/**
 * Everything the Statistics page draws, in two figures the page asks the two figure threads for
 * side by side (each reads the range's rows, from its cache): every summary (getStatisticSummaries:
 * count, median, p90 and mean of every statistic, business and calendar hours), and the details of
 * `statistic` (getStatisticDetailFigures). At a million conversations a month, 17 and 21 ms where
 * both took 50 on one thread.
 */
export function getStatisticSummaries(db: Db, filters: Filters): StatisticSummary[] {
  // Straight from the columns, not through readStatistics' rows: each statistic's present values
  // are gathered once, into one scratch array summarised in place. At 1M a month: 24 → 17 ms.
  const { chunks, codes } = conversationColumns(db, filters);
  const keeps = chunks.map((chunk) => matchingRows(chunk, filters, codes));
  const scratch = new Float64Array(keeps.reduce((sum, keep) => sum + keep.reduce((a, b) => a + b, 0), 0));
  const summarise = (key: StatisticKey): Summary => {
    let m = 0;
    let sum = 0;
    chunks.forEach((chunk, c) => {
      const keep = keeps[c]!;
      const values = chunk[key];
      for (let i = 0; i < chunk.rows; i++) {
        const value = values[i]!;
        if (keep[i] === 0 || value !== value) continue;
        scratch[m++] = value;
        sum += value;
      }
    });
    return summarisePresent(scratch.subarray(0, m), sum);
  };
  return STATISTICS.map((statistic) => ({ statistic, label: STATISTIC_LABELS[statistic], business: summarise(`${statistic}_bhrs`), calendar: summarise(`${statistic}_chrs`) }));
}

export function getStatisticDetailFigures(db: Db, filters: Filters, statistic: Statistic) {
  const rows = readStatistics(db, filters, statistic);
  return { histogram: histogramOf(rows), trend: trendOf(rows), byGroup: breakdownOf(db, rows, 'group'), byChannel: breakdownOf(db, rows, 'channel') };
}
