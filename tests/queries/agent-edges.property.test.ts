import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hourBuckets, peaksByAgent, peaksOfAgents, sortAgentEdges, type AgentEdges, type Bucket } from '@/lib/queries/load-timeline';
import { edgesOfAgents, peaksOf } from '../helpers/load-reference';
import { zonedParts } from '@/lib/time/zoned';

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
  /** One clock reading an hour: what hourBuckets does in fewer readings. */
  const reference = (start: number, end: number, tz: string) => {
    const labels: string[] = [];
    for (let at = start; at < end; at += 3_600_000) {
      const p = zonedParts(at, tz);
      labels.push(`${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`);
    }
    return labels;
  };

  it('labels every hour as the clock of the zone shows it, across DST changes and odd offsets', () => {
    const zones = fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham');
    // Starts around the 2026 DST changes (March, October/November) and elsewhere, not always on the hour.
    const start = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) });
    fc.assert(
      fc.property(zones, start, fc.integer({ min: 1, max: 24 * 70 }), (tz, s, hours) => {
        const end = s + hours * 3_600_000 - 1_000;
        const buckets = hourBuckets(s, end, tz);
        expect(buckets.map((b) => b.label)).toEqual(reference(s, end, tz));
        expect(buckets.at(-1)!.end).toBe(end);
      }),
      { numRuns: 150 },
    );
    for (const [tz, day] of [['Europe/Berlin', Date.UTC(2026, 2, 28, 23)], ['Europe/Berlin', Date.UTC(2026, 9, 24, 22)], ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 13)]] as const) {
      expect(hourBuckets(day, day + 72 * 3_600_000, tz).map((b) => b.label)).toEqual(reference(day, day + 72 * 3_600_000, tz));
    }
  });
});
