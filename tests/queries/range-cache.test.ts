import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { parseFilters, type Filters } from '@/lib/filters/parse-filters';
import { generateEvents } from '@/lib/demo/generator';
import { clearDemoData } from '@/lib/demo/demo-data';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { computeFigure, FIGURES, type FigureName } from '@/lib/queries/figures';
import { cacheLimits, cacheStats, readAhead } from '@/lib/queries/range-cache/day-partitions';
import { reprojectAll } from '@/lib/projection/reproject';
import { getLoadEdges } from '@/lib/queries/agent-load';
import type { AgentEdges } from '@/lib/queries/load-timeline';
import { edgesOfAgents } from '../helpers/load-reference';
import { updateEvent } from '../helpers/envelopes';
import { readFixture, FIXTURE_FILES } from '../helpers/fixtures';
import { tempDatabasePath } from '../helpers/server';

/*
 * The figure threads keep the rows of the days they have read (lib/queries/range-cache/). Whatever
 * arrives, in whatever order, through whichever connection, a figure read through that cache must
 * equal the same figure read from SQLite. Each check below computes every figure both ways, on a
 * connection whose cache has followed everything since the start.
 */
const NOW = Date.parse('2026-03-31T12:00:00Z');
const DEFAULT_BUDGET = 512 * 1024 * 1024;
const filters = (query: string): Filters => {
  const parsed = parseFilters(new URLSearchParams(query), NOW);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.filters;
};
// The default range, a few days in a half-hour timezone, the spring DST change in Berlin, filters
// on the rows (channel, source) and on the conversations' current state (agent, status).
const VIEWS = [
  '',
  'from=2026-03-20&to=2026-03-23&tz=Asia/Kolkata',
  'from=2026-03-27&to=2026-03-31&tz=Europe/Berlin',
  'from=2026-03-01&to=2026-03-31&source=WHATSAPP&source=WEBCHAT',
  'from=2026-03-01&to=2026-03-31&channel=__CHANNEL__',
  'from=2026-03-01&to=2026-03-31&agent=__AGENT__',
  'from=2026-03-10&to=2026-03-31&status=resolved',
];
// Every figure the threads compute, with its argument where it takes one.
const FIGURE_CALLS: [FigureName, unknown[]][] = (Object.keys(FIGURES) as FigureName[]).flatMap((name): [FigureName, unknown[]][] =>
  name === 'statisticDetails' ? [[name, ['first_response_time']], [name, ['resolution_time']]] : name === 'teamReport' ? [[name, ['agent']], [name, ['group']]] : [[name, []]],
);

let budget = DEFAULT_BUDGET;
function withCache<T>(enabled: boolean, work: () => T): T {
  cacheLimits.budgetBytes = enabled ? budget : 0;
  try {
    return work();
  } finally {
    cacheLimits.budgetBytes = budget;
  }
}

/** Every figure of every view, through the cache and straight from SQLite: they must be equal. */
function expectCacheAgrees(db: Db, label: string) {
  const some = (column: string, table: string) => (db.$client.prepare(`select ${column} from ${table} where ${column} is not null limit 1`).pluck().get() as string | undefined) ?? 'none';
  const channel = some('channel_id', 'conversations');
  const agent = some('assigned_agent_id', 'conversations');
  for (const view of VIEWS) {
    const f = filters(view.replace('__CHANNEL__', channel).replace('__AGENT__', agent));
    for (const [name, args] of FIGURE_CALLS) {
      const cached = withCache(true, () => computeFigure(db, name, f, args as never));
      const direct = withCache(false, () => computeFigure(db, name, f, args as never));
      expect(cached, `${label}: ${name} ${args.join()} of "${view}"`).toEqual(direct);
    }
    expectSameEdges(db, f, `${label}: load edges of "${view}"`);
  }
}

/**
 * The load chart's edges both ways: the cache puts each day's starts in order once and sorts only
 * those begun on an earlier day (agent-load.ts, edgesOf), SQLite's are sorted whole. Each agent's
 * starts and ends must be the same values, every edge in order. The figures alone would not show
 * it: a start out of order by less than an hour seldom changes a peak.
 */
function expectSameEdges(db: Db, f: Filters, label: string) {
  const [cached, direct] = [true, false].map((enabled) => withCache(enabled, () => getLoadEdges(db, f, NOW)));
  const byAgent = (edges: AgentEdges) =>
    Object.fromEntries(
      edges.agentIds.flatMap((id) => {
        const own = edgesOfAgents(edges, new Set([id]));
        return own.starts.length ? [[id, { starts: [...own.starts], ends: [...own.ends] }]] : [];
      }),
    );
  for (const edges of [cached!, direct!]) {
    expect(edges.starts.every((at, k) => k === 0 || edges.starts[k - 1]! <= at), `${label}: starts in order`).toBe(true);
    expect(edges.ends.every((at, k) => k === 0 || edges.ends[k - 1]! <= at), `${label}: ends in order`).toBe(true);
  }
  expect(byAgent(cached!), label).toEqual(byAgent(direct!));
}

