import { sql } from 'drizzle-orm';
import { jsonArrayOf, parseJsonArray, type Db } from '../../db/client';
import { statusTransitions } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { STATUSES } from '../filters/parse-filters';
import { activityColumns, activityRowsKept } from './activity-filter';
import { dayIndexes, localDays } from './day-buckets';
import { numbersOf } from './median';
import { compareTexts, type Codes } from './range-cache/codes';
import type { DayRows } from './range-cache/day-partitions';
import { ascendingOrder, keptOrder, percentileOfGroup, sortedGroups, sumInOrder, type Order, type RunSource } from './sorted-runs';

/**
 * The figures of the Transitions page, each defined once here. All are activity figures: status
 * transitions whose `at` is in the range, of conversations matching the other filters. A
 * conversation's creation is the transition `null → new`.
 */

export type TransitionCell = { from: string | null; to: string; transitions: number };

/** How many times each `from → to` happened in the range. */
export function getTransitionMatrix(db: Db, filters: Filters): TransitionCell[] {
  return getTransitionFigures(db, filters).matrix;
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
  return getTransitionFigures(db, filters).byDay;
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

/**
 * How long conversations stay in each status: for each transition in the range, the time until
 * the same conversation's next transition (whenever that is), grouped by the status entered.
 * Transitions of a conversation at the same millisecond all end at its next later transition. The
 * medians are exact (median.ts).
 */
export const getTimeInStatus = (db: Db, filters: Filters): TimeInStatus[] => getTransitionFigures(db, filters).timeInStatus;

/**
 * Status transitions, column by column: when (epoch ms), from and to statuses, channel and source
 * (codes: range-cache/codes.ts), and stay (milliseconds until the conversation's next transition,
 * `next_at` derived at ingest, see lib/projection/derived.ts; NaN while it lasts). Every figure of
 * the page is computed by one scan of such columns: the cached days of the range (range-cache/), or
 * one read of the range when a filter needs the conversations' current group, agent or status.
 */
export type TransitionColumns = DayRows & {
  at: Float64Array;
  from: Uint16Array;
  to: Uint16Array;
  stay: Float64Array;
  channel: Uint16Array;
  source: Uint16Array;
};

const t = statusTransitions;

/**
 * The columns as one row of JSON arrays (jsonArrayOf) read through the covering range index,
 * without SQLite sorting the rows for a GROUP BY (two grouped reads cost 2 × 120 ms a month at 1M;
 * this one, about 105).
 */
const selectColumns = (db: Db) =>
  db
    .select({
      at: jsonArrayOf(t.at),
      from: jsonArrayOf(t.fromStatus),
      to: jsonArrayOf(t.toStatus),
      stay: jsonArrayOf(sql`${t.nextAt} - ${t.at}`),
      channel: jsonArrayOf(t.channelId),
      source: jsonArrayOf(t.source),
    })
    .from(t)
    .$dynamic();

type ColumnsRow = { at: string; from: string; to: string; stay: string; channel: string; source: string } | undefined;

/** Empty columns for n rows, always built in this one shape (the scans stay monomorphic). */
function transitionColumnsOfSize(n: number): TransitionColumns {
  return {
    rows: n,
    // 28 bytes of columns, and 2 for the stays in order (stayRunsOf), made when the day is first used.
    bytes: n * 30,
    at: new Float64Array(n),
    from: new Uint16Array(n),
    to: new Uint16Array(n),
    stay: new Float64Array(n),
    channel: new Uint16Array(n),
    source: new Uint16Array(n),
  };
}

function columnsOf(row: ColumnsRow, codes: Codes): TransitionColumns {
  const at = parseJsonArray<number>(row?.at);
  const columns = transitionColumnsOfSize(at.length);
  columns.at.set(at);
  columns.from.set(codes.encode(parseJsonArray(row?.from)));
  columns.to.set(codes.encode(parseJsonArray(row?.to)));
  columns.stay.set(numbersOf(parseJsonArray(row?.stay)));
  columns.channel.set(codes.encode(parseJsonArray(row?.channel)));
  columns.source.set(codes.encode(parseJsonArray(row?.source)));
  return columns;
}

/** The transitions as figures read them: the figure thread's cached days, or one read (activity-filter.ts). */
const transitionColumns = activityColumns({
  name: 'status_transitions',
  table: t,
  read: (db, narrow, codes) => columnsOf(narrow(selectColumns(db)).get(), codes),
  ofSize: transitionColumnsOfSize,
});

const HOUR_MS = 3_600_000;

/**
 * Every figure of the page from one scan of the range's transitions (those whose `at` is in the
 * range, of conversations matching the other filters): the matrix, the transitions per day by
 * status entered, and the stays per status entered.
 */
export function transitionFiguresOf(chunks: readonly TransitionColumns[], codes: Codes, filters: Filters) {
  const local = localDays(filters);
  const K = codes.size;
  const nDays = local.days.length;
  // The codes met as a status (`from` or `to`), numbered 0 … S − 1: channels and sources share the
  // codes, and a team with hundreds of topics would otherwise make the table below hundreds of
  // times larger than its statuses need (for a year, tens of MB).
  const statusOf = new Int32Array(K).fill(-1);
  const statusCodes: number[] = [];
  for (const c of chunks) {
    for (const code of statusCodesIn(c)) if (statusOf[code]! < 0) statusOf[code] = statusCodes.push(code) - 1;
  }
  const S = statusCodes.length;
  // Per (from, to) status pair, its count per day (pair · days + day): a table of every pair of
  // the few statuses costs less than finding a slot per pair met.
  const perDay = new Int32Array(S * S * nDays);
  // Per status entered (code): completed stays and open ones; the completed ones' durations after.
  const completed = new Int32Array(K);
  const open = new Int32Array(K);
  // The completed stays of each status entered, as ascending runs (one per day and status), for
  // their medians: a day the filters keep whole gives its runs as they are.
  const sources: RunSource[] = [];
  for (const c of chunks) {
    const keep = activityRowsKept(c, filters, codes);
    const days = dayIndexes(c.at, keep, local, new Int32Array(c.rows));
    countTransitions(c, keep, days, statusOf, S, nDays, perDay, completed, open);
    const whole = keptWhole(keep);
    for (const run of stayRunsOf(c)) {
      sources.push(whole ? { values: c.stay, order: run.order, group: run.code, sum: run.sum } : { values: c.stay, order: keptOrder(run.order, keep), group: run.code });
    }
  }
  const stays = sortedGroups(sources, K);

  const entries: { cell: TransitionCell; perDay: Int32Array }[] = [];
  for (let pair = 0; pair < S * S; pair++) {
    const days = perDay.subarray(pair * nDays, (pair + 1) * nDays);
    const transitions = days.reduce((sum, n) => sum + n, 0);
    const [from, to] = [statusCodes[Math.floor(pair / S)]!, statusCodes[pair % S]!];
    if (transitions > 0) entries.push({ cell: { from: codes.text(from), to: codes.text(to)!, transitions }, perDay: days });
  }
  const matrix: TransitionCell[] = entries.map((e) => e.cell).sort((a, b) => compareTexts(a.from, b.from) || compareTexts(a.to, b.to));
  const statuses = orderStatuses(entries.map((e) => e.cell.to));
  const days = local.days.map((day) => ({ day, counts: statuses.map(() => 0) }));
  for (const { cell, perDay } of entries) {
    const s = statuses.indexOf(cell.to);
    perDay.forEach((n, d) => (days[d]!.counts[s]! += n));
  }
  const summary = summarizeTransitions(matrix);
  const entered = [...completed.keys()].filter((code) => completed[code]! + open[code]! > 0);
  const byStatus = new Map(entered.map((code) => [codes.text(code)!, code]));
  const timeInStatus: TimeInStatus[] = orderStatuses(byStatus.keys()).map((status) => {
    const code = byStatus.get(status)!;
    const median = percentileOfGroup(stays, code, 0.5);
    return { status, completedStays: completed[code]!, openStays: open[code]!, medianHours: median === null ? null : median / HOUR_MS };
  });
  return { matrix, byDay: { statuses, days }, summary, timeInStatus };
}

/** Whether the filters keep every row of a day (a loop: `every` with a callback cost 1.7 ms a month at 1M). */
function keptWhole(keep: Uint8Array): boolean {
  for (let i = 0; i < keep.length; i++) if (keep[i] !== 1) return false;
  return true;
}

/**
 * A day's completed stays by status entered: for each status, its rows in ascending order of stay,
 * and their sum. Made once per day like the codes below, so that a request takes each status's
 * median from a few dozen sorted runs (sorted-runs.ts) instead of copying every stay of the range
 * out and selecting among them (at 1M, 4 of a month's 11.5 ms). Open stays (NaN) are not in it.
 */
function stayRunsOf(c: TransitionColumns): { code: number; order: Order; sum: number }[] {
  let runs = stayRunsByDay.get(c);
  if (!runs) {
    const order = ascendingOrder(c.stay);
    const { to, stay } = c;
    // Counted and split with arrays indexed by code, not maps: a year's first view makes 365 days of these.
    const codes = statusCodesIn(c);
    const size = codes.reduce((most, code) => Math.max(most, code + 1), 0);
    const counts = new Int32Array(size);
    for (let j = 0; j < order.length; j++) counts[to[order[j]!]!]! += 1;
    const rows = Array.from(counts, (n) => (n === 0 ? null : order instanceof Uint16Array ? new Uint16Array(n) : new Uint32Array(n)));
    const filled = new Int32Array(size);
    // Each status's rows in the day's order: ascending.
    for (let j = 0; j < order.length; j++) {
      const code = to[order[j]!]!;
      rows[code]![filled[code]!++] = order[j]!;
    }
    runs = codes.filter((code) => rows[code]).map((code) => ({ code, order: rows[code]!, sum: sumInOrder(stay, rows[code]!) }));
    stayRunsByDay.set(c, runs);
  }
  return runs;
}
const stayRunsByDay = new WeakMap<TransitionColumns, { code: number; order: Order; sum: number }[]>();

/** The codes a day's rows hold as `from` or `to`, found once per day (a cached day never changes; a changed one is read anew). */
function statusCodesIn(c: TransitionColumns): number[] {
  let found = statusCodesByDay.get(c);
  if (!found) {
    const met = new Set<number>();
    for (let i = 0; i < c.rows; i++) {
      met.add(c.from[i]!);
      met.add(c.to[i]!);
    }
    found = [...met];
    statusCodesByDay.set(c, found);
  }
  return found;
}
const statusCodesByDay = new WeakMap<TransitionColumns, number[]>();

/** The kept transitions of a day counted by (from, to) pair and day, and the stays by status entered, open or completed. */
function countTransitions(
  c: TransitionColumns,
  keep: Uint8Array,
  days: Int32Array,
  statusOf: Int32Array,
  S: number,
  nDays: number,
  perDay: Int32Array,
  completed: Int32Array,
  open: Int32Array,
): void {
  const { from, to, stay } = c;
  for (let i = 0; i < c.rows; i++) {
    if (keep[i] === 0) continue;
    const status = to[i]!;
    perDay[(statusOf[from[i]!]! * S + statusOf[status]!) * nDays + days[i]!]! += 1;
    if (stay[i]! !== stay[i]!) open[status]! += 1;
    else completed[status]! += 1;
  }
}

/** Everything the Transitions page draws. */
export function getTransitionFigures(db: Db, filters: Filters) {
  const { chunks, codes } = transitionColumns(db, filters);
  return transitionFiguresOf(chunks, codes, filters);
}
