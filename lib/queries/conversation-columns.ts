import { and, gte, lt, sql } from 'drizzle-orm';
import { concatenated, inJsonArray, jsonArrayOf, parseJsonArray, type Db } from '../../db/client';
import { conversations } from '../../db/schema';
import { STATISTIC_KEYS, unpackStatistics, type StatisticKey } from '../events/statistics';
import type { Filters } from '../filters/parse-filters';
import { Codes } from './range-cache/codes';
import { cacheEnabled, cachedDays, DAY_MS, type CachedTable, type DayRows } from './range-cache/day-partitions';
import { SEARCHED, withDaysHolding } from './range-cache/id-hashes';
import { splitByDay } from './range-cache/split-by-day';
import { ascendingOrder, sumInOrder, type Order } from './sorted-runs';

/**
 * The conversations the range figures read (Overview, Statistics, the Assignments flow), column by
 * column: creation time, rowid, the filters' dimensions as codes (range-cache/codes.ts), the reopen
 * count and the fourteen statistics (NaN where absent). Cached by the figure threads by UTC day of
 * creation (range-cache/); every column comes from the covering range index, so reading them is
 * one scan of it.
 */
export type ConversationColumns = DayRows & {
  at: Float64Array;
  rowid: Float64Array;
  channel: Uint16Array;
  source: Uint16Array;
  group: Uint16Array;
  agent: Uint16Array;
  status: Uint16Array;
  reopens: Int32Array;
  /** Per statistic, made when first asked for: statisticOrder. */
  ascending: Partial<Record<StatisticKey, { order: Order; sum: number }>>;
} & Record<StatisticKey, Float64Array>;

// The columns, and 8 bytes for the sorted copy of the rowids (range-cache/id-hashes.ts).
const ROW_BYTES = 8 + 8 + 5 * 2 + 4 + STATISTIC_KEYS.length * 8 + 8;
// The statistics' orders (statisticOrder), counted from the start: 2 bytes a row each (4 in a day
// of over 65,536 rows), whether the Statistics page ever asks for them or not.
const orderBytes = (n: number) => STATISTIC_KEYS.length * (n <= 0x10000 ? 2 : 4);

/** Empty columns for n rows, always built in this one shape (the scans stay monomorphic). */
function ofSize(n: number): ConversationColumns {
  const columns = {
    rows: n,
    bytes: n * (ROW_BYTES + orderBytes(n)),
    at: new Float64Array(n),
    rowid: new Float64Array(n),
    channel: new Uint16Array(n),
    source: new Uint16Array(n),
    group: new Uint16Array(n),
    agent: new Uint16Array(n),
    status: new Uint16Array(n),
    reopens: new Int32Array(n),
    ascending: {},
  } as ConversationColumns;
  for (const key of STATISTIC_KEYS) columns[key] = new Float64Array(n);
  return columns;
}

/**
 * A day's present values of a statistic, their rows in ascending order of value, and their sum in
 * that order (sorted-runs.ts: the Statistics page's percentiles read these instead of sorting or
 * selecting). Made the first time a figure asks, then kept with the day: the other range figures
 * never need them, and a month at 1M takes about 90 ms to order.
 */
export function statisticOrder(columns: ConversationColumns, key: StatisticKey): { order: Order; sum: number } {
  let made = columns.ascending[key];
  if (!made) {
    const order = ascendingOrder(columns[key]);
    made = { order, sum: sumInOrder(columns[key], order) };
    columns.ascending[key] = made;
  }
  return made;
}

const c = conversations;

/** One row of JSON arrays (jsonArrayOf) and the packed statistics, concatenated in the same row order. */
function readColumns(db: Db, fromMs: number, toMs: number, codes: Codes): ConversationColumns {
  const row = db
    .select({
      at: jsonArrayOf(c.createdAt),
      rowid: jsonArrayOf(sql`${c}.rowid`),
      channel: jsonArrayOf(c.channelId),
      source: jsonArrayOf(c.source),
      group: jsonArrayOf(c.assignedGroupId),
      agent: jsonArrayOf(c.assignedAgentId),
      status: jsonArrayOf(c.status),
      reopens: jsonArrayOf(c.reopenCount),
      statistics: concatenated(c.statisticsPacked),
    })
    .from(c)
    .where(and(gte(c.createdAt, fromMs), lt(c.createdAt, toMs)))
    .get();
  const at = parseJsonArray<number>(row?.at);
  const columns = ofSize(at.length);
  columns.at.set(at);
  columns.rowid.set(parseJsonArray<number>(row?.rowid));
  columns.channel.set(codes.encode(parseJsonArray(row?.channel)));
  columns.source.set(codes.encode(parseJsonArray(row?.source)));
  columns.group.set(codes.encode(parseJsonArray(row?.group)));
  columns.agent.set(codes.encode(parseJsonArray(row?.agent)));
  columns.status.set(codes.encode(parseJsonArray(row?.status)));
  columns.reopens.set(parseJsonArray<number>(row?.reopens));
  const read = row?.statistics ? unpackStatistics(row.statistics, STATISTIC_KEYS.map((key) => columns[key])) : 0;
  if (read !== at.length) throw new Error(`packed statistics of ${read} conversations for ${at.length} read`);
  return columns;
}

