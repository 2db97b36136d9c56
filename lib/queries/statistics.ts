import { and, gte, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client';
import { conversations } from '../../db/schema';
import { STATISTICS, type HourBasis, type Statistic } from '../events/statistics';
import type { Filters } from '../filters/parse-filters';
import { conversationsMatching } from './conversation-filter';
import { namesOf } from './entity-names';
import { dayBuckets } from './day-buckets';
import { summariseValues, type Summary } from './median';

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

const columnOf = (statistic: Statistic, basis: HourBasis): AnySQLiteColumn => conversations[`${statistic}_${basis}`];

export type BasisPair<T> = { business: T; calendar: T };
export type StatisticSummary = { statistic: Statistic; label: string } & BasisPair<Summary>;

/** Count, median, p90 and mean of every statistic, business and calendar hours: the rows read once. */
export function getStatisticSummaries(db: Db, filters: Filters): StatisticSummary[] {
  const fields = Object.fromEntries(STATISTICS.flatMap((statistic) => (['bhrs', 'chrs'] as const).map((basis) => [`${statistic}_${basis}`, columnOf(statistic, basis)])));
  const rows = db.select(fields).from(conversations).where(conversationsMatching(filters)).all() as Record<string, number | null>[];
  const summary = (statistic: Statistic, basis: HourBasis) => summariseValues(rows.map((row) => row[`${statistic}_${basis}`]));
  return STATISTICS.map((statistic) => ({
    statistic,
    label: STATISTIC_LABELS[statistic],
    business: summary(statistic, 'bhrs'),
    calendar: summary(statistic, 'chrs'),
  }));
}

/** Summaries of one statistic, business and calendar hours, per value of `key`, from one scan. */
function summariseStatisticBy<K>(db: Db, filters: Filters, statistic: Statistic, key: SQL<K> | AnySQLiteColumn): Map<K, BasisPair<Summary>> {
  const rows = db
    .select({ key: key as SQL<K>, business: columnOf(statistic, 'bhrs') as AnySQLiteColumn, calendar: columnOf(statistic, 'chrs') as AnySQLiteColumn })
    .from(conversations)
    .where(conversationsMatching(filters))
    .all() as { key: K; business: number | null; calendar: number | null }[];
  const grouped = new Map<K, { business: (number | null)[]; calendar: (number | null)[] }>();
  for (const row of rows) {
    let values = grouped.get(row.key);
    if (!values) grouped.set(row.key, (values = { business: [], calendar: [] }));
    values.business.push(row.business);
    values.calendar.push(row.calendar);
  }
  const result = new Map<K, BasisPair<Summary>>();
  for (const [k, values] of grouped) result.set(k, { business: summariseValues(values.business), calendar: summariseValues(values.calendar) });
  return result;
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

export type HistogramBin = { label: string; from: number; to: number | null; business: number; calendar: number };

/** How many conversations fall in each hour bin, business and calendar hours, in one scan. */
export function getStatisticHistogram(db: Db, filters: Filters, statistic: Statistic): HistogramBin[] {
  const inBin = (column: AnySQLiteColumn, i: number) => {
    const bin = HOUR_BINS[i]!;
    const conditions = [
      i === 0 ? isNotNull(column) : gte(column, bin.from),
      bin.to === null ? undefined : lt(column, bin.to),
    ].filter((c): c is SQL => c !== undefined);
    return sql<number>`coalesce(sum(case when ${and(...conditions)} then 1 else 0 end), 0)`;
  };
  const fields: Record<string, SQL<number>> = {};
  HOUR_BINS.forEach((_, i) => {
    fields[`b${i}`] = inBin(columnOf(statistic, 'bhrs'), i);
    fields[`c${i}`] = inBin(columnOf(statistic, 'chrs'), i);
  });
  const row = db.select(fields).from(conversations).where(conversationsMatching(filters)).get() ?? {};
  return HOUR_BINS.map((bin, i) => ({ ...bin, business: Number(row[`b${i}`] ?? 0), calendar: Number(row[`c${i}`] ?? 0) }));
}

export type TrendDay = { day: string; business: number | null; calendar: number | null; businessCount: number; calendarCount: number };

/** The median of the statistic per creation day (in the filters' timezone), business and calendar hours. */
export function getStatisticTrend(db: Db, filters: Filters, statistic: Statistic): TrendDay[] {
  const { days, index } = dayBuckets(conversations.createdAt, filters);
  const byDay = summariseStatisticBy<number>(db, filters, statistic, index);
  return days.map((day, i) => {
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

export type BreakdownRow = { id: string | null; name: string } & BasisPair<Summary>;

/**
 * The statistic per group (the conversation's current assigned group) and per channel (topic),
 * named from the groups and channels tables (the id when no name was sent). Largest first.
 */
export function getStatisticBreakdown(db: Db, filters: Filters, statistic: Statistic, by: 'group' | 'channel'): BreakdownRow[] {
  const key = by === 'group' ? conversations.assignedGroupId : conversations.channelId;
  const summaries = summariseStatisticBy<string | null>(db, filters, statistic, key);
  const names = namesOf(db, by, summaries.keys());
  return [...summaries]
    .filter(([, summary]) => summary.business.n > 0 || summary.calendar.n > 0)
    .map(([id, summary]) => ({ id, name: id === null ? `(no ${by})` : (names.get(id) ?? id), ...summary }))
    .sort((a, b) => Math.max(b.business.n, b.calendar.n) - Math.max(a.business.n, a.calendar.n) || a.name.localeCompare(b.name));
}
