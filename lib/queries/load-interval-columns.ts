import { and, gte, isNotNull, isNull, lt, max, or, sql } from 'drizzle-orm';
import { inJsonArray, jsonArrayOf, parseJsonArray, type Db } from '../../db/client';
import { agentLoadIntervals } from '../../db/schema';
import { sortTagged } from './load-timeline';
import { numbersOf } from './median';
import { Codes } from './range-cache/codes';
import { cacheEnabled, cachedDays, dataVersion, DAY_MS, type CachedTable, type DayRows } from './range-cache/day-partitions';
import { hashIds, SEARCHED, withDaysHolding } from './range-cache/id-hashes';
import { splitByDay } from './range-cache/split-by-day';

/**
 * The load intervals (lib/projection/derived.ts) the load chart reads, column by column: start
 * and end (NaN: since before anything recorded, resp. still counting), agent, channel and source
 * as codes (range-cache/codes.ts), and a hash of the conversation id. The figure threads cache the
 * ended ones by UTC day of their end (range-cache/); the few still counting are read each time.
 */
export type IntervalColumns = DayRows & {
  at: Float64Array;
  from: Float64Array;
  agent: Uint16Array;
  channel: Uint16Array;
  source: Uint16Array;
  conversation: Int32Array;
  /**
   * The rows in order of start (NaN first; withStartOrder), and where in that order the starts on
   * the day the rows end begin (`rows` when not one day's rows): those starts lie within their
   * day, so the days' in turn are in order, and the load chart sorts only the others (about a
   * quarter: intervals across midnight), instead of every start of the range at each request.
   */
  byStart: Uint32Array;
  sameDayStarts: number;
  /** Unique to these columns: what is derived from them names them by it, without keeping them (load-slots.ts). */
  serial: number;
  /** The UTC day the rows end on (-1: rows of any day, those read each time). */
  day: number;
  /** The earliest start (-Infinity when one counts since before anything recorded): which days the rows reach back to (load-slots.ts). */
  minFrom: number;
};

let serials = 0;

function ofSize(n: number): IntervalColumns {
  return {
    rows: n,
    // 30 bytes of columns, and 4 for the sorted copy of the hashes (range-cache/id-hashes.ts).
    bytes: n * 34,
    at: new Float64Array(n),
    from: new Float64Array(n),
    agent: new Uint16Array(n),
    channel: new Uint16Array(n),
    source: new Uint16Array(n),
    conversation: new Int32Array(n),
    byStart: new Uint32Array(n),
    sameDayStarts: n,
    serial: serials++,
    day: -1,
    minFrom: Infinity,
  };
}

/** Fills `byStart` and `sameDayStarts` of rows that all end on the UTC day beginning at `dayStart` (Infinity: rows of any day). */
function withStartOrder(columns: IntervalColumns, dayStart: number): IntervalColumns {
  const { from, byStart, rows } = columns;
  // A start of NaN (counting since before anything recorded) sorts first, and before the day: as
  // one millisecond before any other and the day's start. Integers over a few days, so counting
  // passes sort them (sortTagged): 0.2 ms for a day at 1M, 0.8 with a comparison sort.
  let least = dayStart;
  let minFrom = Infinity;
  for (let k = 0; k < rows; k++) {
    const f = from[k]!;
    if (f < least) least = f;
    if (f !== f) minFrom = -Infinity;
    else if (f < minFrom) minFrom = f;
  }
  columns.minFrom = minFrom;
  const before = Number.isFinite(least) ? least - 1 : 0;
  const starts = new Float64Array(rows);
  for (let k = 0; k < rows; k++) {
    byStart[k] = k;
    starts[k] = from[k]! === from[k]! ? from[k]! : before;
  }
  sortTagged(starts, byStart);
  let first = rows;
  while (first > 0 && starts[first - 1]! >= dayStart) first--;
  columns.sameDayStarts = first;
  return columns;
}

const i = agentLoadIntervals;

