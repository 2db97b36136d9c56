import { count } from 'drizzle-orm';
import type { Db } from '../../db/client';
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
 * The tiles of the range from one read of the matching conversations (the few columns they need):
 * counts by status and the exact medians, where a query per figure would read the range five times.
 */
export function getOverviewTiles(db: Db, filters: Filters): OverviewTiles {
  const rows = db
    .select({
      status: conversations.status,
      reopenCount: conversations.reopenCount,
      firstResponseB: conversations.first_response_time_bhrs,
      firstResponseC: conversations.first_response_time_chrs,
      resolutionB: conversations.resolution_time_bhrs,
      resolutionC: conversations.resolution_time_chrs,
    })
    .from(conversations)
    .where(conversationsMatching(filters))
    .all();
  const withStatus = (status: string) => rows.reduce((n, row) => (row.status === status ? n + 1 : n), 0);
  const median = (pick: (row: (typeof rows)[number]) => number | null) => summariseValues(rows.map(pick)).median;
  return {
    created: rows.length,
    open: withStatus('assigned'),
    unassigned: withStatus('new'),
    resolved: withStatus('resolved'),
    reopened: rows.reduce((n, row) => (row.reopenCount > 0 ? n + 1 : n), 0),
    firstResponseHours: { business: median((r) => r.firstResponseB), calendar: median((r) => r.firstResponseC) },
    resolutionHours: { business: median((r) => r.resolutionB), calendar: median((r) => r.resolutionC) },
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
