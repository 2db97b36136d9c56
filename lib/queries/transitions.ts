import { asc, count, sql } from 'drizzle-orm';
import { streamRows, type Db } from '../../db/client';
import { statusTransitions } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { STATUSES } from '../filters/parse-filters';
import { inActivityRange } from './activity-filter';
import { dayBuckets } from './day-buckets';

/**
 * The figures of the Transitions page, each defined once here. All are activity figures: status
 * transitions whose `at` is in the range, of conversations matching the other filters. A
 * conversation's creation is the transition `null → new`.
 */

export type TransitionCell = { from: string | null; to: string; transitions: number };

/** How many times each `from → to` happened in the range. */
export function getTransitionMatrix(db: Db, filters: Filters): TransitionCell[] {
  const transitions = count();
  const query = db.select({ from: statusTransitions.fromStatus, to: statusTransitions.toStatus, transitions }).from(statusTransitions).$dynamic();
  return inActivityRange(query, statusTransitions, filters)
    .groupBy(statusTransitions.fromStatus, statusTransitions.toStatus)
    .orderBy(asc(statusTransitions.fromStatus), asc(statusTransitions.toStatus))
    .all();
}

export type TransitionSummary = {
  transitions: number;
  /** Transitions into `resolved`. */
  resolutions: number;
  /** Transitions out of `resolved` (to any other status). */
  reopens: number;
  /** reopens ÷ resolutions, both counted in the range; null without resolutions. Can exceed 1 when conversations resolved before the range reopen in it. */
  reopenRate: number | null;
};

/** Totals of the matrix: transitions, resolutions, reopens and the reopen rate. */
export function summarizeTransitions(cells: readonly TransitionCell[]): TransitionSummary {
  const sum = (keep: (cell: TransitionCell) => boolean) => cells.filter(keep).reduce((total, cell) => total + cell.transitions, 0);
  const resolutions = sum((cell) => cell.to === 'resolved');
  const reopens = sum((cell) => cell.from === 'resolved' && cell.to !== 'resolved');
  return { transitions: sum(() => true), resolutions, reopens, reopenRate: resolutions === 0 ? null : reopens / resolutions };
}

/** Statuses in reading order: the documented ones first, any other a payload brought, alphabetically. */
export function orderStatuses(statuses: Iterable<string>): string[] {
  const known: readonly string[] = STATUSES;
  return [...new Set(statuses)].sort((a, b) => {
    const [i, j] = [known.indexOf(a), known.indexOf(b)];
    return (i < 0 ? known.length : i) - (j < 0 ? known.length : j) || a.localeCompare(b);
  });
}

export type TransitionsByDay = {
  /** The statuses entered in the range, in reading order: one series each. */
  statuses: string[];
  days: { day: string; counts: number[] }[];
};

/** Transitions each day of the range (in the filters' timezone), by the status entered. */
export function getTransitionsByDay(db: Db, filters: Filters): TransitionsByDay {
  const { days, index } = dayBuckets(statusTransitions.at, filters);
  const query = db.select({ day: index, to: statusTransitions.toStatus, n: count() }).from(statusTransitions).$dynamic();
  const rows = inActivityRange(query, statusTransitions, filters)
    .groupBy(index, statusTransitions.toStatus)
    .all();
  const statuses = orderStatuses(rows.map((row) => row.to));
  const result = days.map((day) => ({ day, counts: statuses.map(() => 0) }));
  for (const { day, to, n } of rows) {
    const bucket = result[day];
    if (bucket) bucket.counts[statuses.indexOf(to)]! += n;
  }
  return { statuses, days: result };
}

export type TimeInStatus = {
  status: string;
  /** Stays that began in the range and have ended (the conversation moved on): the median's sample. */
  completedStays: number;
  /** Stays that began in the range and have not ended yet: not in the median. */
  openStays: number;
  /** Median calendar hours from entering the status to the conversation's next transition; null without completed stays. */
  medianHours: number | null;
};

const HOUR_MS = 3_600_000;

/**
 * How long conversations stay in each status: for each transition in the range, the time until
 * the same conversation's next transition (whenever that is, `next_at`, derived at ingest: see
 * lib/projection/derived.ts), grouped by the status entered. Transitions of a conversation at the
 * same millisecond all end at its next later transition. The medians are exact, computed here from
 * the durations: sorting numbers in memory is far cheaper than SQLite sorting rows.
 */
export function getTimeInStatus(db: Db, filters: Filters): TimeInStatus[] {
  const query = inActivityRange(
    db.select({ status: statusTransitions.toStatus, ms: sql<number | null>`${statusTransitions.nextAt} - ${statusTransitions.at}` }).from(statusTransitions).$dynamic(),
    statusTransitions,
    filters,
  );
  // Streamed, so a year of a million conversations (millions of stays) holds only the durations in memory.
  const rows = streamRows<[string, number | null]>(db, query);

  const stays = new Map<string, { open: number; durations: number[] }>();
  for (const [status, ms] of rows) {
    const entry = stays.get(status) ?? stays.set(status, { open: 0, durations: [] }).get(status)!;
    if (ms === null) entry.open += 1;
    else entry.durations.push(ms);
  }
  return orderStatuses(stays.keys()).map((status) => {
    const { open, durations } = stays.get(status)!;
    const sorted = Float64Array.from(durations).sort();
    const middle = (sorted.length - 1) / 2;
    const medianMs = sorted.length === 0 ? null : (sorted[Math.floor(middle)]! + sorted[Math.ceil(middle)]!) / 2;
    return { status, completedStays: sorted.length, openStays: open, medianHours: medianMs === null ? null : medianMs / HOUR_MS };
  });
}
