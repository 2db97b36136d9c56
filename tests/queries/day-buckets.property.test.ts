import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { sql } from 'drizzle-orm';
import { integer, sqliteTable } from 'drizzle-orm/sqlite-core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFilters } from '@/lib/filters/parse-filters';
import { dayBuckets, dayIndexOf, dayIndexes, localDays } from '@/lib/queries/day-buckets';
import { dayBucketsOf } from '@/lib/queries/load-timeline';

/*
 * Every per-day figure (Overview's volume, Transitions by day, the Statistics trend) puts a moment
 * on a day of the range by one rule, in SQL and in JavaScript (day-buckets.ts). Checked here
 * against the clock of the zone as Intl shows it, minute by quarter hour, across DST changes: a
 * day of 25 hours keeps its last hour (until 2026-11-27 it went to the next day), a day of 23
 * hours ends at its midnight, and zones that change at midnight, by half an hour, or not at all.
 * The Agent load chart's day buckets (load-timeline.ts) are spans from one day's start to the next
 * rather than an index, so they are checked to be the same days.
 */
const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'America/Santiago',
  'America/Havana',
  'Asia/Beirut',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'America/St_Johns',
];

const formats = new Map<string, Intl.DateTimeFormat>();
const localDate = (ms: number, tz: string) => {
  let format = formats.get(tz);
  if (!format) formats.set(tz, (format = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return format.format(ms);
};

const moments = sqliteTable('moments', { at: integer('at').notNull() });
const sqlite = new Database(':memory:');
const db = drizzle(sqlite);
sqlite.exec('create table moments (at integer not null)');
afterAll(() => sqlite.close());

function check(from: string, days: number, tz: string): void {
  const to = new Date(Date.parse(`${from}T00:00:00Z`) + (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const parsed = parseFilters(new URLSearchParams({ from, to, tz }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const filters = parsed.filters;
  const local = localDays(filters);
  expect(local.days.length, `${from}..${to} ${tz}`).toBe(days);
  // Every quarter hour of the range, and a millisecond either side of each local midnight.
  const at: number[] = [];
  for (let ms = filters.startMs; ms < filters.endMs; ms += 15 * 60_000) at.push(ms);
  const quarters = at.length;
  for (let i = 1; i < quarters; i++) {
    if (localDate(at[i]!, tz) !== localDate(at[i - 1]!, tz)) {
      let lo = at[i - 1]!;
      let hi = at[i]!;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (localDate(mid, tz) === localDate(lo, tz)) lo = mid;
        else hi = mid;
      }
      at.push(lo, hi);
    }
  }
  at.push(filters.endMs - 1);
  const expected = at.map((ms) => local.days.indexOf(localDate(ms, tz)));
  expect(expected.includes(-1), `a moment outside the range's days, ${tz}`).toBe(false);
  expect(at.map((ms) => dayIndexOf(local, ms)), `dayIndexOf, ${from}..${to} ${tz}`).toEqual(expected);
  const out = dayIndexes(Float64Array.from(at), new Uint8Array(at.length).fill(1), local, new Int32Array(at.length));
  expect([...out], `dayIndexes, ${from}..${to} ${tz}`).toEqual(expected);
  const spans = dayBucketsOf(filters.startMs, filters.endMs, tz);
  expect(spans.map((span) => span.label)).toEqual(local.days);
  let span = 0;
  const inSpans = [...at].sort((a, b) => a - b).map((ms) => {
    while (ms >= spans[span]!.end) span++;
    return ms >= spans[span]!.start ? span : -1;
  });
  expect(inSpans, `dayBucketsOf, ${from}..${to} ${tz}`).toEqual([...at].sort((a, b) => a - b).map((ms) => local.days.indexOf(localDate(ms, tz))));
  sqlite.exec('delete from moments');
  const insert = sqlite.prepare('insert into moments (at) values (?)');
  for (const ms of at) insert.run(ms);
  const { index, days: sqlDays } = dayBuckets(moments.at, filters);
  expect(sqlDays).toEqual(local.days);
  const rows = db.all<{ at: number; day: number }>(sql`select ${moments.at} as at, ${index} as day from ${moments}`);
  expect(
    rows.map((r) => r.day),
    `SQL, ${from}..${to} ${tz}`,
  ).toEqual(expected);
}

describe('the day of a moment, in any timezone', () => {
  it('New York: the day the clocks go back keeps its 25th hour; the day they go forward has 23', () => {
    check('2026-11-01', 1, 'America/New_York');
    check('2026-10-30', 5, 'America/New_York');
    check('2026-03-08', 1, 'America/New_York');
    check('2026-03-06', 5, 'America/New_York');
  });

  it('starts a range on a day whose midnight the clocks skip', () => {
    check('2026-09-06', 2, 'America/Santiago');
    check('2026-03-08', 2, 'America/Havana');
    check('2026-03-29', 2, 'Asia/Beirut');
    check('2026-04-05', 1, 'America/Santiago');
  });

  it('holds for any range of a few days in zones with odd or midnight DST changes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        // Around the 2026 DST changes of both hemispheres (March–April, September–November), and elsewhere.
        fc.integer({ min: 0, max: 364 }),
        fc.integer({ min: 1, max: 9 }),
        (tz, dayOfYear, days) => {
          const from = new Date(Date.UTC(2026, 0, 1) + dayOfYear * 86_400_000).toISOString().slice(0, 10);
          check(from, days, tz);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('holds over every day of 2026 in each zone', () => {
    for (const tz of ZONES) check('2026-01-01', 365, tz);
  });
});
