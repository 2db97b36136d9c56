import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { parseFilters, type Filters } from '@/lib/filters/parse-filters';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { percentileOfSorted } from '@/lib/queries/median';
import { getStatisticBreakdown, getStatisticHistogram, getStatisticSummaries, getStatisticTrend, HOUR_BINS } from '@/lib/queries/statistics';
import { envelope } from '../helpers/conversation-spec';
import { createEvent, updateEvent } from '../helpers/envelopes';
import { streamLines } from '../helpers/fixtures';
import { tempDatabasePath } from '../helpers/server';

/*
 * First response times (business h, calendar h), sent on an update after each create:
 *   s1 0.2 / 1     channel X, group G1, created 2026-03-02
 *   s2 0.5 / 2     X, G1, 03-02
 *   s3 1   / 3     X, G2, 03-02
 *   s4 3   / 30    X, G2, 03-02
 *   s5 10  / 100   X, G1, 03-02
 *   s6 24  / 48    Y, G1, 03-03
 *   s7 none        Y, no group, 03-03 (statistics sent with nulls)
 *   s8 500 / 500   X, G1, created 2026-04-01 (outside March)
 * March, business, sorted: 0.2 0.5 1 3 10 24 (n 6, s7 ignored): median (1 + 3) / 2 = 2;
 *   p90 at (6 − 1)·0.9 = 4.5 → 10 + 0.5·(24 − 10) = 17; mean 38.7 / 6 = 6.45.
 * March, calendar: 1 2 3 30 48 100: median 16.5; p90 48 + 0.5·52 = 74; mean 184 / 6.
 * Channel X only (n 5, odd): business median 1, p90 at 3.6 → 3 + 0.6·7 = 7.2, mean 14.7 / 5 = 2.94;
 *   calendar median 3, p90 30 + 0.6·70 = 72, mean 136 / 5 = 27.2.
 */
const X = { id: 'ch-x', name: 'Web <chat>' };
const Y = { id: 'ch-y', name: 'WhatsApp' };
const G1 = { id: 'g1', name: 'Support' };
const G2 = { id: 'g2', name: 'Sales' };
const rows: [string, number | null, number | null, typeof X, typeof G1 | null, string][] = [
  ['s1', 0.2, 1, X, G1, '2026-03-02T08:00:00Z'],
  ['s2', 0.5, 2, X, G1, '2026-03-02T09:00:00Z'],
  ['s3', 1, 3, X, G2, '2026-03-02T10:00:00Z'],
  ['s4', 3, 30, X, G2, '2026-03-02T11:00:00Z'],
  ['s5', 10, 100, X, G1, '2026-03-02T12:00:00Z'],
  ['s6', 24, 48, Y, G1, '2026-03-03T08:00:00Z'],
  ['s7', null, null, Y, null, '2026-03-03T09:00:00Z'],
  ['s8', 500, 500, X, G1, '2026-04-01T08:00:00Z'],
];