const demo = (seed: number, accountId = 'acc-demo') => [...generateEvents({ seed, days: 45, conversationsPerDay: 30, end: NOW, accountId })];

// The load chart counts open conversations up to now: one now for both readings.
beforeAll(() => vi.useFakeTimers({ now: NOW, toFake: ['Date'] }));
afterAll(() => vi.useRealTimers());
afterEach(() => {
  budget = DEFAULT_BUDGET;
  cacheLimits.budgetBytes = null;
});

describe('figures read through the range cache', () => {
  it('equal SQLite’s after every delivery: in order, late, updates before creates, duplicates', () => {
    const db = openDatabase(tempDatabasePath('range-cache'));
    const envelopes = demo(7);
    // The first half as delivered, then the rest in six batches taken backwards (every update of a
    // conversation before its creation), then a tenth of everything again.
    const half = Math.floor(envelopes.length / 2);
    const rest = envelopes.slice(half).reverse();
    const batches = [envelopes.slice(0, half), ...Array.from({ length: 6 }, (_, i) => rest.filter((_, j) => j % 6 === i)), envelopes.filter((_, i) => i % 10 === 0)];
    expectCacheAgrees(db, 'empty');
    batches.forEach((batch, i) => {
      ingestEnvelopes(db, batch);
      expectCacheAgrees(db, `after batch ${i + 1} of ${batches.length}`);
    });
    expect(cacheStats(db).bytes).toBeGreaterThan(0);
  });

  it('follows writes made through another connection, and starts over when events are removed', () => {
    const path = tempDatabasePath('range-cache-two');
    const reader = openDatabase(path);
    const writer = openDatabase(path);
    ingestEnvelopes(writer, FIXTURE_FILES.filter((file) => file.endsWith('.json')).map(readFixture));
    expectCacheAgrees(reader, 'fixtures');
    ingestEnvelopes(writer, demo(11));
    expectCacheAgrees(reader, 'fixtures and demo data');
    // Clearing the demo data deletes events (and rebuilds every projection): nothing cached may survive it.
    clearDemoData(writer);
    expectCacheAgrees(reader, 'after clearing the demo data');
    ingestEnvelopes(writer, demo(12).slice(0, 500));
    expectCacheAgrees(reader, 'new events after the clearing');
  });

  it('moves a conversation whose creation time a later snapshot changes, and starts over after a reprojection', () => {
    const db = openDatabase(tempDatabasePath('range-cache-moved'));
    ingestEnvelopes(db, demo(3));
    // An update arrives first, claiming creation on 03-05; the next snapshot says 03-25.
    ingestEnvelopes(db, [updateEvent('moved', '2026-03-26T10:00:00Z', { createdAt: '2026-03-05T09:00:00Z', status: 'assigned', agent: 'a-x' }, { status: ['new', 'assigned'] })]);
    expectCacheAgrees(db, 'first snapshot');
    ingestEnvelopes(db, [updateEvent('moved', '2026-03-27T10:00:00Z', { createdAt: '2026-03-25T09:00:00Z', status: 'resolved', agent: 'a-x' }, { status: ['assigned', 'resolved'] })]);
    expectCacheAgrees(db, 'after the creation time moved');
    const march5 = filters('from=2026-03-05&to=2026-03-05');
    const created = () => (computeFigure(db, 'overview', march5, [] as never) as { tiles: { created: number } }).tiles.created;
    const onMarch5 = db.$client.prepare("select count(*) from conversations where created_at >= ? and created_at < ?").pluck().get(march5.startMs, march5.endMs);
    expect(created()).toBe(onMarch5);
    reprojectAll(db);
    expectCacheAgrees(db, 'after a reprojection');
  });

  it('serves load intervals that end in the future (a payload\'s time) without walking every day until then', () => {
    const db = openDatabase(tempDatabasePath('range-cache-future'));
    ingestEnvelopes(db, demo(9));
    const state = { createdAt: '2026-03-20T09:00:00Z', status: 'assigned' as const, agent: 'a-future' };
    ingestEnvelopes(db, [
      updateEvent('future', '2026-03-20T10:00:00Z', state, { status: ['new', 'assigned'], assigned_agent_id: [null, 'a-future'] }),
      updateEvent('future', '2100-01-01T00:00:00Z', { ...state, status: 'resolved' }, { status: ['assigned', 'resolved'] }),
    ]);
    expectCacheAgrees(db, 'an interval ending in 2100');
    const load = computeFigure(db, 'loadOverTime', filters('from=2026-03-01&to=2026-03-31'), [] as never) as { agents: { agentId: string }[] };
    expect(load.agents.map((a) => a.agentId)).toContain('a-future');
    expect(cacheStats(db).days.agent_load_intervals ?? 0).toBeLessThan(60);
  });

  it('reads ahead, while idle, the last 91 days of the tables it serves, a week a step, and stays exact', () => {
    const db = openDatabase(tempDatabasePath('range-cache-ahead'));
    ingestEnvelopes(db, demo(13));
    expect(readAhead(db)).toBe(false); // nothing served yet: no table to read ahead
    computeFigure(db, 'transitions', filters('from=2026-03-29&to=2026-03-31'), [] as never);
    expect(cacheStats(db).days).toEqual({ status_transitions: 3 });
    let steps = 0;
    while (readAhead(db)) steps++;
    // 91 days up to tomorrow, 3 of them read for the figure: 89 more, a week a step.
    expect(cacheStats(db).days).toEqual({ status_transitions: 92 });
    expect(steps).toBe(Math.ceil(89 / 7));
    // A change drops the days of its conversations; the next idle steps read them again.
    ingestEnvelopes(db, demo(14).slice(0, 300));
    expectCacheAgrees(db, 'after reading ahead, then new events');
    while (readAhead(db));
    expect(cacheStats(db).days.status_transitions).toBe(92);
    expectCacheAgrees(db, 'after reading the dropped days again');
    // Not beyond half the budget.
    budget = cacheStats(db).bytes;
    cacheLimits.budgetBytes = budget;
    expect(readAhead(db)).toBe(false);
  });

  it('gives the load chart the same edges, in order, for intervals across and near midnight', () => {
    const db = openDatabase(tempDatabasePath('range-cache-midnight'));
    // Each night from 03-10 to 03-14, three agents each: one conversation from 23:00 to 01:00 the
    // next day, one from 23:30 to 23:45, one from 00:10 to 00:20, and one from 22:00 for two days
    // (the last night's still open). Cached, the 23:00 starts are sorted among the next day's
    // starts begun on an earlier day, and merged in before the 23:30 ones of the day before.
    const agents = ['a-one', 'a-two', 'a-three'];
    const spans: [string, number, number | null][] = [];
    for (let night = 10; night <= 14; night++) {
      const at = (hours: number) => Date.parse(`2026-03-${night}T00:00:00Z`) + hours * 3_600_000;
      spans.push([`long-${night}`, at(22), night === 14 ? null : at(70)], [`cross-${night}`, at(23), at(25)], [`late-${night}`, at(23.5), at(23.75)], [`early-${night}`, at(24 + 1 / 6), at(24 + 1 / 3)]);
    }
    const envelopes = agents.flatMap((agent) =>
      spans.flatMap(([name, from, to]) => {
        const id = `${name}-${agent}`;
        const state = { createdAt: new Date(from - 60_000).toISOString(), status: 'assigned' as const, agent };
        const assigned = updateEvent(id, new Date(from).toISOString(), state, { status: ['new', 'assigned'], assigned_agent_id: [null, agent] });
        // Resolutions first: delivery order must not matter.
        return to === null ? [assigned] : [updateEvent(id, new Date(to).toISOString(), { ...state, status: 'resolved' }, { status: ['assigned', 'resolved'] }), assigned];
      }),
    );
    ingestEnvelopes(db, envelopes);
    for (const view of ['from=2026-03-09&to=2026-03-20', 'from=2026-03-11&to=2026-03-12', 'from=2026-03-12&to=2026-03-12&tz=Asia/Kolkata']) {
      expectSameEdges(db, filters(view), view);
      expect(withCache(true, () => computeFigure(db, 'loadOverTime', filters(view), [] as never)), view).toEqual(withCache(false, () => computeFigure(db, 'loadOverTime', filters(view), [] as never)));
    }
  });

  it('stays exact when its budget makes it drop days', () => {
    const db = openDatabase(tempDatabasePath('range-cache-budget'));
    ingestEnvelopes(db, demo(5));
    budget = 20_000;
    expectCacheAgrees(db, 'tiny budget');
    // What is kept is at most the budget plus the days of the request answered last.
    const afterLast = cacheStats(db).bytes;
    expect(afterLast).toBeLessThan(400_000);
  });
});
