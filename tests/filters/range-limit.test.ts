import { describe, expect, it } from 'vitest';
import { MAX_RANGE_DAYS, parseFilters, rangeDays } from '@/lib/filters/parse-filters';

// README's filter table: `from`, `to` inclusive, "at most 366 days". Both sides of the limit, as
// given and with `to` defaulted to today.
const NOW = Date.parse('2026-11-25T12:00:00Z');
const parse = (query: string) => parseFilters(new URLSearchParams(query), NOW, 'UTC');
const REFUSED = { ok: false, errors: [{ param: 'from', message: 'the range spans more than 366 days' }] };
const DAY = 86_400_000;

describe('the range limit of the filter parser', () => {
  it('is 366 days', () => {
    expect(MAX_RANGE_DAYS).toBe(366);
  });

  it.each([
    // 2025-11-26 … 2026-11-25 is 365 days (no 29 February between them): one more is 366.
    { from: '2025-11-26', to: '2026-11-26' },
    // A leap year whole: 2024 has 366 days.
    { from: '2024-01-01', to: '2024-12-31' },
    // 2023-03-01 … 2024-02-29: 366 days, the 29th among them.
    { from: '2023-03-01', to: '2024-02-29' },
  ])('accepts $from … $to: 366 days, both ends included', ({ from, to }) => {
    const parsed = parse(`from=${from}&to=${to}`);
    expect(parsed.ok && [parsed.filters.from, parsed.filters.to, rangeDays(parsed.filters)]).toEqual([from, to, 366]);
    // In UTC the range is 366 whole days, midnight to midnight.
    expect(parsed.ok && parsed.filters.endMs - parsed.filters.startMs).toBe(366 * DAY);
  });

  it.each([
    { from: '2025-11-25', to: '2026-11-26' },
    { from: '2023-12-31', to: '2024-12-31' },
    { from: '2023-02-28', to: '2024-02-29' },
  ])('refuses $from … $to, one day more (367), saying so', ({ from, to }) => {
    expect(rangeDays({ from, to })).toBe(367);
    expect(parse(`from=${from}&to=${to}`)).toEqual(REFUSED);
  });

  it('counts a range whose end defaults to today (2026-11-25) the same way', () => {
    // from 2025-11-25: 365 days to 2026-11-24, 366 with today; a day earlier is 367.
    const parsed = parse('from=2025-11-25');
    expect(parsed.ok && [parsed.filters.from, parsed.filters.to, rangeDays(parsed.filters)]).toEqual(['2025-11-25', '2026-11-25', 366]);
    expect(parse('from=2025-11-24')).toEqual(REFUSED);
  });

  it('counts calendar days in any timezone: 366 in Tokyo and in Berlin too', () => {
    // The edges move with the zone (Berlin's range has one 23-hour and one 25-hour day), the count does not.
    for (const tz of ['Asia/Tokyo', 'Europe/Berlin', 'America/Los_Angeles']) {
      const accepted = parse(`from=2025-11-26&to=2026-11-26&tz=${tz}`);
      expect(accepted.ok && rangeDays(accepted.filters), tz).toBe(366);
      expect(accepted.ok && accepted.filters.endMs - accepted.filters.startMs, tz).toBe(366 * DAY);
      expect(parse(`from=2025-11-25&to=2026-11-26&tz=${tz}`), tz).toEqual(REFUSED);
    }
  });
});
