import { count, sql } from 'drizzle-orm';
import { jsonArrayOf, type Db } from '../../db/client';
import { conversations } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { conversationsMatching } from './conversation-filter';
import { dayBuckets } from './day-buckets';
import { summariseValues } from './median';

export type OverviewTiles = {
  /** Conversations created in the range (matching the filters), by their current status. */
  created: number;
  open: number;
  unassigned: number;
  resolved: number;
  /** Of those, conversations reopened at least once. */
  reopened: number;
  /** Medians in hours over those conversations that have the statistic. */
  firstResponseHours: { business: number | null; calendar: number | null };
  resolutionHours: { business: number | null; calendar: number | null };
};

export type VolumeDay = { day: string; new: number; assigned: number; resolved: number };

/**
 * The Overview's figures for the range from ONE read of the matching conversations, grouped by
 * creation day and status in the database (a few hundred rows), each group carrying its
 * conversations' statistics as JSON arrays (see jsonArrayOf) for the exact medians. A query per
 * figure would read the range six times; at a million conversations the read is most of the page.
 */
export function getOverview(db: Db, filters: Filters): { tiles: OverviewTiles; volume: VolumeDay[] } {
  const { days, index } = dayBuckets(conversations.createdAt, filters);
  const columns = [
    conversations.first_response_time_bhrs,
    conversations.first_response_time_chrs,
    conversations.resolution_time_bhrs,
    conversations.resolution_time_chrs,
  ];
  const groups = db
    .select({
      day: index,
      status: conversations.status,
      n: count(),
      reopened: sql<number>`sum(case when ${conversations.reopenCount} > 0 then 1 else 0 end)`.mapWith(Number),
      values: sql<string>`json_array(${sql.join(columns.map((column) => jsonArrayOf(column)), sql`, `)})`,
    })
    .from(conversations)
    .where(conversationsMatching(filters))
    .groupBy(index, conversations.status)
    .all();
  const volume: VolumeDay[] = days.map((day) => ({ day, new: 0, assigned: 0, resolved: 0 }));
  const byStatus = { new: 0, assigned: 0, resolved: 0 };
  const statistics: (number | null)[][] = columns.map(() => []);
  let created = 0;
  let reopened = 0;
  for (const group of groups) {
    created += group.n;
    reopened += group.reopened;
    const status = group.status;
    if (status === 'new' || status === 'assigned' || status === 'resolved') {
      byStatus[status] += group.n;
      const bucket = volume[group.day];
      if (bucket) bucket[status] += group.n;
    }
    (JSON.parse(group.values) as (number | null)[][]).forEach((values, i) => {
      for (const value of values) statistics[i]!.push(value);
    });
  }
  const median = (i: number) => summariseValues(statistics[i]!).median;
  return {
    tiles: {
      created,
      open: byStatus.assigned,
      unassigned: byStatus.new,
      resolved: byStatus.resolved,
      reopened,
      firstResponseHours: { business: median(0), calendar: median(1) },
      resolutionHours: { business: median(2), calendar: median(3) },
    },
    volume,
  };
}

/** The tiles alone (tests, other callers): see getOverview. */
export const getOverviewTiles = (db: Db, filters: Filters): OverviewTiles => getOverview(db, filters).tiles;

/** Conversations created each day of the range (in the filters' timezone), by current status: see getOverview. */
export const getVolumeByDay = (db: Db, filters: Filters): VolumeDay[] => getOverview(db, filters).volume;
