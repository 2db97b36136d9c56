/**
 * Wall-clock time in an IANA timezone, with nothing but Intl: the calendar date and hour a
 * moment falls on there, and the moment a wall-clock time there happens (DST included).
 */

export type ZonedParts = { year: number; month: number; day: number; hour: number; minute: number; weekday: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/**
 * A valid zone in its usual case (`asia/tokyo` → `Asia/Tokyo`), so one zone is one string in
 * links, lists and caches. Only the case: ICU would also turn names into its own older ones
 * (`Asia/Kolkata` → `Asia/Calcutta`), which nobody set; a name it spells otherwise stays as given.
 */
export function canonicalTimeZone(timeZone: string): string {
  const resolved = formatter(timeZone).resolvedOptions().timeZone;
  return resolved.toLowerCase() === timeZone.toLowerCase() ? resolved : timeZone;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar fields of `ms` as read on a clock in `timeZone` (month 1–12, weekday 0 = Sunday). */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const { type, value } of formatter(timeZone).formatToParts(ms)) parts[type] = value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday!]!,
  };
}

/** How far `timeZone` is ahead of UTC at `ms`, in milliseconds. */
export function offsetMs(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const seconds = Math.floor(ms / 1000) % 60;
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, seconds < 0 ? seconds + 60 : seconds);
  return asUtc - (ms - (ms % 1000));
}

/**
 * The moment a wall clock in `timeZone` shows the given local time. A time skipped by a DST jump
 * resolves to the moment just after the jump; a repeated time resolves to its first occurrence.
 */
export function zonedTimeToMs(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const local = Date.UTC(year, month - 1, day, hour, minute);
  // Offsets a day either side cover any DST change near this time; keep the candidates that
  // really show this wall-clock time (the earlier if both do). If neither does, it was skipped.
  const candidates = [...new Set([offsetMs(local - 86_400_000, timeZone), offsetMs(local + 86_400_000, timeZone)])].map((o) => local - o);
  const shows = (ms: number) => {
    const p = zonedParts(ms, timeZone);
    return p.year === year && p.month === month && p.day === day && p.hour === hour && p.minute === minute;
  };
  const valid = candidates.filter(shows);
  return valid.length > 0 ? Math.min(...valid) : Math.max(...candidates);
}

/** The calendar date after `(year, month, day)`. */
export function nextDate(year: number, month: number, day: number): [number, number, number] {
  const d = new Date(Date.UTC(year, month - 1, day + 1));
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}
