import { count, sql } from 'drizzle-orm';
import { jsonArrayOf, type Db } from '../../db/client';
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
  return getTransitionCounts(db, filters).matrix;
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
  return getTransitionCounts(db, filters).byDay;
}

/**
 * The matrix and the transitions per day from one grouped read (day × from × to: a few hundred
 * rows, however many transitions), through the covering range index.
 */
export function getTransitionCounts(db: Db, filters: Filters): { matrix: TransitionCell[]; byDay: TransitionsByDay } {
  const { days, index } = dayBuckets(statusTransitions.at, filters);
  const query = db.select({ day: index, from: statusTransitions.fromStatus, to: statusTransitions.toStatus, n: count() }).from(statusTransitions).$dynamic();
  const rows = inActivityRange(query, statusTransitions, filters).groupBy(index, statusTransitions.fromStatus, statusTransitions.toStatus).all();

  const cells = new Map<string, TransitionCell>();
  for (const { from, to, n } of rows) {
    const key = JSON.stringify([from, to]);
    const cell = cells.get(key);
    if (cell) cell.transitions += n;
    else cells.set(key, { from, to, transitions: n });
  }
  // As SQL's ORDER BY from, to would: no status (creation) first, then by code point.
  const compare = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
  const matrix = [...cells.values()].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to));

  const statuses = orderStatuses(rows.map((row) => row.to));
  const result = days.map((day) => ({ day, counts: statuses.map(() => 0) }));
  for (const { day, to, n } of rows) {
    const bucket = result[day];
    if (bucket) bucket.counts[statuses.indexOf(to)]! += n;
  }
  return { matrix, byDay: { statuses, days: result } };
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
    db
      .select({ status: statusTransitions.toStatus, stays: jsonArrayOf(sql`${statusTransitions.nextAt} - ${statusTransitions.at}`) })
      .from(statusTransitions)
      .$dynamic(),
    statusTransitions,
    filters,
  ).groupBy(statusTransitions.toStatus);
  const byStatus = new Map(query.all().map(({ status, stays }) => [status, JSON.parse(stays) as (number | null)[]]));
  return orderStatuses(byStatus.keys()).map((status) => {
    const stays = byStatus.get(status)!;
    const durations = Float64Array.from(stays.filter((ms): ms is number => ms !== null)).sort();
    const middle = (durations.length - 1) / 2;
    const medianMs = durations.length === 0 ? null : (durations[Math.floor(middle)]! + durations[Math.ceil(middle)]!) / 2;
    return { status, completedStays: durations.length, openStays: stays.length - durations.length, medianHours: medianMs === null ? null : medianMs / HOUR_MS };
  });
}