/** Intervals matching `where`, as one row of JSON arrays (jsonArrayOf), read through the covering range index. */
function readColumns(db: Db, where: ReturnType<typeof and>, codes: Codes): IntervalColumns {
  const row = db
    .select({
      at: jsonArrayOf(i.toAt),
      from: jsonArrayOf(i.fromAt),
      agent: jsonArrayOf(i.agentId),
      channel: jsonArrayOf(i.channelId),
      source: jsonArrayOf(i.source),
      conversation: jsonArrayOf(i.conversationId),
    })
    .from(i)
    .where(where)
    .get();
  const at = numbersOf(parseJsonArray(row?.at));
  const columns = ofSize(at.length);
  columns.at.set(at);
  columns.from.set(numbersOf(parseJsonArray(row?.from)));
  columns.agent.set(codes.encode(parseJsonArray(row?.agent)));
  columns.channel.set(codes.encode(parseJsonArray(row?.channel)));
  columns.source.set(codes.encode(parseJsonArray(row?.source)));
  columns.conversation.set(hashIds(parseJsonArray(row?.conversation)));
  return columns;
}

const ENDED_INTERVALS: CachedTable<IntervalColumns> = {
  name: 'agent_load_intervals',
  load: (db, fromDay, toDay, codes) => {
    // splitByDay copies byStart too, unfilled: each day's is made after.
    const days = splitByDay(readColumns(db, and(gte(i.toAt, fromDay * DAY_MS), lt(i.toAt, toDay * DAY_MS)), codes), ofSize);
    for (const [day, columns] of days) {
      columns.day = day;
      withStartOrder(columns, day * DAY_MS);
    }
    return days;
  },
  // A conversation's intervals are deleted and written again whenever it changes, and may end on
  // other days than before: the days they end on now, and any cached day that held one of them.
  daysOf: (db, ids, cached) => {
    if (ids.length > SEARCHED) return cached.keys();
    const now = db
      .selectDistinct({ day: sql<number>`${i.toAt} / ${sql.raw(String(DAY_MS))}` })
      .from(i)
      .where(and(inJsonArray(i.conversationId, JSON.stringify(ids)), isNotNull(i.toAt)))
      .all()
      .map((row) => row.day);
    return withDaysHolding(now, cached, (columns) => columns.conversation, hashIds(ids));
  },
};

/**
 * Every interval that may end after `start`: the cached days from start's to the latest end stored
 * up to a day from now (`days`, in day order), and, read each time (`rest`), those still counting and any ending later than that
 * (a payload's time in the future: caching up to it would walk every day until then); null when
 * the cache is off. Callers keep those that end after `start`, start before their range's end and
 * match their filters.
 */
export function intervalsEndingAfter(db: Db, start: number): { days: IntervalColumns[]; rest: IntervalColumns; codes: Codes } | null {
  if (!cacheEnabled()) return null;
  // The latest end and the intervals read each time are kept until something is written: at 1M,
  // 1.6 ms of every load chart (1,400 intervals still counting, parsed from JSON).
  const version = dataVersion(db);
  let seen = latestEnds.get(db);
  if (seen?.version !== version) {
    const horizon = Date.now() + DAY_MS;
    seen = { version, latest: db.select({ at: max(i.toAt) }).from(i).where(lt(i.toAt, horizon)).get()?.at ?? null, rest: null };
    latestEnds.set(db, seen);
  }
  const { latest } = seen;
  // Cached: the days from start's to latest's; read: what ends after the last of them, or not at all.
  const cachedUntil = latest === null || latest <= start ? null : (Math.floor(latest / DAY_MS) + 1) * DAY_MS;
  const { days, codes } = cachedUntil === null ? { days: [], codes: undefined } : cachedDays(db, ENDED_INTERVALS, start, cachedUntil);
  if (seen.rest?.from !== (cachedUntil ?? start) || (codes !== undefined && seen.rest.codes !== codes)) {
    const shared = codes ?? new Codes();
    seen.rest = { from: cachedUntil ?? start, codes: shared, columns: withStartOrder(readColumns(db, or(isNull(i.toAt), gte(i.toAt, cachedUntil ?? start)), shared), Infinity) };
  }
  return { days, rest: seen.rest.columns, codes: seen.rest.codes };
}

/** Per connection: the latest end below the horizon and the intervals read past the cached days, while `version` holds (dataVersion). */
const latestEnds = new WeakMap<Db, { version: number; latest: number | null; rest: { from: number; codes: Codes; columns: IntervalColumns } | null }>();
