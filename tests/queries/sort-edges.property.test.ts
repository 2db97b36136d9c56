import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeSorted, sortAgentEdges } from '@/lib/queries/load-timeline';
import type { Edges } from '../helpers/load-reference';

/*
 * The load chart's edge sort (sortAgentEdges, here with one agent) sorts epoch milliseconds by
 * insertion when they are in order or nearly, else by counting passes when it can (integers
 * spanning less than 2^48: the low 32 bits, then the high ones; byte digits below 65,536 values,
 * 16-bit ones from there), else by comparison: it must give exactly what the built-in sort gives,
 * on any input.
 */
const asc = (values: number[]) => Float64Array.from(values).sort();

/** Both sides sorted, every edge of the one agent. */
const sortEdges = (starts: Float64Array, ends: Float64Array): Edges =>
  sortAgentEdges({ agentIds: ['a'], starts, startAgents: new Uint16Array(starts.length), ends, endAgents: new Uint16Array(ends.length) });

describe('sortEdges', () => {
  it('sorts as the built-in sort does, whatever the span, sign, duplicates or fractions', () => {
    const base = fc.constantFrom(0, 1_790_000_000_000, -86_400_000, 2 ** 40);
    const span = fc.constantFrom(1, 1_000, 2 ** 16, 2 ** 16 + 3, 2 ** 32 - 1, 2 ** 32 + 7, 2 ** 47, 2 ** 48 + 1);
    const values = fc.tuple(base, span).chain(([b, s]) =>
      fc.array(fc.oneof(fc.integer({ min: 0, max: Math.min(s, 2 ** 31 - 1) }).map((v) => b + v), fc.double({ min: 0, max: s, noNaN: true }).map((v) => b + Math.floor(v)), fc.constant(b + s)), {
        minLength: 0,
        maxLength: 600,
        size: 'max',
      }),
    );
    fc.assert(
      fc.property(values, fc.boolean(), (list, withFraction) => {
        const input = withFraction && list.length > 0 ? [...list.slice(1), list[0]! + 0.5] : list;
        const { starts, ends } = sortEdges(Float64Array.from(input), Float64Array.from(input).reverse());
        expect([...starts]).toEqual([...asc(input)]);
        expect([...ends]).toEqual([...asc(input)]);
      }),
      { numRuns: 300 },
    );
  });

  it('sorts large arrays (16-bit digits) as the built-in sort does', () => {
    for (const span of [2 ** 20, 2 ** 32 - 1, 2 ** 33]) {
      const values = Array.from({ length: 70_000 }, (_, i) => 1_790_000_000_000 + ((i * 2_654_435_761) % span));
      const { starts } = sortEdges(Float64Array.from(values), new Float64Array(0));
      const expected = asc(values);
      // One comparison, not toEqual's element by element report of 70,000 values.
      expect(starts.every((v, i) => v === expected[i]), `span ${span}`).toBe(true);
    }
  });

  it('merges two sorted runs into one, each value keeping its tag', () => {
    const run = fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 9 })), { maxLength: 60 }).map((pairs) => pairs.sort((x, y) => x[0] - y[0]));
    fc.assert(
      fc.property(run, run, (a, b) => {
        const into = new Float64Array(a.length + b.length);
        const intoTags = new Uint16Array(into.length);
        const values = (pairs: [number, number][]) => Float64Array.from(pairs, (p) => p[0]);
        const tags = (pairs: [number, number][]) => Uint16Array.from(pairs, (p) => p[1]);
        mergeSorted(values(a), tags(a), values(b), tags(b), into, intoTags);
        const merged = [...into].map((v, i) => [v, intoTags[i]!]);
        expect(merged.every(([v], i) => i === 0 || merged[i - 1]![0]! <= v!)).toBe(true);
        const byPair = (pairs: number[][]) => pairs.map(([v, t]) => `${v}:${t}`).sort();
        expect(byPair(merged)).toEqual(byPair([...a, ...b]));
      }),
      { numRuns: 300 },
    );
  });
});
