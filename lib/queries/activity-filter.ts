import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { SQLiteSelect } from 'drizzle-orm/sqlite-core';
import { inJsonArray, type Db } from '../../db/client';
import { assignmentChanges, conversations, statusTransitions } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { splitByRowDimensions } from './conversation-filter';
import { Codes } from './range-cache/codes';
import { cacheEnabled, cachedDays, DAY_MS, type CachedTable, type DayRows } from './range-cache/day-partitions';
import { splitByDay } from './range-cache/split-by-day';

type ActivityTable = typeof statusTransitions | typeof assignmentChanges;

/**
 * Restricts a dynamic select over an activity table (status transitions, assignment changes) to
 * what happened in the range, [startMs, endMs) on the row's own `at` (its index), to a
 * conversation matching the other filters (its current channel, group, agent, source, status),
 * whenever that conversation was created; `extra` conditions are added to the same WHERE.
 *
 * Channel and source are on the activity rows themselves (derived from the conversation, see
 * lib/projection/derived.ts) and in the range index: with only those filters, or none (the usual
 * views), rows are not joined to their conversations at all, which at a million conversations saves
 * a primary-key lookup per row. Group, agent and status change during a conversation's life and
 * are read from the conversation, found by primary key.
 */
export function inActivityRange<T extends SQLiteSelect>(query: T, table: ActivityTable, filters: Filters, ...extra: (SQL | undefined)[]): T {
  const { onRow, onConversation: matching } = splitByRowDimensions(table, filters);
  const range = and(gte(table.at, filters.startMs), lt(table.at, filters.endMs), onRow, ...extra);
  if (!matching) return query.where(range);
  // The callers' selects name their fields, so the join adds no columns: the rows keep their type.
  return query.innerJoin(conversations, eq(conversations.conversationId, table.conversationId)).where(and(range, matching)) as unknown as T;
}

/**
 * Which rows of an activity chunk a figure counts (1) or not (0): those whose time is in the range,
 * of the channels and sources filtered on (codes; a value never seen matches nothing). The row
 * half of inActivityRange's rule, for scans of cached columns; group, agent and status filters
 * never reach a scan of cached days (activityColumns reads SQLite for them).
 */
export function activityRowsKept(chunk: DayRows & { at: Float64Array; channel: Uint16Array; source: Uint16Array }, filters: Filters, codes: Codes): Uint8Array {
  const { startMs, endMs } = filters;
  const keep = new Uint8Array(chunk.rows);
  const { at } = chunk;
  for (let i = 0; i < chunk.rows; i++) keep[i] = at[i]! >= startMs && at[i]! < endMs ? 1 : 0;
  codes.keepMatching(keep, chunk.channel, filters.channels);
  codes.keepMatching(keep, chunk.source, filters.sources);
  return keep;
}

/**
 * How a figure reads an activity table as columns (transitions.ts, assignment-flows.ts): `read`
 * runs its select, narrowed by `narrow` (a range of days, or the filters), and codes the result;
 * `ofSize` makes empty columns of the same shape.
 */
export type ActivitySource<C extends DayRows & { at: Float64Array }> = {
  name: string;
  table: ActivityTable;
  read: (db: Db, narrow: <T extends SQLiteSelect>(query: T) => T, codes: Codes) => C;
  ofSize: (n: number) => C;
};

/**
 * The rows of an activity table a figure scans: the figure thread's cached days of the range
 * (range-cache/), or one read of the range, joined to the conversations, when a filter needs their
 * current group, agent or status (those change in a conversation's life) or the cache is off.
 */
export function activityColumns<C extends DayRows & { at: Float64Array }>(source: ActivitySource<C>): (db: Db, filters: Filters) => { chunks: C[]; codes: Codes } {
  const { table } = source;
  const cached: CachedTable<C> = {
    name: source.name,
    load: (db, fromDay, toDay, codes) => splitByDay(source.read(db, (query) => query.where(and(gte(table.at, fromDay * DAY_MS), lt(table.at, toDay * DAY_MS))), codes), source.ofSize),
    // An activity row's time never changes and ingest never deletes one: the days its rows are on now.
    daysOf: (db, ids) =>
      db
        .selectDistinct({ day: sql<number>`${table.at} / ${sql.raw(String(DAY_MS))}` })
        .from(table)
        .where(inJsonArray(table.conversationId, JSON.stringify(ids)))
        .all()
        .map((row) => row.day),
  };
  return (db, filters) => {
    const needsConversations = filters.groups.length > 0 || filters.agents.length > 0 || filters.statuses.length > 0;
    if (cacheEnabled() && !needsConversations) {
      const { days, codes } = cachedDays(db, cached, filters.startMs, filters.endMs);
      return { chunks: days, codes };
    }
    const codes = new Codes();
    return { chunks: [source.read(db, (query) => inActivityRange(query, table, filters), codes)], codes };
  };
}
