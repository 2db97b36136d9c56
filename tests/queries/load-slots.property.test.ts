import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { parseFilters, type Filters } from '@/lib/filters/parse-filters';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { getLoadOverTime } from '@/lib/queries/agent-load';
import { cacheLimits } from '@/lib/queries/range-cache/day-partitions';
import { intervalsEndingAfter } from '@/lib/queries/load-interval-columns';
import { FILTERS_KEPT, slotStats } from '@/lib/queries/load-slots';
import { updateEvent } from '../helpers/envelopes';
import { tempDatabasePath } from '../helpers/server';

/*
 * The load chart through the figure thread's cache is taken from per-day quarter-hour slots plus
 * the intervals still counting (lib/queries/load-slots.ts); without the cache, from one sweep
 * over every interval SQLite gives. For any conversations, delivered in any batches, in any
 * order, every view (zones a quarter or half hour off UTC, Lord Howe's half-hour DST change, a
 * channel, a source, an agent, a `now` inside the range or after it) must be the same both ways,
 * after every batch, on a connection that keeps its slots from one batch to the next.
 */

// More than the chart's six lines, so that the others' joint line is drawn too.
const AGENTS = ['a-one', 'a-two', 'a-three', 'a-four', 'a-five', 'a-six', 'a-seven', 'a-eight', 'a-nine'];
const CHANNELS = ['ch-1', 'ch-2'];
const SOURCES = ['WEB', 'WHATSAPP'];
const BASE = Date.parse('2026-03-28T00:00:00Z');
const QUARTER = 15 * 60_000;
// Lord Howe's clock goes back half an hour at 02:00 local on 2026-04-05 (15:00 UTC the day before).
const VIEWS = [
  'from=2026-03-28&to=2026-04-08',
  'from=2026-03-30&to=2026-04-01&tz=Asia/Kolkata',
  'from=2026-03-31&to=2026-04-02&tz=Asia/Kathmandu',
  'from=2026-04-03&to=2026-04-06&tz=Australia/Lord_Howe',
  'from=2026-03-29&to=2026-04-04&channel=ch-1',
  'from=2026-03-28&to=2026-04-08&source=WHATSAPP&agent=a-two&agent=a-three&agent=a-four&agent=a-five&agent=a-six&agent=a-seven&agent=a-eight',
];

const filters = (query: string, now: number): Filters => {
  const parsed = parseFilters(new URLSearchParams(query), now);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.filters;
};

function both(db: Db, f: Filters, now: number) {
  try {
    cacheLimits.budgetBytes = 512 * 1024 * 1024;
    const cached = getLoadOverTime(db, f, now);
    cacheLimits.budgetBytes = 0;
    const direct = getLoadOverTime(db, f, now);
    return { cached, direct };
  } finally {
    cacheLimits.budgetBytes = null;
  }
}

beforeAll(() => vi.useFakeTimers({ toFake: ['Date'] }));
afterAll(() => vi.useRealTimers());
afterEach(() => {
  cacheLimits.budgetBytes = null;
});

// Times on quarter hours, on the minute, and anywhere: edges on slot boundaries and inside slots;
// and a few moments inside slots that many conversations share (a hand-over: one ends as another
// begins), two in each of those slots (one conversation ends within it before another begins).
// Also moments in the quarter hour of each `now` below, before and after it.
const NOWS = ['2026-04-09T00:00:00Z', '2026-04-03T10:07:00Z', '2026-03-31T18:45:30Z', '2026-04-02T07:31:00Z'].map(Date.parse);
const SHARED = [
  ...Array.from({ length: 24 }, (_, k) => BASE + (k * 37 + 5) * QUARTER + 7 * 60_000),
  ...Array.from({ length: 24 }, (_, k) => BASE + (k * 37 + 5) * QUARTER + 11 * 60_000),
  ...['2026-04-03T10:03:00Z', '2026-04-03T10:11:00Z', '2026-03-31T18:46:00Z', '2026-03-31T18:52:00Z'].map(Date.parse),
  ...['2026-04-02T07:20:00Z', '2026-04-02T07:34:00Z', '2026-04-02T07:40:00Z', '2026-04-02T07:50:00Z', '2026-04-02T07:55:00Z'].map(Date.parse),
];
const time = fc.oneof(
  fc.constantFrom(...SHARED),
  fc.integer({ min: 0, max: 11 * 96 }).map((q) => BASE + q * QUARTER),
  fc.integer({ min: 0, max: 11 * 1440 }).map((m) => BASE + m * 60_000),
  fc.integer({ min: 0, max: 11 * 86_400_000 }).map((ms) => BASE + ms),
);

