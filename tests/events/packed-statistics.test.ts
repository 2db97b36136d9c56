import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packStatistics, STATISTIC_KEYS, unpackStatistics, type StatisticKey } from '@/lib/events/statistics';

/*
 * The packed statistics (lib/events/statistics.ts) are what the Statistics page reads: unpacking
 * the concatenated texts must give exactly what JSON.parse gives for them (the reference reading),
 * which is exactly the numbers packed, for any doubles (fractions, integers, huge, tiny, exponent
 * forms) and missing values.
 */
const width = STATISTIC_KEYS.length;
const statistic = fc.oneof(
  fc.constant(null),
  fc.integer({ min: 0, max: 10_000 }),
  fc.integer({ min: 0, max: 100_000 }).map((n) => n / 100), // hours with two decimals, as the demo sends
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -1e-6, max: 1e-6, noNaN: true }),
);
const conversation = fc.array(statistic, { minLength: width, maxLength: width }).map((values) => Object.fromEntries(STATISTIC_KEYS.map((key, k) => [key, values[k]!])) as Record<StatisticKey, number | null>);

const unpack = (text: string, conversations: number) => {
  const columns = STATISTIC_KEYS.map(() => new Float64Array(conversations));
  const read = unpackStatistics(text, columns);
  return { read, columns };
};

describe('packed statistics', () => {
  it('unpack exactly as JSON.parse reads them, which is exactly the values packed', () => {
    fc.assert(
      fc.property(fc.array(conversation, { maxLength: 30 }), (rows) => {
        const text = rows.map((row) => packStatistics(row)).join(',');
        const { read, columns } = unpack(text, rows.length);
        expect(read).toBe(rows.length);
        const reference = text === '' ? [] : (JSON.parse(`[${text}]`) as (number | null)[]);
        rows.forEach((row, i) =>
          STATISTIC_KEYS.forEach((key, k) => {
            const got = columns[k]![i]!;
            // JSON has no -0: a packed -0 reads back as 0, by either reader.
            const packed = row[key] === null ? NaN : row[key] === 0 ? 0 : row[key];
            expect(got).toBe(reference[i * width + k] ?? NaN);
            expect(got).toBe(packed);
          }),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('a conversation without statistics packs as fourteen nulls', () => {
    expect(packStatistics(null)).toBe(Array(width).fill('null').join(','));
  });

  it('refuses a text it did not write rather than misreading it', () => {
    const one = () => STATISTIC_KEYS.map(() => new Float64Array(1));
    const valid = packStatistics(null);
    expect(() => unpackStatistics(`${valid},1`, one())).toThrow(/more values than conversations|fewer values/);
    expect(() => unpackStatistics(valid.replace('null', 'nul'), one())).toThrow(/unexpected/);
    expect(() => unpackStatistics(valid.replace('null', '1x'), one())).toThrow(/unexpected/);
    expect(() => unpackStatistics(valid.replace('null,', ''), one())).toThrow(/fewer values/);
  });
});