let db: Db;
const filters = (query: string): Filters => {
  const parsed = parseFilters(new URLSearchParams(query), Date.parse('2026-04-10T00:00:00Z'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.filters;
};
const MARCH = 'from=2026-03-01&to=2026-03-31';

beforeAll(() => {
  db = openDatabase(tempDatabasePath('statistics'));
  const events = rows.flatMap(([id, b, c, channel, group, createdAt]) => {
    const state = { createdAt, channel: channel.id, group: group?.id ?? null };
    const answered = new Date(Date.parse(createdAt) + 3_600_000).toISOString();
    return [
      createEvent(id, state, { channel, ...(group ? { group } : {}) }),
      updateEvent(id, answered, { ...state, statistics: { first_response_time_bhrs: b, first_response_time_chrs: c } }, {}),
    ];
  });
  expect(ingestEnvelopes(db, events).rejected).toEqual([]);
});

describe('percentiles', () => {
  it('interpolates between the closest ranks, odd and even counts', () => {
    expect(percentileOfSorted([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(percentileOfSorted([1, 2, 3, 4, 5], 0.9)).toBeCloseTo(4.6, 12); // rank 3.6
    expect(percentileOfSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentileOfSorted([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 12); // rank 2.7
    expect(percentileOfSorted([7], 0.9)).toBe(7);
    expect(percentileOfSorted([], 0.5)).toBeNull();
    expect(() => percentileOfSorted([1], 1.5)).toThrow(RangeError);
  });
});

describe('statistic summaries', () => {
  it('gives median, p90 and mean in business and calendar hours over conversations created in the range', () => {
    const first = getStatisticSummaries(db, filters(MARCH)).find((s) => s.statistic === 'first_response_time')!;
    expect(first.label).toBe('First response');
    expect(first.business).toEqual({ n: 6, median: 2, p90: expect.closeTo(17, 12), mean: expect.closeTo(6.45, 12) });
    expect(first.calendar).toEqual({ n: 6, median: 16.5, p90: expect.closeTo(74, 12), mean: expect.closeTo(184 / 6, 12) });
  });

  it('obeys the channel filter (odd count) and the range', () => {
    const x = getStatisticSummaries(db, filters(`${MARCH}&channel=ch-x`)).find((s) => s.statistic === 'first_response_time')!;
    expect(x.business).toEqual({ n: 5, median: 1, p90: expect.closeTo(7.2, 12), mean: expect.closeTo(2.94, 12) });
    expect(x.calendar).toEqual({ n: 5, median: 3, p90: expect.closeTo(72, 12), mean: expect.closeTo(27.2, 12) });
    const april = getStatisticSummaries(db, filters('from=2026-04-01&to=2026-04-01')).find((s) => s.statistic === 'first_response_time')!;
    expect(april.business).toEqual({ n: 1, median: 500, p90: 500, mean: 500 });
  });

  it('is empty, not zero, where no conversation has a value', () => {
    const summaries = getStatisticSummaries(db, filters('from=2025-01-01&to=2025-01-31'));
    expect(summaries).toHaveLength(7);
    for (const s of summaries) expect(s.business).toEqual({ n: 0, mean: null, median: null, p90: null });
    // March has conversations, but no resolution times.
    expect(getStatisticSummaries(db, filters(MARCH)).find((s) => s.statistic === 'resolution_time')!.calendar.n).toBe(0);
  });
});

describe('distribution', () => {
  it('puts each value in its bin, lower edge included', () => {
    expect(HOUR_BINS.map((b) => b.label)).toEqual(['0–15 min', '15–30 min', '30 min–1 h', '1–2 h', '2–4 h', '4–8 h', '8–24 h', '24–48 h', '48–96 h', '≥ 96 h']);
    const bins = getStatisticHistogram(db, filters(MARCH), 'first_response_time');
    // business 0.2 | 0.5 (edge) | 1 (edge) | 3 | 10 | 24 (edge); calendar 1 | 2, 3 | 30 | 48 (edge) | 100
    expect(bins.map((b) => b.business)).toEqual([1, 0, 1, 1, 1, 0, 1, 1, 0, 0]);
    expect(bins.map((b) => b.calendar)).toEqual([0, 0, 0, 1, 2, 0, 0, 1, 1, 1]);
    expect(getStatisticHistogram(db, filters('from=2025-01-01&to=2025-01-31'), 'first_response_time').every((b) => b.business + b.calendar === 0)).toBe(true);
  });

  it('bins whole hours by the hour: no value between 0 and 1 h makes the first bin "< 1 h"', () => {
    // Freshchat documents these statistics as whole hours; a 0 means under an hour. First
    // response, business 0, 0, 2 and calendar 0, 1, 5: no value strictly inside the first hour.
    const whole = openDatabase(tempDatabasePath('statistics-whole-hours'));
    const statistics = (bhrs: number, chrs: number) => ({ first_response_time_bhrs: bhrs, first_response_time_chrs: chrs });
    ingestEnvelopes(whole, [
      envelope({ id: 'w1', created: '2026-05-04T10:00:00Z', statistics: statistics(0, 0) }),
      envelope({ id: 'w2', created: '2026-05-04T11:00:00Z', statistics: statistics(0, 1) }),
      envelope({ id: 'w3', created: '2026-05-04T12:00:00Z', statistics: statistics(2, 5) }),
    ]);
    const may = filters('from=2026-05-01&to=2026-05-31');
    const bins = getStatisticHistogram(whole, may, 'first_response_time');
    expect(bins.map((b) => b.label)).toEqual(['< 1 h', '1–2 h', '2–4 h', '4–8 h', '8–24 h', '24–48 h', '48–96 h', '≥ 96 h']);
    expect(bins.map((b) => b.business)).toEqual([2, 0, 1, 0, 0, 0, 0, 0]);
    expect(bins.map((b) => b.calendar)).toEqual([1, 1, 0, 1, 0, 0, 0, 0]);
    // One value inside the first hour (0.5 h, calendar): the finer bins again, for both.
    ingestEnvelopes(whole, [envelope({ id: 'w4', created: '2026-05-05T10:00:00Z', statistics: statistics(3, 0.5) })]);
    const finer = getStatisticHistogram(whole, may, 'first_response_time');
    expect(finer.map((b) => b.label)).toEqual(HOUR_BINS.map((b) => b.label));
    expect(finer.map((b) => b.calendar)).toEqual([1, 0, 1, 1, 0, 1, 0, 0, 0, 0]);
    whole.$client.close();
  });
});

describe('trend', () => {
  it('gives the median per creation day, empty days null', () => {
    const days = getStatisticTrend(db, filters('from=2026-03-01&to=2026-03-04'), 'first_response_time');
    expect(days).toEqual([
      { day: '2026-03-01', business: null, calendar: null, businessCount: 0, calendarCount: 0 },
      { day: '2026-03-02', business: 1, calendar: 3, businessCount: 5, calendarCount: 5 },
      { day: '2026-03-03', business: 24, calendar: 48, businessCount: 1, calendarCount: 1 },
      { day: '2026-03-04', business: null, calendar: null, businessCount: 0, calendarCount: 0 },
    ]);
  });
});

describe('breakdown', () => {
  it('by group: G1 has 0.2, 0.5, 10, 24 (median 5.25, p90 at 2.7 → 10 + 0.7·14 = 19.8); G2 has 1, 3 (median 2, p90 2.8)', () => {
    const groups = getStatisticBreakdown(db, filters(MARCH), 'first_response_time', 'group');
    expect(groups.map((g) => [g.name, g.business.n, g.business.median])).toEqual([
      ['Support', 4, 5.25],
      ['Sales', 2, 2],
    ]);
    expect(groups[0]!.business.p90).toBeCloseTo(19.8, 12);
    expect(groups[1]!.business.p90).toBeCloseTo(2.8, 12);
    expect(groups[0]!.calendar).toEqual({ n: 4, median: 25, p90: expect.closeTo(84.4, 12), mean: expect.closeTo(37.75, 12) });
  });

  it('by channel, names as sent (markup is just text)', () => {
    const channels = getStatisticBreakdown(db, filters(MARCH), 'first_response_time', 'channel');
    expect(channels.map((c) => [c.name, c.business.n, c.business.median, c.calendar.median])).toEqual([
      ['Web <chat>', 5, 1, 3],
      ['WhatsApp', 1, 24, 48],
    ]);
    expect(getStatisticBreakdown(db, filters(`${MARCH}&channel=ch-y`), 'first_response_time', 'channel').map((c) => c.name)).toEqual(['WhatsApp']);
    expect(getStatisticBreakdown(db, filters('from=2025-01-01&to=2025-01-31'), 'first_response_time', 'group')).toEqual([]);
  });
});

describe('the fixture stream', () => {
  it('agrees with the overview medians for October', () => {
    const stream = openDatabase(tempDatabasePath('statistics-stream'));
    ingestEnvelopes(stream, streamLines().map((line) => JSON.parse(line)));
    const october = getStatisticSummaries(stream, filters('from=2026-10-01&to=2026-10-31'));
    // The overview test's medians (worked out from the file): first response 2.5 / 6 h, resolution 22.5 / 37 h.
    expect(october.find((s) => s.statistic === 'first_response_time')).toMatchObject({ business: { median: 2.5, n: 36 }, calendar: { median: 6 } });
    expect(october.find((s) => s.statistic === 'resolution_time')).toMatchObject({ business: { median: 22.5 }, calendar: { median: 37 } });
  });
});
