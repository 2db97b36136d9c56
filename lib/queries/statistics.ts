import type { Db } from '../../db/client';
import { STATISTICS, type Statistic, type StatisticKey } from '../events/statistics';
import type { Filters } from '../filters/parse-filters';
import { conversationColumns, keptRows, matchingRows, narrowsRows, rowsKept, statisticOrder, type ConversationColumns } from './conversation-columns';
import { dayIndexes, localDays } from './day-buckets';
import { namesOf } from './entity-names';
import { summarisePresent, type Summary } from './median';
import { compareTexts, type Codes } from './range-cache/codes';
import { countBelow, groupSize, keptOrder, sortedGroups, summariseGroup, type RunSource, type SortedGroups } from './sorted-runs';

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
 * The details of one statistic (histogram, trend, breakdowns) come from its values over the
 * conversations created in the range that match the filters, business and calendar hours, grouped
 * three ways as sorted runs (sorted-runs.ts): by creation day (index into `days`, in the filters'
 * timezone), by current group and by channel (codes of `codes`). They are walked from the
 * conversations' columns (conversation-columns.ts: the figure thread's cached days, or one read)
 * in each day's order of value, so no percentile sorts or selects (README, "Benchmarks").
 */
export type StatisticRuns = {
  days: string[];
  codes: Codes;
  byDay: BasisPair<SortedGroups>;
  byGroup: BasisPair<SortedGroups>;
  byChannel: BasisPair<SortedGroups>;
};

export function readStatistics(db: Db, filters: Filters, statistic: Statistic): StatisticRuns {
  const { chunks, codes } = conversationColumns(db, filters);
  const local = localDays(filters);
  const keeps = chunks.map((chunk) => keptRows(chunk, filters, codes));
  // Each day's local day (in the filters' timezone): one for all its rows when the UTC day is also
  // a local one (UTC, or the range's middle days there), else a day index per row.
  const days = chunks.map((chunk, c) => {
    const indexes = dayIndexes(chunk.at, rowsKept(chunk, keeps[c] ?? null), local, new Int32Array(chunk.rows));
    const kept = keeps[c] ? indexes.filter((_, i) => keeps[c]![i] === 1) : indexes;
    return kept.every((day) => day === kept[0]) ? (kept[0] ?? 0) : Uint16Array.from(indexes);
  });
  // Each basis' kept rows in order of value, found once and grouped three ways.
  const kept = { business: keptInOrder(chunks, keeps, `${statistic}_bhrs`), calendar: keptInOrder(chunks, keeps, `${statistic}_chrs`) };
  const both = (groupOf: (chunk: ConversationColumns, c: number) => number | Uint16Array, groups: number) => ({
    business: sortedGroups(kept.business.map((source, c) => ({ ...source, group: groupOf(chunks[c]!, c) })), groups),
    calendar: sortedGroups(kept.calendar.map((source, c) => ({ ...source, group: groupOf(chunks[c]!, c) })), groups),
  });
  return {
    days: local.days,
    codes,
    byDay: both((_, c) => days[c]!, local.days.length),
    byGroup: both((chunk) => chunk.group, codes.size),
    byChannel: both((chunk) => chunk.channel, codes.size),
  };
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
].map(([from, to]) => ({ from: from!, to: to ?? null, label: binLabel(from!, to ?? null) }));

/** "15–30 min", "30 min–1 h", "1–2 h", "≥ 96 h": each end in the unit the tables use for it. */
function binLabel(from: number, to: number | null): string {
  const end = (h: number) => (h < 1 ? { value: h * 60, unit: 'min' } : { value: h, unit: 'h' });
  const [a, b] = [end(from), to === null ? null : end(to)];
  if (b === null) return `≥ ${a.value} ${a.unit}`;
  return a.unit === b.unit || a.value === 0 ? `${a.value}–${b.value} ${b.unit}` : `${a.value} ${a.unit}–${b.value} ${b.unit}`;
}

/**
 * The bins when no value falls strictly between 0 and 1 h: Freshchat documents these statistics
 * as whole hours, and a 0 then means "under an hour", not "under 15 minutes"; the sub-hour bins
 * would put every 0 in the first and show two empty ones beside it, a precision the data lacks.
 */
const WHOLE_HOUR_BINS = [{ from: 0, to: 1, label: '< 1 h' }, ...HOUR_BINS.filter((bin) => bin.from >= 1)];

export type HistogramBin = { label: string; from: number; to: number | null; business: number; calendar: number };

/**
 * How many conversations fall in each hour bin, business and calendar hours: HOUR_BINS, or
 * WHOLE_HOUR_BINS when neither has a value between 0 and 1 h (exclusive).
 */
export function histogramOf(runs: StatisticRuns): HistogramBin[] {
  const dayIndexes = runs.days.map((_, d) => d);
  // How many values are below `end`, every day's runs together.
  const below = (byDay: SortedGroups, end: number) => dayIndexes.reduce((sum, d) => sum + countBelow(byDay, d, end), 0);
  const withinFirstHour = (byDay: SortedGroups) => below(byDay, 1) - below(byDay, Number.MIN_VALUE) > 0;
  const bins = withinFirstHour(runs.byDay.business) || withinFirstHour(runs.byDay.calendar) ? HOUR_BINS : WHOLE_HOUR_BINS;
  const counts = (byDay: SortedGroups) => {
    // Each bin is the difference of two counts below an end (the first also takes anything below 0,
    // the last everything from its start).
    const ends = bins.slice(0, -1).map((bin) => below(byDay, bin.to!));
    const total = dayIndexes.reduce((sum, d) => sum + groupSize(byDay, d), 0);
    return bins.map((_, b) => (b < ends.length ? ends[b]! : total) - (b > 0 ? ends[b - 1]! : 0));
  };
  const [b, c] = [counts(runs.byDay.business), counts(runs.byDay.calendar)];
  return bins.map((bin, i) => ({ ...bin, business: b[i]!, calendar: c[i]! }));
}

