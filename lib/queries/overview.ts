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
 * The Overview's figures for the range from ONE read of the matching conversations (the few
 * columns they need, as plain arrays): the tiles (counts by status, exact medians) and the volume
 * by day. A query per figure would read the range six times; at a million conversations the read
 * is most of the page's cost.
 */
export function getOverview(db: Db, filters: Filters): { tiles: OverviewTiles; volume: VolumeDay[] } {
  const { days, index } = dayBuckets(conversations.createdAt, filters);
  const rows = db
    .select({
      day: index,
      status: conversations.status,
      reopenCount: conversations.reopenCount,
      firstResponseB: conversations.first_response_time_bhrs,
      firstResponseC: conversations.first_response_time_chrs,
      resolutionB: conversations.resolution_time_bhrs,
      resolutionC: conversations.resolution_time_chrs,
    })
    .from(conversations)
    .where(conversationsMatching(filters))
    .values() as [number, string | null, number, number | null, number | null, number | null, number | null][];
  const volume: VolumeDay[] = days.map((day) => ({ day, new: 0, assigned: 0, resolved: 0 }));
  const byStatus = { new: 0, assigned: 0, resolved: 0 };
  const statistics: (number | null)[][] = [[], [], [], []];
  let reopened = 0;
  for (const [day, status, reopenCount, ...values] of rows) {
    if (status === 'new' || status === 'assigned' || status === 'resolved') {
      byStatus[status] += 1;
      const bucket = volume[day];
      if (bucket) bucket[status] += 1;
    }
    if (reopenCount > 0) reopened += 1;
    values.forEach((value, i) => statistics[i]!.push(value));
  }
  const median = (i: number) => summariseValues(statistics[i]!).median;
  return {
    tiles: {
      created: rows.length,
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
