import { sql } from 'drizzle-orm';
import { jsonArrayOf, parseJsonArray, type Db } from '../../db/client';
import { statusTransitions } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { STATUSES } from '../filters/parse-filters';
import { inActivityRange } from './activity-filter';
import { dayBuckets } from './day-buckets';
import { summariseValues } from './median';

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
 * The transitions of the range (matching the filters), column by column: each one's day (index
 * into `days`), from and to statuses, and stay (milliseconds until the conversation's next
 * transition, `next_at` derived at ingest: see lib/projection/derived.ts; null while it lasts).
 * Every figure of the page is computed from one such read through the covering range index: as
 * JSON arrays, without SQLite sorting the rows for a GROUP BY (two grouped reads cost 2 × 120 ms a
 * month at 1M; this one, about 110 ms).
 */
export type TransitionRows = { days: string[]; day: number[]; from: (string | null)[]; to: string[]; stay: (number | null)[] };

export function readTransitions(db: Db, filters: Filters): TransitionRows {
  const { days, index } = dayBuckets(statusTransitions.at, filters);
  const t = statusTransitions;
  const query = db
    .select({ day: jsonArrayOf(index), from: jsonArrayOf(t.fromStatus), to: jsonArrayOf(t.toStatus), stay: jsonArrayOf(sql`${t.nextAt} - ${t.at}`) })
    .from(t)
    .$dynamic();
  const row = inActivityRange(query, t, filters).get();
  return { days, day: parseJsonArray(row?.day), from: parseJsonArray(row?.from), to: parseJsonArray(row?.to), stay: parseJsonArray(row?.stay) };
}

/** The matrix (how many times each `from → to` happened) and the transitions per day by status entered. */
export function countsOf(rows: TransitionRows): { matrix: TransitionCell[]; byDay: TransitionsByDay } {
  // Per from status, per to status: the cell and its count per day.
  const cells = new Map<string | null, Map<string, { cell: TransitionCell; perDay: number[] }>>();
  for (let i = 0; i < rows.to.length; i++) {
    const [from, to] = [rows.from[i]!, rows.to[i]!];
    let byTo = cells.get(from);
    if (!byTo) cells.set(from, (byTo = new Map()));
    let entry = byTo.get(to);
    if (!entry) byTo.set(to, (entry = { cell: { from, to, transitions: 0 }, perDay: rows.days.map(() => 0) }));
    entry.cell.transitions += 1;
    entry.perDay[rows.day[i]!]! += 1;
  }
  const entries = [...cells.values()].flatMap((byTo) => [...byTo.values()]);
  // As SQL's ORDER BY from, to would: no status (creation) first, then by code point.
  const compare = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
  const matrix = entries.map((e) => e.cell).sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to));

  const statuses = orderStatuses(entries.map((e) => e.cell.to));
  const days = rows.days.map((day) => ({ day, counts: statuses.map(() => 0) }));
  for (const { cell, perDay } of entries) {
    const s = statuses.indexOf(cell.to);
    perDay.forEach((n, d) => (days[d]!.counts[s]! += n));
  }
  return { matrix, byDay: { statuses, days } };
}

export const getTransitionCounts = (db: Db, filters: Filters) => countsOf(readTransitions(db, filters));

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
 * Transitions of a conversation at the same millisecond all end at its next later transition. The
 * medians are exact (median.ts).
 */
export function timeInStatusOf(rows: TransitionRows): TimeInStatus[] {
  const byStatus = new Map<string, { durations: number[]; open: number }>();
  for (let i = 0; i < rows.to.length; i++) {
    const status = rows.to[i]!;
    let entry = byStatus.get(status);
    if (!entry) byStatus.set(status, (entry = { durations: [], open: 0 }));
    const stay = rows.stay[i];
    if (stay === null || stay === undefined) entry.open += 1;
    else entry.durations.push(stay);
  }
  return orderStatuses(byStatus.keys()).map((status) => {
    const { durations, open } = byStatus.get(status)!;
    const { median } = summariseValues(durations);
    return { status, completedStays: durations.length, openStays: open, medianHours: median === null ? null : median / HOUR_MS };
  });
}

export const getTimeInStatus = (db: Db, filters: Filters) => timeInStatusOf(readTransitions(db, filters));

/** Everything the Transitions page draws, from one read of the range. */
export function getTransitionFigures(db: Db, filters: Filters) {
  const rows = readTransitions(db, filters);
  const { matrix, byDay } = countsOf(rows);
  const summary = summarizeTransitions(matrix);
  return { matrix, byDay, summary, timeInStatus: summary.transitions === 0 ? [] : timeInStatusOf(rows) };
}
