import { and, asc, count, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { conversations, statusTransitions } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { STATUSES } from '../filters/parse-filters';
import { activityInRange } from './activity-filter';
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
  return db
    .select({ from: statusTransitions.fromStatus, to: statusTransitions.toStatus, transitions })
    .from(statusTransitions)
    .innerJoin(conversations, eq(conversations.conversationId, statusTransitions.conversationId))
    .where(activityInRange(statusTransitions.at, filters))
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
  const rows = db
    .select({ day: index, to: statusTransitions.toStatus, n: count() })
    .from(statusTransitions)
    .innerJoin(conversations, eq(conversations.conversationId, statusTransitions.conversationId))
    .where(activityInRange(statusTransitions.at, filters))
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
 * the same conversation's next transition (whenever that is), grouped by the status entered.
 *
 * The next transition comes from LEAD() over the conversation's transitions. To keep that window
 * small with a million conversations it only sees transitions at or after the range's start
 * (a stay's end is never before its start) of conversations with a transition in the range
 * (found through the `(at)` index, then each conversation's transitions through
 * `(conversation_id, at)`). The median is computed in SQL with ROW_NUMBER and COUNT windows.
 * Window functions and this SQL are shared by SQLite and PostgreSQL.
 */
export function getTimeInStatus(db: Db, filters: Filters): TimeInStatus[] {
  const active = db
    .select({ id: statusTransitions.conversationId })
    .from(statusTransitions)
    .innerJoin(conversations, eq(conversations.conversationId, statusTransitions.conversationId))
    .where(activityInRange(statusTransitions.at, filters));
  const stays = db
    .select({
      status: sql<string>`${statusTransitions.toStatus}`.as('status'),
      at: sql<number>`${statusTransitions.at}`.as('entered_at'),
      nextAt: sql<number | null>`lead(${statusTransitions.at}) over (partition by ${statusTransitions.conversationId} order by ${statusTransitions.at}, ${statusTransitions.eventId})`.as('next_at'),
    })
    .from(statusTransitions)
    .where(and(inArray(statusTransitions.conversationId, active), gte(statusTransitions.at, filters.startMs)))
    .as('stays');

  const counts = db
    .select({ status: stays.status, stays: count(), completed: count(stays.nextAt) })
    .from(stays)
    .where(lt(stays.at, filters.endMs))
    .groupBy((row) => row.status)
    .all();

  const durations = db
    .select({
      status: stays.status,
      ms: sql<number>`${stays.nextAt} - ${stays.at}`.as('ms'),
      position: sql<number>`row_number() over (partition by ${stays.status} order by ${stays.nextAt} - ${stays.at})`.as('position'),
      n: sql<number>`count(*) over (partition by ${stays.status})`.as('n'),
    })
    .from(stays)
    .where(and(lt(stays.at, filters.endMs), isNotNull(stays.nextAt)))
    .as('durations');
  // The middle row (odd n) or the mean of the two middle rows (even n). Integer division in both databases.
  const medians = db
    .select({ status: durations.status, medianMs: sql<number>`avg(${durations.ms})`.mapWith(Number) })
    .from(durations)
    .where(sql`${durations.position} in ((${durations.n} + 1) / 2, (${durations.n} + 2) / 2)`)
    .groupBy((row) => row.status)
    .all();
  const medianOf = new Map(medians.map((row) => [row.status, row.medianMs / HOUR_MS]));

  return orderStatuses(counts.map((row) => row.status)).map((status) => {
    const row = counts.find((c) => c.status === status)!;
    return { status, completedStays: row.completed, openStays: row.stays - row.completed, medianHours: medianOf.get(status) ?? null };
  });
}