const conversation = fc.record({
  agent: fc.constantFrom(...AGENTS),
  second: fc.option(fc.constantFrom(...AGENTS), { nil: null }),
  channel: fc.constantFrom(...CHANNELS),
  source: fc.constantFrom(...SOURCES),
  times: fc.uniqueArray(time, { minLength: 3, maxLength: 3 }).map((t) => t.sort((a, b) => a - b)),
  // 0: still open; 1: resolved; 2: resolved, then reopened and still open.
  ending: fc.constantFrom(0, 1, 1, 2),
});

type Conversation = typeof conversation extends fc.Arbitrary<infer T> ? T : never;

function envelopesOf(index: number, c: Conversation) {
  const id = `conv-${index}`;
  const iso = (ms: number) => new Date(ms).toISOString();
  const [assignedAt, handedAt, resolvedAt] = c.times as [number, number, number];
  const base = { createdAt: iso(assignedAt - 60_000), channel: c.channel, source: c.source };
  const out = [updateEvent(id, iso(assignedAt), { ...base, status: 'assigned', agent: c.agent }, { status: ['new', 'assigned'], assigned_agent_id: [null, c.agent] })];
  const last = c.second ?? c.agent;
  if (c.second) out.push(updateEvent(id, iso(handedAt), { ...base, status: 'assigned', agent: c.second }, { assigned_agent_id: [c.agent, c.second] }));
  if (c.ending >= 1) out.push(updateEvent(id, iso(resolvedAt), { ...base, status: 'resolved', agent: last }, { status: ['assigned', 'resolved'] }));
  if (c.ending === 2) out.push(updateEvent(id, iso(resolvedAt + 7 * QUARTER + 1), { ...base, status: 'assigned', agent: last }, { status: ['resolved', 'assigned'] }));
  return out;
}