export const getStatisticHistogram = (db: Db, filters: Filters, statistic: Statistic) => histogramOf(readStatistics(db, filters, statistic));

export type TrendDay = { day: string; business: number | null; calendar: number | null; businessCount: number; calendarCount: number };

/** The median of the statistic per creation day (in the filters' timezone), business and calendar hours. */
export function trendOf(runs: StatisticRuns): TrendDay[] {
  return runs.days.map((day, d) => {
    const [business, calendar] = [summariseGroup(runs.byDay.business, d, 'median'), summariseGroup(runs.byDay.calendar, d, 'median')];
    return { day, business: business.median, calendar: calendar.median, businessCount: business.n, calendarCount: calendar.n };
  });
}

export const getStatisticTrend = (db: Db, filters: Filters, statistic: Statistic) => trendOf(readStatistics(db, filters, statistic));

export type BreakdownRow = { id: string | null; name: string } & BasisPair<Summary>;

/**
 * The statistic per group (the conversation's current assigned group) and per channel (topic),
 * named from the groups and channels tables (the id when no name was sent). Largest first.
 */
export function breakdownOf(db: Db, runs: StatisticRuns, by: 'group' | 'channel'): BreakdownRow[] {
  const { business, calendar } = by === 'group' ? runs.byGroup : runs.byChannel;
  const codes = [...new Set([...business.keys, ...calendar.keys])];
  const ids = new Map(codes.map((code) => [code, runs.codes.text(code)]));
  const names = namesOf(db, by, ids.values());
  return codes
    .map((code) => {
      const id = ids.get(code)!;
      return { id, name: id === null ? `(no ${by})` : (names.get(id) ?? id), business: summariseGroup(business, code), calendar: summariseGroup(calendar, code) };
    })
    // Ids last, so the order never depends on the order the groups were met in.
    .sort(
      (a, b) =>
        Math.max(b.business.n, b.calendar.n) - Math.max(a.business.n, a.calendar.n) || a.name.localeCompare(b.name) || compareTexts(a.id, b.id),
    );
}

export const getStatisticBreakdown = (db: Db, filters: Filters, statistic: Statistic, by: 'group' | 'channel') =>
  breakdownOf(db, readStatistics(db, filters, statistic), by);

/**
 * Everything the Statistics page draws, in two figures the page asks the two figure threads for
 * side by side (each reads the range's rows, from its cache): every summary (getStatisticSummaries:
 * count, median, p90 and mean of every statistic, business and calendar hours), and the details of
 * `statistic` (getStatisticDetailFigures). At a million conversations a month, 2 and 10 ms (17
 * and 21 before the days kept their statistics' orders, 50 together on one thread before that).
 */
export function getStatisticSummaries(db: Db, filters: Filters): StatisticSummary[] {
  const { chunks, codes } = conversationColumns(db, filters);
  const summarise = narrowsRows(filters)
    ? scanned(chunks, chunks.map((chunk) => matchingRows(chunk, filters, codes)))
    : fromRuns(chunks, chunks.map((chunk) => keptRows(chunk, filters, codes)));
  return STATISTICS.map((statistic) => ({ statistic, label: STATISTIC_LABELS[statistic], business: summarise(`${statistic}_bhrs`), calendar: summarise(`${statistic}_chrs`) }));
}

/**
 * Each day's rows of a statistic that the filters keep (keptRows), in ascending order of value:
 * the day's own order (statisticOrder) and sum when it is kept whole, else the kept part of it.
 */
function keptInOrder(chunks: readonly ConversationColumns[], keeps: readonly (Uint8Array | null)[], key: StatisticKey): Omit<RunSource, 'group'>[] {
  return chunks.map((chunk, c) => {
    const keep = keeps[c];
    const { order, sum } = statisticOrder(chunk, key);
    return keep ? { values: chunk[key], order: keptOrder(order, keep) } : { values: chunk[key], order, sum };
  });
}

/**
 * Summaries from each day's order (sorted-runs.ts): a day kept whole (keptRows: null) is its own
 * run, with nothing to read but the percentiles' ranks. At 1M a month, 15 ms → 2. The Overview's
 * medians too.
 */
export const fromRuns =
  (chunks: readonly ConversationColumns[], keeps: readonly (Uint8Array | null)[], only: 'median' | 'all' = 'all') =>
  (key: StatisticKey): Summary =>
    summariseGroup(sortedGroups(keptInOrder(chunks, keeps, key).map((source) => ({ ...source, group: 0 })), 1), 0, only);

/**
 * Summaries from a scan of the kept rows, their values gathered and selected among (median.ts),
 * when filters keep a part of every day: walking each statistic's order to find the few rows kept
 * costs more than gathering them in row order (at 1M a month with a channel and a source: 12 ms
 * against 7), as there is nothing to skip.
 */
const scanned = (chunks: ConversationColumns[], keeps: Uint8Array[]) => {
  const scratch = new Float64Array(keeps.reduce((sum, keep) => sum + keep.reduce((a, b) => a + b, 0), 0));
  return (key: StatisticKey): Summary => {
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
};

export function getStatisticDetailFigures(db: Db, filters: Filters, statistic: Statistic) {
  const rows = readStatistics(db, filters, statistic);
  return { histogram: histogramOf(rows), trend: trendOf(rows), byGroup: breakdownOf(db, rows, 'group'), byChannel: breakdownOf(db, rows, 'channel') };
}
