import type { Db } from '../../../db/client';
import { config } from '../../config';
import { changesSince, type Watermark } from './changed-conversations';
import { Codes } from './codes';

/**
 * Range figures over a million conversations read a few hundred thousand rows a month; SQLite
 * hands them over at about 0.3 µs a value, which made those pages grow with the data. So a figure
 * thread keeps, per table, the rows of the days it has read, column by column in typed arrays
 * (28 bytes a status transition), and computes figures by scanning them: several times
 * faster than reading them again, and exact, because a cached day is dropped as soon as any
 * conversation with rows on it changes (changed-conversations.ts), and read again when next asked
 * for. A day is a UTC day of the row's own time (its range column); a request in any timezone
 * takes the days its range touches and filters the edges by time.
 *
 * Nothing here is a second source of truth: a cache starts empty, can be dropped at any moment, and
 * each of its days equals what SQLite holds for that day at some moment after every event the cache
 * has followed.
 */

export const DAY_MS = 86_400_000;

/** The cached rows of one table on one UTC day. */
export type DayRows = { rows: number; bytes: number };

export type CachedTable<P extends DayRows> = {
  /** A name for the registry (and messages). */
  name: string;
  /** The rows of the UTC days [fromDay, toDay), by day number (days without rows may be absent). */
  load: (db: Db, fromDay: number, toDay: number, codes: Codes) => Map<number, P>;
  /**
   * The days that may hold rows of these conversations, among those cached: they are dropped.
   * Must include every day a row of theirs is on now, or was on when its day was read.
   */
  daysOf: (db: Db, conversationIds: string[], cached: ReadonlyMap<number, P>) => Iterable<number>;
};

/**
 * The bytes of cached rows one connection keeps, all tables together (FIGURE_CACHE_MB); least
 * recently used days go first. 0: no cache, every figure reads SQLite. Tests set it here.
 */
export const cacheLimits: { budgetBytes: number | null } = { budgetBytes: null };
const budget = () => (cacheLimits.budgetBytes ??= config().figureCacheBytes);

type Entry<P extends DayRows> = { rows: P | null; usedAt: number; bytes: number };
type TableCache<P extends DayRows> = { table: CachedTable<P>; days: Map<number, Entry<P>>; codes: Codes };
type ConnectionCache = {
  mark: Watermark | null;
  tables: Map<string, TableCache<DayRows>>;
  bytes: number;
  clock: number;
  /** Counts the refreshes that found something changed (dataVersion). */
  version: number;
};

const caches = new WeakMap<Db, ConnectionCache>();

/** Whether figures read through the cache (FIGURE_CACHE_MB=0 turns it off; tests compare both ways). */
export const cacheEnabled = () => budget() > 0;

/** The budget in bytes (FIGURE_CACHE_MB): what is derived from the cached days takes a share of it too. */
export const cacheBudget = () => budget();

function connectionCache(db: Db): ConnectionCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { mark: null, tables: new Map(), bytes: 0, clock: 0, version: 0 }));
  return cache;
}

/** Applies what changed since the connection's caches last looked: drops the days it affects. */
function refresh(db: Db, cache: ConnectionCache): void {
  const { changes, mark } = changesSince(db, cache.mark);
  cache.mark = mark;
  if (changes.kind === 'none') return;
  cache.version += 1;
  for (const table of cache.tables.values()) {
    if (changes.kind === 'everything') {
      for (const entry of table.days.values()) cache.bytes -= entry.bytes;
      table.days.clear();
      table.codes = new Codes();
      continue;
    }
    const loaded = new Map<number, DayRows>();
    for (const [day, entry] of table.days) if (entry.rows) loaded.set(day, entry.rows);
    for (const day of table.table.daysOf(db, changes.ids, loaded)) {
      const entry = table.days.get(day);
      if (!entry) continue;
      cache.bytes -= entry.bytes;
      table.days.delete(day);
    }
  }
}

/**
 * A number that stays the same exactly as long as nothing was written to the database (the same
 * test as the cached days', applied to them first): what a figure thread reads besides the cached
 * days may be kept under it and reused while it holds.
 */
export function dataVersion(db: Db): number {
  const cache = connectionCache(db);
  refresh(db, cache);
  return cache.version;
}

/**
 * The cached rows of `table` for every UTC day that [startMs, endMs) touches (read first where
 * missing, one query per run of missing days), in day order, with the table's codes.
 */