const CONVERSATIONS: CachedTable<ConversationColumns> = {
  name: 'conversations',
  load: (db, fromDay, toDay, codes) => splitByDay(readColumns(db, fromDay * DAY_MS, toDay * DAY_MS, codes), ofSize),
  // A conversation's creation time comes from its latest snapshot and can change (an update that
  // arrived first without it): the day it is on now, and any cached day that held its row when
  // read (rowids are stable until the projections are rebuilt, which starts the cache over).
  daysOf: (db, ids, cached) => {
    if (ids.length > SEARCHED) return cached.keys();
    const rows = db
      .select({ rowid: sql<number>`${c}.rowid`, day: sql<number | null>`${c.createdAt} / ${sql.raw(String(DAY_MS))}` })
      .from(c)
      .where(inJsonArray(c.conversationId, JSON.stringify(ids)))
      .all();
    const now = rows.flatMap((row) => (row.day === null ? [] : [row.day]));
    return withDaysHolding(now, cached, (columns) => columns.rowid, rows.map((row) => row.rowid));
  },
};

/**
 * The conversations created in the range (unfiltered otherwise), one set of columns per UTC day in
 * day order: cached days, or one read split by day when the cache is off (the same days either way,
 * so every figure is the same to the last bit).
 */
export function conversationColumns(db: Db, filters: Filters): { chunks: ConversationColumns[]; codes: Codes } {
  if (cacheEnabled()) {
    const { days, codes } = cachedDays(db, CONVERSATIONS, filters.startMs, filters.endMs);
    return { chunks: days, codes };
  }
  const codes = new Codes();
  const days = splitByDay(readColumns(db, filters.startMs, filters.endMs, codes), ofSize);
  return { chunks: [...days.keys()].sort((a, b) => a - b).map((day) => days.get(day)!), codes };
}

/** Whether a filter besides the range is set: then a day's rows are only kept in part, if at all. */
export const narrowsRows = (filters: Filters): boolean =>
  [filters.channels, filters.groups, filters.agents, filters.sources, filters.statuses].some((chosen) => chosen.length > 0);

/** keptRows' answer as a mask: every row of the day where it said null. */
export const rowsKept = (chunk: ConversationColumns, keep: Uint8Array | null): Uint8Array => keep ?? new Uint8Array(chunk.rows).fill(1);

/**
 * matchingRows, or null when every row of the day matches: no filter but the range is set, and the
 * range holds the whole UTC day (every day of a range in UTC but its edges in other zones).
 */
export function keptRows(chunk: ConversationColumns, filters: Filters, codes: Codes): Uint8Array | null {
  if (!narrowsRows(filters) && chunk.rows > 0) {
    const dayStart = Math.floor(chunk.at[0]! / DAY_MS) * DAY_MS;
    if (filters.startMs <= dayStart && dayStart + DAY_MS <= filters.endMs) return null;
  }
  return matchingRows(chunk, filters, codes);
}

/**
 * Which rows of a chunk match the filters (1) or not (0): created in the range and matching each
 * filter that is set. The same rule as conversationsMatching (conversation-filter.ts) applies in SQL.
 */
export function matchingRows(chunk: ConversationColumns, filters: Filters, codes: Codes): Uint8Array {
  const keep = new Uint8Array(chunk.rows);
  const { at } = chunk;
  const { startMs, endMs } = filters;
  for (let i = 0; i < chunk.rows; i++) keep[i] = at[i]! >= startMs && at[i]! < endMs ? 1 : 0;
  codes.keepMatching(keep, chunk.channel, filters.channels);
  codes.keepMatching(keep, chunk.group, filters.groups);
  codes.keepMatching(keep, chunk.agent, filters.agents);
  codes.keepMatching(keep, chunk.source, filters.sources);
  codes.keepMatching(keep, chunk.status, filters.statuses);
  return keep;
}
