import { count, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { conversations } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { conversationsMatching } from './conversation-filter';
import { dayBuckets } from './day-buckets';
import { medianOf } from './median';

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

const countWhere = (condition: ReturnType<typeof sql>) => sql<number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;

export function getOverviewTiles(db: Db, filters: Filters): OverviewTiles {
  const where = conversationsMatching(filters);
  const row = db
    .select({
      created: count(),
      open: countWhere(sql`${conversations.status} = 'assigned'`),
      unassigned: countWhere(sql`${conversations.status} = 'new'`),
      resolved: countWhere(sql`${conversations.status} = 'resolved'`),
      reopened: countWhere(sql`${conversations.reopenCount} > 0`),
    })
    .from(conversations)
    .where(where)
    .get()!;
  return {
    ...row,
    firstResponseHours: {
      business: medianOf(db, conversations.first_response_time_bhrs, where),
      calendar: medianOf(db, conversations.first_response_time_chrs, where),
    },
    resolutionHours: {
      business: medianOf(db, conversations.resolution_time_bhrs, where),
      calendar: medianOf(db, conversations.resolution_time_chrs, where),
    },
  };
}

/** Conversations created each day of the range (in the filters' timezone), by current status. */
export function getVolumeByDay(db: Db, filters: Filters): VolumeDay[] {
  const { days, index } = dayBuckets(conversations.createdAt, filters);
  const volume: VolumeDay[] = days.map((day) => ({ day, new: 0, assigned: 0, resolved: 0 }));
  const rows = db
    .select({ day: index, status: conversations.status, n: count() })
    .from(conversations)
    .where(conversationsMatching(filters))
    .groupBy(index, conversations.status)
    .all();
  for (const { day, status, n } of rows) {
    const bucket = volume[day];
    if (bucket && (status === 'new' || status === 'assigned' || status === 'resolved')) bucket[status] += n;
  }
  return volume;
}
