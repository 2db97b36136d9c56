import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { axisCount, count, countOf, durationUnit, hours, niceAxis, pairCount, percent, valueAxis } from '@/lib/format';

describe('how figures read', () => {
  it('writes counts on chart axes short enough to stay clear of the axis title', () => {
    // A year at a million conversations puts 800,000 on the histogram's axis; "800000" ran into "conversations".
    expect([0, 950, 4_500, 12_000, 800_000, 1_234_567].map(axisCount)).toEqual(['0', '950', '4.5K', '12K', '800K', '1.2M']);
  });

  it('writes counts in tables with thousands separators, hours with one decimal, shares as percentages', () => {
    expect(count(998_179)).toBe('998,179');
    expect(hours(3.45)).toBe('3.5 h');
    expect(hours(null)).toBe('–');
    expect(percent(10, 42)).toBe('23.8 %');
    expect(percent(1, 0)).toBe('–');
  });

  it('writes durations in seconds under a minute, whole minutes under an hour, hours from there', () => {
    // Freshchat sends hours: 0.2 h is a 12-minute first response, 0.004 h a 14-second wait.
    expect([0, 0.004, 0.2, 0.25, 59.4 / 60, 59.6 / 60, 1, 22.46, 120].map(hours)).toEqual(['0 h', '14 s', '12 min', '15 min', '59 min', '1.0 h', '1.0 h', '22.5 h', '120.0 h']);
    // Rounding never writes "60 s" or "60 min": it moves to the next unit.
    expect(hours(59.6 / 3600)).toBe('1 min');
    expect(hours(-0.5)).toBe('−30 min');
    // Minutes rounded once, from the value: 0.77494 h is 46.50 min less a little (2,789.8 s, 2,790 rounded).
    expect(hours(0.77494)).toBe('46 min');
    expect([undefined, Number.NaN].map(hours)).toEqual(['–', '–']);
  });

  it('rounds halves up as the figure reads in decimal, not as its binary noise falls', () => {
    // A p90 between 4.03 and 4.13 (rank fraction 0.2) is 4.05, computed as 4.0499999999999998:
    // toFixed read it 4.0; a spreadsheet, from the same values, reads 4.1 (found by an audit).
    expect(hours(4.03 + (4.13 - 4.03) * 0.2)).toBe('4.1 h');
    expect(hours(12.5 / 60)).toBe('13 min');
    // Every share p/w for w up to 400 against the exact fraction rounded half up in integers.
    for (let whole = 1; whole <= 400; whole++) {
      for (let part = 0; part <= whole; part++) {
        const tenths = Math.floor((2000 * part + whole) / (2 * whole));
        expect(percent(part, whole), `${part}/${whole}`).toBe(`${Math.floor(tenths / 10)}.${tenths % 10} %`);
      }
    }
  });

  it('says how many values a business and a calendar figure are each of, once when they agree', () => {
    expect(pairCount(3_731, 3_731)).toBe('3,731');
    expect(pairCount(5, 6)).toBe('5 business · 6 calendar');
  });

  it('plots a duration axis in minutes only when every value is under an hour', () => {
    expect(durationUnit([0.2, null, 0.99])).toEqual({ unit: 'minutes', perHour: 60 });
    expect(durationUnit([0.2, 1])).toEqual({ unit: 'hours', perHour: 1 });
    expect(durationUnit([])).toEqual({ unit: 'minutes', perHour: 60 });
  });

  it('puts value axes on steps of 1, 2 or 5 times a power of ten, from zero to just above the data', () => {
    // Recharts' own steps for the histogram in the demo: 0, 650, 1.3K, 2K (at 1,950), 2.6K.
    expect(niceAxis(2_450, { integer: true }).ticks.map(axisCount)).toEqual(['0', '500', '1K', '1.5K', '2K', '2.5K']);
    // …and for a trend of medians in hours: 0, 0.055, 0.11, 0.165, 0.22.
    expect(niceAxis(0.21)).toEqual({ domain: [0, 0.25], ticks: [0, 0.05, 0.1, 0.15, 0.2, 0.25] });
    expect(niceAxis(3, { integer: true }).ticks).toEqual([0, 1, 2, 3]);
    expect(niceAxis(0.3, { integer: true }).ticks).toEqual([0, 1]);
    expect(niceAxis(0, { integer: true })).toEqual({ domain: [0, 1], ticks: [0, 1] });
  });

  it('chooses the finest such step that needs at most five intervals, for any maximum', () => {
    const decades = (x: number) => 10 ** Math.floor(Math.log10(x) + 1e-9);
    const check = (max: number, integer: boolean) => {
      const { domain, ticks } = niceAxis(max, { integer });
      const step = ticks[1]! - ticks[0]!;
      expect(ticks[0]).toBe(0);
      expect(domain).toEqual([0, ticks.at(-1)]);
      // Up to a rounding error: 0.3 / 0.1 is 2.9999999999999996.
      expect(ticks.at(-1)!).toBeGreaterThanOrEqual(max - 1e-9 * step);
      expect(ticks.at(-2)!).toBeLessThan(max);
      expect(ticks.length - 1).toBeLessThanOrEqual(5);
      ticks.forEach((tick, i) => expect(tick).toBeCloseTo(i * step, 9));
      expect([1, 2, 5]).toContain(Math.round(step / decades(step)));
      // The next finer step would need more than five intervals (or, on a count axis, be under 1).
      const finer = { 1: 0.5, 2: 0.5, 5: 0.4 }[Math.round(step / decades(step)) as 1 | 2 | 5] * step;
      if (!integer || finer >= 1) expect(Math.ceil(max / finer - 1e-9)).toBeGreaterThan(5);
      if (integer) {
        expect(ticks.every(Number.isInteger)).toBe(true);
        // Read back from the axis as written, each tick is itself: "1.5K" is 1,500.
        const read = (text: string) => Number(text.replace(/[KMB]$/, '')) * ({ K: 1e3, M: 1e6, B: 1e9 }[text.at(-1)!] ?? 1);
        for (const tick of ticks) expect(read(axisCount(tick))).toBeCloseTo(tick, 6);
      }
    };
    fc.assert(fc.property(fc.integer({ min: 1, max: 2_000_000_000 }), (max) => check(max, true)), { numRuns: 2_000 });
    fc.assert(fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (max) => check(max, false)), { numRuns: 2_000 });
  });

  it("sets a chart's value axis from its points: gaps ignored, Recharts' own axis for a negative value", () => {
    expect(valueAxis([3, null, 192, 40], { integer: true })).toEqual(niceAxis(192, { integer: true }));
    expect(valueAxis([null, 0.21])).toEqual(niceAxis(0.21));
    expect(valueAxis([])).toEqual(niceAxis(0));
    expect(valueAxis([5, -0.5, 12])).toEqual({});
  });
});

describe('countOf: a count and its noun', () => {
  it('is singular for one only, with thousands separators', () => {
    expect([0, 1, 2, 1234].map((n) => countOf(n, 'request'))).toEqual(['0 requests', '1 request', '2 requests', '1,234 requests']);
  });
});
