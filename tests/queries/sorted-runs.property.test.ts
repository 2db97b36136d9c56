import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentileOfSorted } from '@/lib/queries/median';
import { ascendingOrder, countBelow, keptOrder, percentileOfGroup, sortedGroups, sumInOrder, summariseGroup, valueAtRank, type RunSource } from '@/lib/queries/sorted-runs';

/*
 * The Statistics page's percentiles come from sorted runs: each day's rows in order of value
 * (ascendingOrder), a whole day taken as it is, others walked with the request's filters into one
 * ascending run per day and group (sortedGroups), and a rank found among the runs by narrowing them
 * (valueAtRank). On any values (ties across and within days, signs, missing ones), any filter and
 * any grouping, every figure must be what sorting the group's values gives, and the sum each day's
 * values added in ascending order, then the days in order.
 */
const numeric = <T,>(x: T): T => (x === 0 ? (0 as T) : x);
const GROUPS = 3;

const value = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.double({ min: -1e4, max: 1e4, noNaN: true }),
  fc.constantFrom(Number.NaN, 0.25, 0.5, -0),
);
const row = fc.record({ value, keep: fc.boolean(), group: fc.integer({ min: 0, max: GROUPS - 1 }) });
/**
 * A day's rows: some kept (the rest filtered out), or all kept (a day the range holds whole: its
 * own order, sum known), or all in one group (given as a number: a run without a walk).
 */
const day = fc.oneof(
  fc.array(row, { maxLength: 120 }).map((rows) => ({ rows, whole: false, oneGroup: false })),
  fc.array(row, { maxLength: 120 }).map((rows) => ({ rows: rows.map((r) => ({ ...r, keep: true })), whole: true, oneGroup: false })),
  fc.tuple(fc.array(row, { maxLength: 120 }), fc.integer({ min: 0, max: GROUPS - 1 })).map(([rows, g]) => ({ rows: rows.map((r) => ({ ...r, group: g })), whole: false, oneGroup: true })),
);

type Day = { rows: { value: number; keep: boolean; group: number }[]; whole: boolean; oneGroup: boolean };

function sourcesOf(days: Day[], grouped: boolean): RunSource[] {
  return days.map(({ rows, whole, oneGroup }) => {
    const values = Float64Array.from(rows, (r) => r.value);
    const all = ascendingOrder(values);
    const order = whole ? all : keptOrder(all, Uint8Array.from(rows, (r) => (r.keep ? 1 : 0)));
    const group = !grouped ? 0 : oneGroup ? (rows[0]?.group ?? 0) : Uint16Array.from(rows, (r) => r.group);
    return { values, order, group, sum: whole ? sumInOrder(values, order) : undefined };
  });
}

/** A day's kept present rows of group g (any group when not grouped), by ascending value. */
const byValue = (rows: Day['rows'], g: number | null) =>
  rows
    .map((r, i) => ({ ...r, i }))
    .filter((r) => r.keep && r.value === r.value && (g === null || r.group === g))
    .sort((a, b) => a.value - b.value || a.i - b.i);

describe('ascendingOrder', () => {
  it('lists the present values’ rows by ascending value, ties in row order', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), (list) => {
        const values = Float64Array.from(list);
        const order = [...ascendingOrder(values)];
        const expected = list.map((v, i) => ({ v, i })).filter(({ v }) => v === v).sort((a, b) => a.v - b.v || a.i - b.i).map(({ i }) => i);
        expect(order).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('sorted runs', () => {
  it('give every group the count, mean, median, p90, ranks and bin counts of its values sorted', () => {
    fc.assert(
      fc.property(fc.array(day, { minLength: 1, maxLength: 9 }), fc.boolean(), (days, grouped) => {
        const groups = sortedGroups(sourcesOf(days, grouped), grouped ? GROUPS : 1);
        for (let g = 0; g < (grouped ? GROUPS : 1); g++) {
          const perDay = days.map(({ rows }) => byValue(rows, grouped ? g : null).map((r) => r.value));
          const present = perDay.flat();
          const sorted = Float64Array.from(present).sort();
          const summary = summariseGroup(groups, g);
          expect(summary.n).toBe(present.length);
          if (present.length === 0) {
            expect(summary.median).toBeNull();
            continue;
          }
          const sum = perDay.map((values) => values.reduce((a, b) => a + b, 0)).reduce((a, b) => a + b, 0);
          expect(summary.mean).toBe(sum / present.length);
          expect(numeric(summary.median)).toBe(numeric(percentileOfSorted(sorted, 0.5)));
          expect(numeric(summary.p90)).toBe(numeric(percentileOfSorted(sorted, 0.9)));
          for (const p of [0, 0.1, 0.25, 0.75, 1]) expect(numeric(percentileOfGroup(groups, g, p))).toBe(numeric(percentileOfSorted(sorted, p)));
          for (let rank = 0; rank < sorted.length; rank += Math.max(1, Math.floor(sorted.length / 7))) {
            const [at, next] = valueAtRank(groups, g, rank);
            expect(numeric(at)).toBe(numeric(sorted[rank]!));
            expect(next === undefined ? undefined : numeric(next)).toBe(rank + 1 < sorted.length ? numeric(sorted[rank + 1]!) : undefined);
          }
          for (const limit of [-1, 0, 0.25, 1, 100]) expect(countBelow(groups, g, limit)).toBe(present.filter((v) => v < limit).length);
        }
        // The groups holding values.
        const holding = [...new Set(days.flatMap(({ rows }) => byValue(rows, null).map((r) => (grouped ? r.group : 0))))];
        expect([...groups.keys].sort()).toEqual(holding.sort());
      }),
      { numRuns: 1_000 },
    );
  });

  it('find ranks among many long runs: a month of days, thousands of values each, heavy ties', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 3_000 }), fc.integer(), (count, size, seed) => {
        const rows = fc.sample(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }).map((v) => v / 4), fc.double({ min: 0, max: 200, noNaN: true })), { minLength: size, maxLength: size }), { numRuns: count, seed });
        const days = rows.map((list, d) => ({ rows: list.map((v) => ({ value: v, keep: d % 3 !== 0, group: 0 })), whole: d % 3 === 1, oneGroup: false }));
        const groups = sortedGroups(sourcesOf(days, false), 1);
        // Every third day filtered out entirely; of the others, one taken whole, one through keptOrder.
        const sorted = Float64Array.from(rows.filter((_, d) => d % 3 !== 0).flat()).sort();
        for (const p of [0.5, 0.9, 0.99]) expect(percentileOfGroup(groups, 0, p)).toBe(percentileOfSorted(sorted, p));
      }),
      { numRuns: 60 },
    );
  });
});