describe('the load chart from per-day slots', () => {
  it('keeps the quarter hours of at most four channel and source filters a day, the figures the same', () => {
    vi.setSystemTime(new Date('2026-11-27T12:00:00Z'));
    const db = openDatabase(tempDatabasePath('load-slots-filters'));
    const now = Date.parse('2026-04-09T00:00:00Z');
    const conversations = Array.from({ length: 60 }, (_, i) => ({
      agent: AGENTS[i % AGENTS.length]!,
      second: i % 3 === 0 ? AGENTS[(i + 4) % AGENTS.length]! : null,
      channel: CHANNELS[i % 2]!,
      source: SOURCES[(i >> 1) % 2]!,
      times: [BASE + i * 4 * QUARTER + 60_000, BASE + i * 4 * QUARTER + 7 * 60_000, BASE + i * 4 * QUARTER + 30 * QUARTER],
      ending: (i % 4 === 0 ? 0 : 1) as 0 | 1,
    }));
    ingestEnvelopes(db, conversations.flatMap((c, i) => envelopesOf(i, c)));
    const views = ['', 'channel=ch-1', 'channel=ch-2', 'source=WEB', 'source=WHATSAPP', 'channel=ch-1&source=WEB', ''];
    for (const view of views) {
      const { cached, direct } = both(db, filters(`from=2026-03-28&to=2026-04-08&${view}`, now), now);
      expect(cached, view).toEqual(direct);
      expect(cached.agents.length, view).toBeGreaterThan(0);
    }
    cacheLimits.budgetBytes = 512 * 1024 * 1024;
    const stats = slotStats(intervalsEndingAfter(db, Date.parse('2026-03-28T00:00:00Z'))!.codes);
    cacheLimits.budgetBytes = null;
    expect(stats.days).toBe(12);
    expect(stats.mostFilters).toBe(FILTERS_KEPT);
    db.$client.close();
  });


  it('counts nothing after now in the hour of now, nor before a range that starts at a quarter past', () => {
    vi.setSystemTime(new Date('2026-11-27T12:00:00Z'));
    const db = openDatabase(tempDatabasePath('load-slots-now'));
    const handled = (id: string, from: string, to: string) => {
      const base = { createdAt: new Date(Date.parse(from) - 60_000).toISOString(), channel: 'ch-1' };
      return [
        updateEvent(id, from, { ...base, status: 'assigned', agent: 'a-one' }, { status: ['new', 'assigned'], assigned_agent_id: [null, 'a-one'] }),
        updateEvent(id, to, { ...base, status: 'resolved', agent: 'a-one' }, { status: ['assigned', 'resolved'] }),
      ];
    };
    // One conversation before now (07:31), two at once after it, all in the hour from 07:00 UTC;
    // and two at once from 18:05 to 18:10 the day before, in Kathmandu's (UTC+5:45) 23:00 hour of
    // 04-01, the hour before its 04-02 begins.
    ingestEnvelopes(db, [
      ...handled('before-now', '2026-04-02T07:00:00Z', '2026-04-02T07:20:00Z'),
      ...handled('after-now-1', '2026-04-02T07:40:00Z', '2026-04-02T07:55:00Z'),
      ...handled('after-now-2', '2026-04-02T07:45:00Z', '2026-04-02T07:50:00Z'),
      ...handled('evening-1', '2026-04-01T18:05:00Z', '2026-04-01T18:10:00Z'),
      ...handled('evening-2', '2026-04-01T18:06:00Z', '2026-04-01T18:09:00Z'),
    ]);
    const now = Date.parse('2026-04-02T07:31:00Z');
    const peakOf = (view: string, label: string) => {
      const { cached, direct } = both(db, filters(view, now), now);
      expect(cached).toEqual(direct);
      const line = cached.series.find((series) => series.agentId === 'a-one')!;
      return line.values[cached.buckets.findIndex((bucket) => bucket.label === label)];
    };
    expect(peakOf('from=2026-04-02&to=2026-04-02', '04-02 07:00')).toBe(1);
    expect(peakOf('from=2026-04-02&to=2026-04-02&tz=Asia/Kathmandu', '04-02 00:00')).toBe(0);
    expect(peakOf('from=2026-04-01&to=2026-04-02&tz=Asia/Kathmandu', '04-01 23:00')).toBe(2);
    db.$client.close();
  });


  it('equals the sweep over every interval, for any deliveries, views and now', () => {
    let run = 0;
    fc.assert(
      fc.property(
        fc.array(conversation, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.constantFrom(...NOWS),
        // The clock the cache reads (intervals ending more than a day after it are read each time, not
        // cached): the real one, or one inside the data, so that some of those end within the range.
        fc.constantFrom(null, Date.parse('2026-03-30T06:00:00Z')),
        (conversations, batches, reversed, now, clock) => {
          vi.setSystemTime(clock ?? new Date('2026-11-27T12:00:00Z'));
          const db = openDatabase(tempDatabasePath(`load-slots-${run++}`));
          const envelopes = conversations.flatMap((c, i) => envelopesOf(i, c));
          if (reversed) envelopes.reverse();
          for (let b = 0; b < batches; b++) {
            ingestEnvelopes(
              db,
              envelopes.filter((_, i) => i % batches === b),
            );
            for (const view of VIEWS) {
              const { cached, direct } = both(db, filters(view, now), now);
              expect(cached, `${view}, batch ${b + 1} of ${batches}`).toEqual(direct);
            }
          }
          db.$client.close();
        },
      ),
      { numRuns: 80 },
    );
  });
});
