import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { parseFilters, type Filters } from '@/lib/filters/parse-filters';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { getTimeInStatus, getTransitionMatrix, getTransitionsByDay, summarizeTransitions } from '@/lib/queries/transitions';
import { generateEvents } from '@/lib/demo/generator';
import { percentileOfSorted } from '@/lib/queries/median';
import { marchStories } from '../helpers/conversation-story';
import { tempDatabasePath } from '../helpers/server';

// The four conversations of marchStories() (tests/helpers/conversation-story.ts). Their transitions:
//   C1  null→new 03-02 09:00 · new→assigned 09:10 · assigned→resolved 12:00 · resolved→assigned 03-03 08:00 · assigned→resolved 03-03 10:00
//   C2  null→new 03-02 11:00 · new→assigned 11:30 · assigned→new 03-04 09:00
//   C3  null→new 03-03 15:00 · new→assigned 15:20 · assigned→new 17:20
//   C4  null→new 03-01 23:00 · new→assigned 03-02 08:00
// (C1 10:00 and C2 13:30, C3 16:20 change only the assignment: no transition.)
// "Range A" is 2026-03-02 … 2026-03-03 in UTC: [03-02 00:00, 03-04 00:00).
const filters = (query: string): Filters => {
  const parsed = parseFilters(new URLSearchParams(query), Date.parse('2026-03-20T12:00:00Z'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.filters;
};
const RANGE_A = 'from=2026-03-02&to=2026-03-03';
const key = (cell: { from: string | null; to: string; transitions: number }) => `${cell.from ?? '∅'}→${cell.to}:${cell.transitions}`;

function load(order: 'as written' | 'shuffled, with a duplicate'): Db {
  const db = openDatabase(tempDatabasePath('transitions'));
  const envelopes = marchStories();
  if (order === 'as written') ingestEnvelopes(db, envelopes);
  else {
    // A fixed interleaving: odd positions first, then even ones backwards (updates before their creates), and one repeat.
    const odd = envelopes.filter((_, i) => i % 2 === 1);
    const even = envelopes.filter((_, i) => i % 2 === 0).reverse();
    ingestEnvelopes(db, [...odd, ...even, envelopes[5]!]);
  }
  return db;
}

describe.each(['as written', 'shuffled, with a duplicate'] as const)('status transitions, events delivered %s', (order) => {
  const db = load(order);

  it('counts each from → to in the range, with resolutions, reopens and the reopen rate', () => {
    // Range A: C1 all 5; C2 its first 2 (03-04 is after); C3 all 3; C4 only new→assigned (created 03-01).
    // null→new 3 (C1, C2, C3), new→assigned 4 (C1, C2, C3, C4), assigned→resolved 2 (C1 twice),
    // resolved→assigned 1 (C1), assigned→new 1 (C3): 11 in all; reopen rate 1 / 2.
    const cells = getTransitionMatrix(db, filters(RANGE_A));
    expect(cells.map(key).sort()).toEqual(['assigned→new:1', 'assigned→resolved:2', 'new→assigned:4', 'resolved→assigned:1', '∅→new:3']);
    expect(summarizeTransitions(cells)).toEqual({ transitions: 11, resolutions: 2, reopens: 1, reopenRate: 0.5 });
  });

  it('obeys a channel filter: transitions of conversations whose current channel matches', () => {
    // WhatsApp line: C3 (null→new, new→assigned, assigned→new) and C4 (new→assigned). No resolution: no rate.
    const cells = getTransitionMatrix(db, filters(`${RANGE_A}&channel=c-wa`));
    expect(cells.map(key).sort()).toEqual(['assigned→new:1', 'new→assigned:2', '∅→new:1']);
    expect(summarizeTransitions(cells)).toEqual({ transitions: 4, resolutions: 0, reopens: 0, reopenRate: null });
  });

  it('puts transitions on days of the filter timezone, by the status entered', () => {
    // UTC, range A. 03-02: new (C1 09:00, C2 11:00), assigned (C4 08:00, C1 09:10, C2 11:30), resolved (C1 12:00).
    // 03-03: new (C3 15:00, C3 17:20), assigned (C1 08:00, C3 15:20), resolved (C1 10:00).
    expect(getTransitionsByDay(db, filters(RANGE_A))).toEqual({
      statuses: ['new', 'assigned', 'resolved'],
      days: [
        { day: '2026-03-02', counts: [2, 3, 1] },
        { day: '2026-03-03', counts: [2, 2, 1] },
      ],
    });
    // Asia/Tokyo (UTC+9): the range is [03-01 15:00Z, 03-03 15:00Z). C4's creation (03-01 23:00Z) enters;
    // C3's creation at exactly 03-03 15:00Z is the range's end and stays out, with everything of C3 after it.
    // 03-02 JST: new (C4 08:00, C1 18:00, C2 20:00), assigned (C4 17:00, C1 18:10, C2 20:30), resolved (C1 21:00).
    // 03-03 JST: assigned (C1 17:00), resolved (C1 19:00).
    expect(getTransitionsByDay(db, filters(`${RANGE_A}&tz=Asia/Tokyo`)).days).toEqual([
      { day: '2026-03-02', counts: [3, 3, 1] },
      { day: '2026-03-03', counts: [0, 1, 1] },
    ]);
  });

  it('gives the median calendar hours of completed stays in each status entered in the range', () => {
    // Stays entered in range A and the time to the conversation's next transition:
    //   new:      C1 09:00→09:10 = 1/6 h, C2 11:00→11:30 = 0.5 h, C3 15:00→15:20 = 1/3 h; C3 17:20 → still new.
    //             median of (1/6, 1/3, 0.5) = 1/3 h.
    //   assigned: C1 09:10→12:00 = 17/6 h, C1 03-03 08:00→10:00 = 2 h, C2 11:30→03-04 09:00 = 21.5 h (ends
    //             after the range: still counts), C3 15:20→17:20 = 2 h; C4 → still assigned.
    //             median of (2, 2, 17/6, 21.5) = (2 + 17/6) / 2 = 29/12 h.
    //   resolved: C1 12:00→03-03 08:00 = 20 h; C1 03-03 10:00 → still resolved. median 20 h.
    // C4's stay in new began 03-01, before the range: not counted.
    const stays = getTimeInStatus(db, filters(RANGE_A));
    expect(stays.map(({ medianHours, ...rest }) => rest)).toEqual([
      { status: 'new', completedStays: 3, openStays: 1 },
      { status: 'assigned', completedStays: 4, openStays: 1 },
      { status: 'resolved', completedStays: 1, openStays: 1 },
    ]);
    expect(stays[0]!.medianHours).toBeCloseTo(1 / 3, 10);
    expect(stays[1]!.medianHours).toBeCloseTo(29 / 12, 10);
    expect(stays[2]!.medianHours).toBe(20);

    // WhatsApp line: new C3 15:00→15:20 = 1/3 h (and 17:20 open); assigned C3 15:20→17:20 = 2 h (C4 open).
    const wa = getTimeInStatus(db, filters(`${RANGE_A}&channel=c-wa`));
    expect(wa.map((s) => [s.status, s.completedStays, s.openStays])).toEqual([
      ['new', 1, 1],
      ['assigned', 1, 1],
    ]);
    expect(wa[0]!.medianHours).toBeCloseTo(1 / 3, 10);
    expect(wa[1]!.medianHours).toBe(2);
  });

  it('gives empty figures for a range without transitions', () => {
    const empty = filters('from=2025-01-01&to=2025-01-02');
    expect(getTransitionMatrix(db, empty)).toEqual([]);
    expect(summarizeTransitions([])).toEqual({ transitions: 0, resolutions: 0, reopens: 0, reopenRate: null });
    expect(getTransitionsByDay(db, empty)).toEqual({ statuses: [], days: [{ day: '2025-01-01', counts: [] }, { day: '2025-01-02', counts: [] }] });
    expect(getTimeInStatus(db, empty)).toEqual([]);
  });
});

describe('time in status on a month of generated conversations', () => {
  // The medians come from each day's stays kept in order by status (transitions.ts, stayRunsOf):
  // whole days as they are, days a filter thins walked. Against the definition applied plainly:
  // the stays read with SQL, sorted, the middle taken (median.ts).
  const now = Date.parse('2026-03-31T12:00:00Z');
  const db = openDatabase(tempDatabasePath('transitions-generated'));
  ingestEnvelopes(db, [...generateEvents({ seed: 21, days: 40, conversationsPerDay: 40, end: now })]);
  const some = (column: string) => db.$client.prepare(`select ${column} from status_transitions where ${column} is not null group by 1 order by count(*) desc limit 1`).pluck().get() as string;
  const views = ['from=2026-03-01&to=2026-03-31', `from=2026-03-01&to=2026-03-31&channel=${some('channel_id')}`, `from=2026-03-05&to=2026-03-20&source=${some('source')}&tz=Asia/Kolkata`];

  it.each(views)('equal the median of the stays sorted, for %s', (view) => {
    const f = parseFilters(new URLSearchParams(view), now);
    if (!f.ok) throw new Error('filters');
    const { startMs, endMs, channels, sources } = f.filters;
    const rows = db.$client
      .prepare(
        `select to_status as status, next_at - at as stay from status_transitions where at >= ? and at < ?
         and (? = '[]' or channel_id in (select value from json_each(?))) and (? = '[]' or source in (select value from json_each(?)))`,
      )
      .all(startMs, endMs, JSON.stringify(channels), JSON.stringify(channels), JSON.stringify(sources), JSON.stringify(sources)) as { status: string; stay: number | null }[];
    const expected = new Map<string, { completed: number[]; open: number }>();
    for (const { status, stay } of rows) {
      const entry = expected.get(status) ?? { completed: [], open: 0 };
      if (stay === null) entry.open += 1;
      else entry.completed.push(stay);
      expected.set(status, entry);
    }
    const got = getTimeInStatus(db, f.filters);
    expect(got.map((s) => s.status).sort()).toEqual([...expected.keys()].sort());
    expect(got.some((s) => s.completedStays > 100)).toBe(true);
    for (const s of got) {
      const { completed, open } = expected.get(s.status)!;
      const median = percentileOfSorted(Float64Array.from(completed).sort(), 0.5);
      expect({ status: s.status, completed: s.completedStays, open: s.openStays, median: s.medianHours }).toEqual({
        status: s.status,
        completed: completed.length,
        open,
        median: median === null ? null : median / 3_600_000,
      });
    }
  });
});
