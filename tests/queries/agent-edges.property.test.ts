import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hourBuckets, peaksByAgent, peaksOfAgents, sortAgentEdges, type AgentEdges, type Bucket } from '@/lib/queries/load-timeline';
import { edgesOfAgents, peaksOf } from '../helpers/load-reference';
import { offsetMs, zonedParts } from '@/lib/time/zoned';

/*
 * The load chart sorts every agent's interval edges together, once, each edge tagged with its
 * agent, then takes every agent's peaks in one sweep and picks several agents' edges together
 * (agent-load.ts). Whatever the input's order (sorted, nearly sorted, random), size (insertion,
 * byte digits, 16-bit digits) or values (fractions: a comparison sort), each agent's edges must be
 * exactly its own, sorted, and its peaks those of its own edges alone.
 */
const AGENTS = ['a', 'b', 'c', 'd', 'e'];
const asc = (values: number[]) => [...Float64Array.from(values).sort()];

type Edge = { at: number; agent: number };

function tagged(starts: Edge[], ends: Edge[]): AgentEdges {
  return {
    agentIds: AGENTS,
    starts: Float64Array.from(starts, (e) => e.at),
    startAgents: Uint16Array.from(starts, (e) => e.agent),
    ends: Float64Array.from(ends, (e) => e.at),
    endAgents: Uint16Array.from(ends, (e) => e.agent),
  };
}

/** toEqual, reporting a difference in large arrays without listing 70,000 values. */
function same(actual: unknown, expected: unknown): void {
  const [a, b] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a.length > 20_000) expect(a === b, 'arrays differ').toBe(true);
  else expect(actual).toEqual(expected);
}

function check(starts: Edge[], ends: Edge[]): void {
  const edges = sortAgentEdges(tagged(starts, ends));
  AGENTS.forEach((id, agent) => {
    const mine = (list: Edge[]) => asc(list.filter((e) => e.agent === agent).map((e) => e.at));
    const own = edgesOfAgents(edges, new Set([id]));
    same({ starts: [...own.starts], ends: [...own.ends] }, { starts: mine(starts), ends: mine(ends) });
  });
  const chosen = new Set(['b', 'd']);
  const some = (list: Edge[]) => asc(list.filter((e) => chosen.has(AGENTS[e.agent]!)).map((e) => e.at));
  const combined = edgesOfAgents(edges, chosen);
  same({ starts: [...combined.starts], ends: [...combined.ends] }, { starts: some(starts), ends: some(ends) });
}

/** peaksByAgent against the rule over each agent's edges alone, and peaksOfAgents over several agents' together. */
function checkPeaks(intervals: { from: number; to: number; agent: number }[], buckets: Bucket[]): void {
  const edges = sortAgentEdges(
    tagged(
      intervals.map((i) => ({ at: i.from, agent: i.agent })),
      intervals.map((i) => ({ at: i.to, agent: i.agent })),
    ),
  );
  const all = peaksByAgent(edges, buckets);
  AGENTS.forEach((id, agent) => {
    const alone = peaksOf(edgesOfAgents(edges, new Set([id])), buckets);
    expect(buckets.map((_, b) => all[b * AGENTS.length + agent]), id).toEqual(alone);
    expect(peaksOfAgents(edges, new Set([id]), buckets), id).toEqual(alone);
  });
  for (const chosen of [new Set(['b', 'd']), new Set(['a', 'c', 'e']), new Set(AGENTS), new Set<string>()]) {
    expect(peaksOfAgents(edges, chosen, buckets), [...chosen].join()).toEqual(peaksOf(edgesOfAgents(edges, chosen), buckets));
  }
}

const BASE = 1_790_000_000_000;
const edge = (span: number) => fc.record({ at: fc.integer({ min: 0, max: span }).map((v) => BASE + v), agent: fc.integer({ min: 0, max: AGENTS.length - 1 }) });

describe('tagged load edges', () => {
  it('split by agent, and picked for several agents, are each agent’s own edges sorted', () => {
    const span = fc.constantFrom(10, 3_600_000, 31 * 86_400_000, 2 ** 33);
    const order = fc.constantFrom('random', 'sorted', 'nearly sorted');
    fc.assert(
      fc.property(span, order, fc.integer({ min: 0, max: 700 }), fc.integer(), (s, o, n, seed) => {
        const list = fc.sample(fc.array(edge(s), { minLength: n, maxLength: n }), { numRuns: 1, seed })[0]!;
        const arranged = o === 'random' ? list : [...list].sort((x, y) => x.at - y.at);
        // Nearly sorted: every tenth edge swapped with one a few places on.
        if (o === 'nearly sorted') for (let i = 0; i + 3 < arranged.length; i += 10) [arranged[i], arranged[i + 3]] = [arranged[i + 3]!, arranged[i]!];
        check(arranged, [...arranged].reverse());
      }),
      { numRuns: 200 },
    );
  });

  it('sorts large and fractional inputs (16-bit digits, comparison sort) keeping each edge’s agent', () => {
    const large = Array.from({ length: 70_000 }, (_, i) => ({ at: BASE + ((i * 2_654_435_761) % 2 ** 32), agent: i % AGENTS.length }));
    check(large, large.slice(1000).concat(large.slice(0, 1000)));
    const fractions = Array.from({ length: 300 }, (_, i) => ({ at: BASE + ((i * 7919) % 1000) + 0.5, agent: (i * 3) % AGENTS.length }));
    check(fractions, [...fractions].reverse());
  });
});

