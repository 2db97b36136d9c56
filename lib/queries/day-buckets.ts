import { sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Filters } from '../filters/parse-filters';
import { offsetMs } from '../time/zoned';

const DAY = 86_400_000;

/**
 * The calendar days of the range in the filters' timezone, and the rule that puts a timestamp on
 * one of them: its epoch milliseconds plus an offset, divided into days. The offset is the
 * timezone's, except on a day the clocks go back, whose last hour takes the new offset early (see
 * localDays): a segment only has to put each of its moments on the right day.
 * Both forms below apply this one rule: in SQL (dayBuckets) and in JavaScript (dayIndexOf).
 */
export type LocalDays = {
  /** The days, `YYYY-MM-DD`. */
  days: string[];
  /** From each segment's start (epoch ms), the offset in force; the first starts at the range's start. */
  segments: { from: number; offset: number }[];
  /** The first day's number: ⌊(start + offset) / day⌋. */
  first: number;
};

export function localDays(filters: Filters): LocalDays {
  const { tz } = filters;
  const days: string[] = [];
  let offset = offsetMs(filters.startMs, tz);
  const segments = [{ from: filters.startMs, offset }];
  const first = Math.floor((filters.startMs + offset) / DAY);
  for (let day = first, start = filters.startMs; start < filters.endMs; day++) {
    days.push(new Date(day * DAY).toISOString().slice(0, 10));
    // Where the offset of this day counts the next one; the next day starts there unless the
    // clocks change before it.
    const next = (day + 1) * DAY - offset;
    const nextOffset = offsetMs(next, tz);
    start = next;
    if (nextOffset !== offset) {
      // The next midnight, by the offset after the change; if the clocks jumped over it (zones
      // that change at midnight), the day starts when they jumped.
      start = next - (nextOffset - offset);
      if (offsetMs(start, tz) !== nextOffset) start = whenOffsetBecomes(nextOffset, start, next, tz);
      // The new offset takes over at the next day's start, or where the old one would count the
      // next day if that is earlier: a day of 25 hours keeps its last hour.
      segments.push({ from: Math.min(next, start), offset: nextOffset });
    }
    offset = nextOffset;
  }
  return { days, segments, first };
}

/** The first moment in (after, until] at which the zone's offset is `offset` (it is at `until`, not at `after`). */
function whenOffsetBecomes(offset: number, after: number, until: number, tz: string): number {
  let lo = after;
  let hi = until;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMs(mid, tz) === offset) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The index into `days` of the day `ms` (inside the range) falls on. */
export function dayIndexOf({ segments, first }: LocalDays, ms: number): number {
  let s = segments.length - 1;
  while (s > 0 && ms < segments[s]!.from) s--;
  return Math.trunc((ms + segments[s]!.offset) / DAY) - first;
}

/** The offset in force over all of [fromMs, toMs), or null when a DST change falls inside: a scan's shortcut. */
export function constantOffset({ segments }: LocalDays, fromMs: number, toMs: number): number | null {
  let s = segments.length - 1;
  while (s > 0 && fromMs < segments[s]!.from) s--;
  const next = segments[s + 1];
  return next && next.from < toMs ? null : segments[s]!.offset;
}

/** The range's day index of each kept row (keep[i] = 1), into `out`: dayIndexOf's rule, without its search where no DST change is near. */
export function dayIndexes(at: Float64Array, keep: Uint8Array, local: LocalDays, out: Int32Array): Int32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < at.length; i++) {
    if (keep[i] === 0) continue;
    if (at[i]! < lo) lo = at[i]!;
    if (at[i]! > hi) hi = at[i]!;
  }
  if (lo > hi) return out;
  const offset = constantOffset(local, lo, hi + 1);
  const first = local.first;
  const day = 86_400_000;
  for (let i = 0; i < at.length; i++) {
    if (keep[i] === 0) continue;
    out[i] = offset === null ? dayIndexOf(local, at[i]!) : Math.floor((at[i]! + offset) / day) - first;
  }
  return out;
}

/**
 * The days of the range and a SQL expression giving the index of the day a timestamp column falls
 * on: integer arithmetic on the stored epoch milliseconds (portable SQL), a CASE over the range's
 * DST segments.
 */
export function dayBuckets(column: AnySQLiteColumn, filters: Filters): { days: string[]; index: SQL<number> } {
  const { days, segments, first } = localDays(filters);
  // Our own integers, inlined (not bound) so both SQLite and PostgreSQL do integer division.
  const int = (n: number) => sql.raw(String(Math.trunc(n)));
  const local =
    segments.length === 1
      ? sql`${column} + ${int(segments[0]!.offset)}`
      : sql`${column} + case ${sql.join(
          segments
            .slice(1)
            .reverse()
            .map((s) => sql`when ${column} >= ${int(s.from)} then ${int(s.offset)}`),
          sql` `,
        )} else ${int(segments[0]!.offset)} end`;
  return { days, index: sql<number>`(${local}) / ${int(DAY)} - ${int(first)}` };
}
