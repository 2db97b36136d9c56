import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentileOfSorted, summariseNumbers } from '@/lib/queries/median';

/*
 * summariseNumbers finds its percentiles by selection, not sorting: on arbitrary values (many
 * duplicates, negatives, missing ones as NaN) it must agree exactly with the sorted definition.
 */
/** The sign of a zero means nothing in a summary (sorting puts -0 first, selection cannot tell): compare as numbers. */
const numeric = <T,>(x: T): T => (x === 0 ? (0 as T) : x);

/** Asserts the count, median and p90 of `values` equal the sorted definition's; returns the summary and the values present. */
function expectPercentilesAsSorting(values: number[]) {
  const present = values.filter((v) => !Number.isNaN(v));
  const sorted = Float64Array.from(present).sort();
  const summary = summariseNumbers(Float64Array.from(values));
  expect(summary.n).toBe(present.length);
  expect(numeric(summary.median)).toBe(numeric(percentileOfSorted(sorted, 0.5)));
  expect(numeric(summary.p90)).toBe(numeric(percentileOfSorted(sorted, 0.9)));
  return { summary, present };
}

describe('summariseNumbers', () => {
  it('gives the same median, p90, mean and count as sorting', () => {
    const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 400 }), (values) => {
        const { summary, present } = expectPercentilesAsSorting(values);
        if (present.length > 0) expect(summary.mean).toBeCloseTo(present.reduce((a, b) => a + b, 0) / present.length, 6);
        else expect(summary.mean).toBeNull();
      }),
      { numRuns: 2_000, examples: [[[-0, 0, -0]], [[0, -0]]] },
    );
  });

  it('agrees with sorting on large arrays too (counted into buckets first): skewed, tied, signed, tiny and huge values', () => {
    // Over 4,096 values summariseNumbers counts them into buckets before selecting: arrays made to
    // put many values in one bucket, ranks on bucket edges, both signs and zeros of both signs.
    const value = fc.oneof(
      // Hours as Freshchat sends them: spread evenly over 0–200 (fast-check's doubles crowd near 0).
      { weight: 4, arbitrary: fc.noBias(fc.integer({ min: 0, max: 2_000_000 })).map((v) => v / 10_000) },
      { weight: 2, arbitrary: fc.integer({ min: -3, max: 3 }) },
      { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: false }) },
      { weight: 1, arbitrary: fc.constantFrom(0, -0, Number.NaN, 1e-300, -1e-300, 1.0000001, 1) },
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 5_000, maxLength: 9_000 }), (values) => {
        expectPercentilesAsSorting(values);
      }),
      { numRuns: 60 },
    );
  });

  it('leaves its input as it was', () => {
    const input = Float64Array.from([5, 1, Number.NaN, 3, 3, 9, 0]);
    const copy = Float64Array.from(input);
    summariseNumbers(input);
    expect(input).toEqual(copy);
  });
});