describe('peaksByAgent', () => {
  it('gives each agent the peaks of its own intervals, hand-overs at the same instant and bucket edges included', () => {
    const HOUR = 3_600_000;
    // Times on a coarse grid (quarter hours, and bucket starts), so that edges often coincide.
    const time = fc.integer({ min: 0, max: 4 * 30 }).map((q) => BASE + q * (HOUR / 4));
    const interval = fc.tuple(time, time, fc.integer({ min: 0, max: AGENTS.length - 1 })).map(([a, b, agent]) => ({ from: Math.min(a, b), to: Math.max(a, b), agent }));
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 300 }), fc.integer({ min: 1, max: 30 }), (intervals, hours) => {
        const buckets = Array.from({ length: hours }, (_, h) => ({ start: BASE + h * HOUR, end: BASE + (h + 1) * HOUR, label: String(h) }));
        checkPeaks(intervals, buckets);
      }),
      { numRuns: 200 },
    );
  });
});

describe('hourBuckets', () => {
  const QUARTER = 15 * 60_000;
  const label = (at: number, tz: string) => {
    const p = zonedParts(at, tz);
    return `${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  };
  /**
   * The clock read every quarter of an hour (every zone's whole hours and changes fall on one): a
   * bucket begins at the start, wherever the clock shows a whole hour, and wherever its offset changed.
   */
  const reference = (start: number, end: number, tz: string) => {
    const starts = [start];
    for (let at = Math.ceil(start / QUARTER) * QUARTER; at < end; at += QUARTER) {
      if (at === start) continue;
      const p = zonedParts(at, tz);
      if (p.minute === 0 || offsetMs(at, tz) !== offsetMs(at - QUARTER, tz)) starts.push(at);
    }
    const labels = starts.map((at) => label(at, tz));
    // An hour shown twice in a row (a clock going back) is named with its offset, both times.
    const offsetOf = (at: number) => {
      const minutes = offsetMs(at, tz) / 60_000;
      const size = Math.abs(minutes);
      return `UTC${minutes < 0 ? '−' : '+'}${Math.floor(size / 60)}${size % 60 ? `:${String(size % 60).padStart(2, '0')}` : ''}`;
    };
    const named = labels.map((l, i) => (l === labels[i - 1] || l === labels[i + 1] ? `${l} ${offsetOf(starts[i]!)}` : l));
    return starts.map((at, i) => ({ start: at, end: starts[i + 1] ?? end, label: named[i]! }));
  };

  it('gives every hour of the zone’s clock, labelled as the clock shows it, across DST changes and odd offsets', () => {
    const zones = fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham');
    // Starts around the 2026 DST changes (March, October/November) and elsewhere, not always on the hour.
    const start = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) });
    fc.assert(
      fc.property(zones, start, fc.integer({ min: 1, max: 24 * 30 }), (tz, s, hours) => {
        const end = s + hours * 3_600_000 - 1_000;
        expect(hourBuckets(s, end, tz)).toEqual(reference(s, end, tz));
      }),
      { numRuns: 100 },
    );
    for (const [tz, day] of [['Europe/Berlin', Date.UTC(2026, 2, 28, 23)], ['Europe/Berlin', Date.UTC(2026, 9, 24, 22)], ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 13)]] as const) {
      expect(hourBuckets(day, day + 72 * 3_600_000, tz)).toEqual(reference(day, day + 72 * 3_600_000, tz));
    }
  });

  it('keeps Lord Howe’s hours on the hour after its half-hour changes, the hour of the change half as long', () => {
    // 2026-10-04 local midnight (+10:30): at 02:00 the clock jumps to 02:30 (+11).
    const spring = Date.UTC(2026, 9, 3, 13, 30);
    const days = hourBuckets(spring, spring + 47.5 * 3_600_000, 'Australia/Lord_Howe');
    expect(days.slice(1, 4).map((b) => [b.label, (b.end - b.start) / 60_000])).toEqual([
      ['10-04 01:00', 60],
      ['10-04 02:30', 30],
      ['10-04 03:00', 60],
    ]);
    expect(days.map((b) => b.label)).toContain('10-05 00:00');
    expect(days.every((b) => b.label.endsWith(':00') || b.label === '10-04 02:30')).toBe(true);
    // 2026-04-05 (+11): at 02:00 the clock goes back to 01:30 (+10:30).
    const autumn = Date.UTC(2026, 3, 4, 13);
    const back = hourBuckets(autumn, autumn + 48.5 * 3_600_000, 'Australia/Lord_Howe');
    expect(back.slice(1, 4).map((b) => [b.label, (b.end - b.start) / 60_000])).toEqual([
      ['04-05 01:00', 60],
      ['04-05 01:30', 30],
      ['04-05 02:00', 60],
    ]);
    expect(back.map((b) => b.label)).toContain('04-06 00:00');
    // New York going back: 01:00 twice, each named with its offset.
    const newYork = Date.UTC(2026, 10, 1, 4);
    expect(hourBuckets(newYork, newYork + 25 * 3_600_000, 'America/New_York').slice(0, 4).map((b) => b.label)).toEqual(['11-01 00:00', '11-01 01:00 UTC−4', '11-01 01:00 UTC−5', '11-01 02:00']);
  });
});
