import { sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Filters } from '../filters/parse-filters';
import { offsetMs } from '../time/zoned';

const DAY = 86_400_000;

/**
 * Calendar days of the range in the filters' timezone, and a SQL expression giving the index of
 * the day a timestamp column falls on. The expression is integer arithmetic on the stored epoch
 * milliseconds (portable SQL): the timezone's offset is constant between DST changes, so a CASE
 * over the few changes inside the range makes it exact.
 */
export function dayBuckets(column: AnySQLiteColumn, filters: Filters): { days: string[]; index: SQL<number> } {
  const days: string[] = [];
  const segments: { from: number; offset: number }[] = [];
  for (let cursor = filters.startMs; cursor < filters.endMs; ) {
    const offset = offsetMs(cursor, filters.tz);
    if (segments.length === 0 || segments[segments.length - 1]!.offset !== offset) segments.push({ from: cursor, offset });
    days.push(new Date(cursor + offset).toISOString().slice(0, 10));
    // The next local midnight: a day later, corrected if the offset changes in between.
    const next = cursor + DAY;
    cursor = next - (offsetMs(next, filters.tz) - offset);
  }
  const first = Math.floor((filters.startMs + segments[0]!.offset) / DAY);
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
