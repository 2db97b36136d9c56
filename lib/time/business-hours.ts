import { nextDate, zonedParts, zonedTimeToMs } from './zoned';

/**
 * A weekly business calendar: open on `days` (0 = Sunday) from `open` to `close` (HH:MM, local
 * time in `timezone`). Freshchat computes its `_bhrs` statistics against the group's calendar;
 * the demo generator uses the same rule so business hours never exceed calendar hours.
 */
export type BusinessCalendar = { timezone: string; days: number[]; open: string; close: string };

export const DEFAULT_BUSINESS_CALENDAR: BusinessCalendar = { timezone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00' };

const hm = (text: string): [number, number] => {
  const [h, m] = text.split(':').map(Number);
  return [h!, m!];
};

type CalendarDay = { start: number; window: [number, number] | null };

/** Timezone arithmetic is slow (Intl); a day's start and window are computed once per calendar. */
const dayCache = new Map<string, CalendarDay>();

function calendarDay(y: number, m: number, d: number, calendar: BusinessCalendar): CalendarDay {
  const key = `${calendar.timezone}|${calendar.days.join('')}|${calendar.open}|${calendar.close}|${y}-${m}-${d}`;
  let day = dayCache.get(key);
  if (!day) {
    const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
    const [openH, openM] = hm(calendar.open);
    const [closeH, closeM] = hm(calendar.close);
    day = {
      start: zonedTimeToMs(y, m, d, 0, 0, calendar.timezone),
      window: calendar.days.includes(weekday)
        ? [zonedTimeToMs(y, m, d, openH, openM, calendar.timezone), zonedTimeToMs(y, m, d, closeH, closeM, calendar.timezone)]
        : null,
    };
    if (dayCache.size > 100_000) dayCache.clear();
    dayCache.set(key, day);
  }
  return day;
}

/** Each business window [open, close) in ms that overlaps [from, to), in order. */
function* businessWindows(from: number, to: number, calendar: BusinessCalendar): Generator<[number, number]> {
  const start = zonedParts(from, calendar.timezone);
  let date: [number, number, number] = [start.year, start.month, start.day];
  for (let guard = 0; guard < 100_000; guard++) {
    const day = calendarDay(date[0], date[1], date[2], calendar);
    if (day.start >= to) return;
    if (day.window && day.window[1] > from && day.window[0] < to) yield day.window;
    date = nextDate(...date);
  }
}

/** Milliseconds of [from, to) that fall inside business hours. */
export function businessMsBetween(from: number, to: number, calendar: BusinessCalendar): number {
  if (to <= from) return 0;
  let total = 0;
  for (const [open, close] of businessWindows(from, to, calendar)) total += Math.min(to, close) - Math.max(from, open);
  return total;
}

/** `at` itself when business hours are running then, else the next opening. */
export function nextBusinessMoment(at: number, calendar: BusinessCalendar): number {
  for (const [open, close] of businessWindows(at, at + 14 * 86_400_000, calendar)) {
    if (at < close) return Math.max(at, open);
  }
  return at;
}
