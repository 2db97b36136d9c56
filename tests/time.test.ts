import { describe, expect, it } from 'vitest';
import { businessMsBetween, DEFAULT_BUSINESS_CALENDAR as BERLIN, nextBusinessMoment } from '@/lib/time/business-hours';
import { zonedParts, zonedTimeToMs } from '@/lib/time/zoned';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe('zoned time', () => {
  it('converts local wall-clock times across DST', () => {
    expect(zonedTimeToMs(2026, 1, 15, 9, 0, 'Europe/Berlin')).toBe(at('2026-01-15T08:00:00Z')); // CET, UTC+1
    expect(zonedTimeToMs(2026, 7, 15, 9, 0, 'Europe/Berlin')).toBe(at('2026-07-15T07:00:00Z')); // CEST, UTC+2
    expect(zonedTimeToMs(2026, 3, 29, 2, 30, 'Europe/Berlin')).toBe(at('2026-03-29T01:30:00Z')); // skipped hour
    expect(zonedTimeToMs(2026, 10, 12, 9, 0, 'America/New_York')).toBe(at('2026-10-12T13:00:00Z'));
    expect(zonedParts(at('2026-10-12T00:46:08Z'), 'Asia/Tokyo')).toMatchObject({ year: 2026, month: 10, day: 12, hour: 9, minute: 46, weekday: 1 });
  });
});

describe('business hours (Mon–Fri 09:00–18:00 Berlin)', () => {
  it('counts only the open part of an interval', () => {
    // Friday 2026-10-09 17:00 Berlin (15:00Z) to Monday 2026-10-12 10:00 Berlin (08:00Z): 1 h + 1 h.
    expect(businessMsBetween(at('2026-10-09T15:00:00Z'), at('2026-10-12T08:00:00Z'), BERLIN)).toBe(2 * H);
    // A whole week: 5 × 9 h.
    expect(businessMsBetween(at('2026-10-05T00:00:00Z'), at('2026-10-12T00:00:00Z'), BERLIN)).toBe(45 * H);
    // Inside one afternoon.
    expect(businessMsBetween(at('2026-10-07T10:00:00Z'), at('2026-10-07T11:30:00Z'), BERLIN)).toBe(1.5 * H);
    // A weekend: nothing.
    expect(businessMsBetween(at('2026-10-10T08:00:00Z'), at('2026-10-11T20:00:00Z'), BERLIN)).toBe(0);
    expect(businessMsBetween(at('2026-10-10T08:00:00Z'), at('2026-10-10T07:00:00Z'), BERLIN)).toBe(0);
  });

  it('finds the next opening', () => {
    expect(nextBusinessMoment(at('2026-10-10T12:00:00Z'), BERLIN)).toBe(at('2026-10-12T07:00:00Z')); // Saturday → Monday 09:00
    expect(nextBusinessMoment(at('2026-10-07T10:00:00Z'), BERLIN)).toBe(at('2026-10-07T10:00:00Z')); // open now
    expect(nextBusinessMoment(at('2026-10-07T17:00:00Z'), BERLIN)).toBe(at('2026-10-08T07:00:00Z')); // 19:00 → next day 09:00
  });
});

describe('repeated wall-clock times', () => {
  it('resolves to the first occurrence when clocks go back', () => {
    // 2026-10-25 02:30 happens twice in Berlin (CEST then CET): the first is 00:30Z.
    expect(zonedTimeToMs(2026, 10, 25, 2, 30, 'Europe/Berlin')).toBe(at('2026-10-25T00:30:00Z'));
  });
});