export function cachedDays<P extends DayRows>(db: Db, table: CachedTable<P>, startMs: number, endMs: number): { days: P[]; codes: Codes } {
  const cache = connectionCache(db);
  let tableCache = cache.tables.get(table.name) as TableCache<P> | undefined;
  if (!tableCache) {
    tableCache = { table, days: new Map(), codes: new Codes() };
    cache.tables.set(table.name, tableCache as unknown as TableCache<DayRows>);
  }
  refresh(db, cache);
  const first = Math.floor(startMs / DAY_MS);
  const last = Math.floor((endMs - 1) / DAY_MS);
  const usedAt = ++cache.clock;
  readMissing(db, cache, tableCache, first, last, usedAt, Infinity);
  const days: P[] = [];
  for (let day = first; day <= last; day++) {
    const entry = tableCache.days.get(day)!;
    entry.usedAt = usedAt;
    if (entry.rows) days.push(entry.rows);
  }
  evict(cache, usedAt);
  return { days, codes: tableCache.codes };
}

/**
 * Reads the days of [first, last] the table does not hold (one query per run of missing days), at
 * most `limit` of them, latest first; returns how many it read. Days without rows are kept too
 * (as empty), so they are not read again.
 */
function readMissing<P extends DayRows>(db: Db, cache: ConnectionCache, tableCache: TableCache<P>, first: number, last: number, usedAt: number, limit: number): number {
  let read = 0;
  for (let end = last + 1; end > first && read < limit; ) {
    if (tableCache.days.has(end - 1)) {
      end--;
      continue;
    }
    let day = end - 1;
    while (day > first && !tableCache.days.has(day - 1) && end - day < limit - read) day--;
    const loaded = tableCache.table.load(db, day, end, tableCache.codes);
    for (let d = day; d < end; d++) {
      const rows = loaded.get(d) ?? null;
      const bytes = rows?.bytes ?? 0;
      tableCache.days.set(d, { rows, usedAt, bytes });
      cache.bytes += bytes;
    }
    read += end - day;
    end = day;
  }
  return read;
}

/** The days a figure thread reads ahead while idle: the longest range the filter bar offers (90 days), up to tomorrow. */
export const READ_AHEAD_DAYS = 91;

/**
 * One step of reading ahead while the thread is idle (figure-worker.ts): up to a week of the days
 * of the last READ_AHEAD_DAYS that a table this connection has served does not hold (never cached,
 * or dropped after a change), so that the first view of a range in that window, after a restart or
 * a burst of ingest, computes from the cache instead of reading first. Only while the cache uses
 * less than half its budget; days read so are the first dropped when it is full. Returns whether
 * it read anything (call again), false when there is nothing left to read.
 */
export function readAhead(db: Db, now = Date.now()): boolean {
  const cache = caches.get(db);
  if (!cache || !cacheEnabled()) return false;
  refresh(db, cache);
  if (cache.bytes >= budget() / 2) return false;
  const last = Math.floor(now / DAY_MS) + 1;
  const first = last - READ_AHEAD_DAYS;
  for (const tableCache of cache.tables.values()) if (readMissing(db, cache, tableCache, first, last, 0, 7) > 0) return true;
  return false;
}

/** Drops the least recently used days (never those of the request being answered) while over budget. */
function evict(cache: ConnectionCache, current: number): void {
  const days: { table: TableCache<DayRows>; day: number; usedAt: number; bytes: number }[] = [];
  if (cache.bytes > budget()) for (const table of cache.tables.values()) for (const [day, { usedAt, bytes }] of table.days) days.push({ table, day, usedAt, bytes });
  dropLeastRecent(days, current, () => cache.bytes <= budget(), ({ table, day, bytes }) => {
    table.days.delete(day);
    cache.bytes -= bytes;
  });
}

/**
 * Drops `entries` (each stamped with the request that last used it), least recently used first and
 * never those of the `current` request, until `fits()`: the rule of every cache a figure thread keeps.
 */
export function dropLeastRecent<E extends { usedAt: number }>(entries: Iterable<E>, current: number, fits: () => boolean, drop: (entry: E) => void): void {
  if (fits()) return;
  const candidates = [...entries].filter((entry) => entry.usedAt !== current).sort((a, b) => a.usedAt - b.usedAt);
  for (const entry of candidates) {
    if (fits()) break;
    drop(entry);
  }
}

/** What a connection's caches hold (tests, the bench). */
export function cacheStats(db: Db): { bytes: number; days: Record<string, number> } {
  const cache = caches.get(db);
  if (!cache) return { bytes: 0, days: {} };
  return { bytes: cache.bytes, days: Object.fromEntries([...cache.tables].map(([name, table]) => [name, table.days.size])) };
}
