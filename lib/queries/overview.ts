import type { Db } from '../../db/client';
import type { Filters } from '../filters/parse-filters';
import { conversationColumns, keptRows, narrowsRows, rowsKept } from './conversation-columns';
import { dayIndexes, localDays } from './day-buckets';
import { medianInPlace } from './median';
import { fromRuns } from './statistics';

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
 * The Overview's figures for the range from one scan of the matching conversations' columns
 * (conversation-columns.ts: the figure thread's cached days, or one read): counts by status and
 * creation day, reopened ones, and the exact medians of the four statistics shown (from the days'
 * orders of values unless a filter is set: at 1M a month, 7 → 3 ms).
 */
export function getOverview(db: Db, filters: Filters): { tiles: OverviewTiles; volume: VolumeDay[] } {
  const { chunks, codes } = conversationColumns(db, filters);
  const local = localDays(filters);
  // Counted in typed arrays by code, not in objects keyed by status name: this loop runs once a
  // conversation of the range (81,000 a month at 1M), and property lookups by name were most of it.
  const STATUSES = ['new', 'assigned', 'resolved'] as const;
  const statusIndex = new Int8Array(codes.size).fill(-1);
  STATUSES.forEach((status, s) => {
    const code = codes.find(status);
    if (code !== undefined) statusIndex[code] = s;
  });
  const counts = new Int32Array(local.days.length * STATUSES.length);
  // The medians: from the days' orders of values (sorted-runs.ts, as on the Statistics page), or,
  // when a filter narrows every day, gathered in the scan below and selected among.
  const scanned = narrowsRows(filters);
  const rows = scanned ? chunks.reduce((n, chunk) => n + chunk.rows, 0) : 0;
  const statistics = MEDIANS.map(() => new Float64Array(rows));
  const present = new Int32Array(MEDIANS.length);
  let created = 0;
  let reopened = 0;
  // keptRows: null for a day every row of which matches (the medians' runs take it whole).
  const keeps = chunks.map((chunk) => keptRows(chunk, filters, codes));
  for (const [c, chunk] of chunks.entries()) {
    const keep = rowsKept(chunk, keeps[c] ?? null);
    const days = dayIndexes(chunk.at, keep, local, new Int32Array(chunk.rows));
    const columns = scanned ? MEDIANS.map((key) => chunk[key]) : [];
    for (let i = 0; i < chunk.rows; i++) {
      if (keep[i] === 0) continue;
      created += 1;
      if (chunk.reopens[i]! > 0) reopened += 1;
      const s = statusIndex[chunk.status[i]!]!;
      if (s >= 0) counts[days[i]! * STATUSES.length + s]! += 1;
      for (let k = 0; k < columns.length; k++) {
        const value = columns[k]![i]!;
        if (value === value) statistics[k]![present[k]!++] = value;
      }
    }
  }
  const at = (d: number, s: number) => counts[d * STATUSES.length + s]!;
  const volume: VolumeDay[] = local.days.map((day, d) => ({ day, new: at(d, 0), assigned: at(d, 1), resolved: at(d, 2) }));
  const total = (s: number) => volume.reduce((sum, _, d) => sum + at(d, s), 0);
  const byStatus = { new: total(0), assigned: total(1), resolved: total(2) };
  const fromDays = scanned ? null : fromRuns(chunks, keeps, 'median');
  const median = (k: number) => (fromDays ? fromDays(MEDIANS[k]!).median : medianInPlace(statistics[k]!.subarray(0, present[k]!)));
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

/** The statistics whose medians the tiles show, in the order of `statistics` above. */
const MEDIANS = ['first_response_time_bhrs', 'first_response_time_chrs', 'resolution_time_bhrs', 'resolution_time_chrs'] as const;

/** The tiles alone (tests, other callers): see getOverview. */
export const getOverviewTiles = (db: Db, filters: Filters): OverviewTiles => getOverview(db, filters).tiles;

/** Conversations created each day of the range (in the filters' timezone), by current status: see getOverview. */
export const getVolumeByDay = (db: Db, filters: Filters): VolumeDay[] => getOverview(db, filters).volume;
