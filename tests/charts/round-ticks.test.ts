import { describe, expect, it } from 'vitest';
import { hourTicks, minuteTicks } from '@/components/charts/round-ticks';

/** Hourly labels as the load timeline writes them, from a day and hour, for `count` hours. */
function hours(day: number, hour: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const h = hour + i;
    return `11-${String(day + Math.floor(h / 24)).padStart(2, '0')} ${String(h % 24).padStart(2, '0')}:00`;
  });
}

describe('hourTicks: the hourly axis ticks on round hours', () => {
  it('takes every 3 hours of a day, every 6 of two, every 12 of three to four, and midnights beyond', () => {
    expect(hourTicks(hours(20, 0, 24))).toEqual(['11-20 00:00', '11-20 03:00', '11-20 06:00', '11-20 09:00', '11-20 12:00', '11-20 15:00', '11-20 18:00', '11-20 21:00']);
    expect(hourTicks(hours(20, 0, 48))).toEqual(['11-20 00:00', '11-20 06:00', '11-20 12:00', '11-20 18:00', '11-21 00:00', '11-21 06:00', '11-21 12:00', '11-21 18:00']);
    expect(hourTicks(hours(20, 0, 72))).toEqual(['11-20 00:00', '11-20 12:00', '11-21 00:00', '11-21 12:00', '11-22 00:00', '11-22 12:00']);
    expect(hourTicks(hours(20, 0, 168))).toEqual(['11-20', '11-21', '11-22', '11-23', '11-24', '11-25', '11-26'].map((d) => `${d} 00:00`));
  });

  it('keeps to round hours when the range starts at an odd one, and takes every hour of a short range', () => {
    expect(hourTicks(hours(20, 7, 10))).toEqual(['11-20 08:00', '11-20 10:00', '11-20 12:00', '11-20 14:00', '11-20 16:00']);
    expect(hourTicks(hours(20, 7, 5))).toEqual(hours(20, 7, 5));
    // A timezone half an hour off UTC labels its hours HH:30: still on the step.
    expect(hourTicks(['11-20 05:30', '11-20 06:30', '11-20 07:30'], 1)).toEqual(['11-20 06:30']);
  });
});

describe('minuteTicks: the per-minute axis ticks on round minutes', () => {
  /** `count` minute labels `HH:MM` from hour `h`, minute `m`. */
  const minutes = (h: number, m: number, count: number) =>
    Array.from({ length: count }, (_, i) => {
      const t = h * 60 + m + i;
      return `${String(Math.floor(t / 60) % 24).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
    });

  it('takes every 10 minutes of the last hour, whatever minute it starts at, across midnight too', () => {
    expect(minuteTicks(minutes(8, 42, 60))).toEqual(['08:50', '09:00', '09:10', '09:20', '09:30', '09:40']);
    expect(minuteTicks(minutes(23, 30, 60))).toEqual(['23:30', '23:40', '23:50', '00:00', '00:10', '00:20']);
  });

  it('takes every 2 or 5 minutes of a shorter stretch, and every minute of a few', () => {
    expect(minuteTicks(minutes(9, 0, 15))).toEqual(['09:00', '09:02', '09:04', '09:06', '09:08', '09:10', '09:12', '09:14']);
    expect(minuteTicks(minutes(9, 1, 20))).toEqual(['09:05', '09:10', '09:15', '09:20']);
    expect(minuteTicks(minutes(9, 7, 3))).toEqual(['09:07', '09:08', '09:09']);
  });
});
