import * as z from 'zod';
import { config } from '../config';
import { canonicalTimeZone, isValidTimeZone, nextDate, zonedParts, zonedTimeToMs } from '../time/zoned';

/**
 * The one parser of dashboard filters, for every page, JSON endpoint and CSV export. They live in
 * the URL so any view can be bookmarked and shared:
 *
 *   from, to   YYYY-MM-DD, inclusive, in `tz`   (default: the 30 days ending today)
 *   channel, group, agent   ids                  (each repeatable or comma-separated)
 *   source, status                               (each repeatable or comma-separated)
 *   tz         IANA timezone: day and hour buckets and the range's edges (default: DASHBOARD_TZ, else UTC)
 */
export { FILTER_PARAMS } from './params';
export const STATUSES = ['new', 'assigned', 'resolved'] as const;
export const DEFAULT_RANGE_DAYS = 30;
export const MAX_RANGE_DAYS = 366;
/**
 * Values a list filter takes: a team of a few hundred agents can choose them all in the filter bar
 * (100 refused the benchmark team's 128), and 300 ids of a Freshchat UUID's 36 characters keep
 * the URL (~13 KB) under Node's 16 KB limit for a request's headers, past which it answers 431.
 */
export const MAX_VALUES = 300;

export type Filters = {
  /** First and last day of the range, inclusive, as given (or defaulted). */
  from: string;
  to: string;
  tz: string;
  /** The range as epoch ms: [start, end), start of `from` to the start of the day after `to`, in `tz`. */
  startMs: number;
  endMs: number;
  channels: string[];
  groups: string[];
  agents: string[];
  sources: string[];
  statuses: (typeof STATUSES)[number][];
};

export type FilterError = { param: string; message: string };
export type ParsedFilters = { ok: true; filters: Filters } | { ok: false; errors: FilterError[] };

type SearchParams = URLSearchParams | Record<string, string | string[] | undefined>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const date = z
  .string()
  .regex(DATE, { message: 'expected a date as YYYY-MM-DD', abort: true })
  .refine((value) => {
    const [y, m, d] = value.split('-').map(Number);
    const check = new Date(Date.UTC(y!, m! - 1, d!));
    return check.getUTCFullYear() === y && check.getUTCMonth() === m! - 1 && check.getUTCDate() === d;
  }, 'is not a calendar date');
const id = z.string().min(1).max(200, 'is longer than 200 characters');
const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_VALUES, `takes at most ${MAX_VALUES} values`);

const schema = z.object({
  from: date.optional(),
  to: date.optional(),
  tz: z.string().refine(isValidTimeZone, 'is not an IANA timezone (e.g. Europe/Berlin)').transform(canonicalTimeZone).optional(),
  channel: list(id),
  group: list(id),
  agent: list(id),
  source: list(z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, 'expected a source such as WHATSAPP')),
  status: list(z.enum(STATUSES, { error: `expected one of ${STATUSES.join(', ')}` })),
});

/** All values of a parameter, whether repeated (`?group=a&group=b`) or comma-separated (`?group=a,b`). */
function values(params: SearchParams, name: string): string[] {
  const raw = params instanceof URLSearchParams ? params.getAll(name) : ([] as string[]).concat(params[name] ?? []);
  return raw.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
}

function single(params: SearchParams, name: string): string | undefined {
  return values(params, name)[0];
}

/**
 * `defaultTz` applies where the URL names no `tz`: the team's timezone (DASHBOARD_TZ), so a
 * bookmark of `/` shows the team's days. Links the dashboard writes always name their `tz`
 * (filtersToSearchParams), so a shared view reads the same whatever the server's default.
 */
export function parseFilters(params: SearchParams, now = Date.now(), defaultTz = config().timezone): ParsedFilters {
  const result = schema.safeParse({
    from: single(params, 'from'),
    to: single(params, 'to'),
    tz: single(params, 'tz'),
    channel: values(params, 'channel'),
    group: values(params, 'group'),
    agent: values(params, 'agent'),
    source: values(params, 'source'),
    // Statuses are lower case; `Resolved` is still resolved, as `whatsapp` is WHATSAPP.
    status: values(params, 'status').map((value) => value.toLowerCase()),
  });
  if (!result.success) {
    const errors = result.error.issues.map((issue) => {
      const param = String(issue.path[0]);
      // Which value: the one in error (of a list, the one at that position), the number of values
      // when the list is too long, or the first given.
      const which =
        typeof issue.path[1] === 'number'
          ? ` (${quoted(values(params, param)[issue.path[1]])})`
          : LISTS.has(param) && issue.code === 'too_big'
            ? ` (${values(params, param).length} values)`
            : ` (${quoted(single(params, param))})`;
      return { param, message: `${param}${which} ${issue.message}` };
    });
    // Both ends given and valid: their order and span are checked too, so every problem of the
    // URL is listed at once, not the next one only after the first is fixed.
    const from = date.safeParse(single(params, 'from'));
    const to = date.safeParse(single(params, 'to'));
    if (from.success && to.success) errors.push(...rangeErrors(from.data, to.data));
    return { ok: false, errors };
  }
  const { from: givenFrom, to: givenTo, tz = defaultTz, channel, group, agent, source, status } = result.data;
  const to = givenTo ?? todayIn(tz, now);
  const from = givenFrom ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  const errors = rangeErrors(from, to);
  if (errors.length > 0) return { ok: false, errors };
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return {
    ok: true,
    filters: {
      from,
      to,
      tz,
      startMs: zonedTimeToMs(fy, fm, fd, 0, 0, tz),
      endMs: zonedTimeToMs(...nextDate(ty, tm, td), 0, 0, tz),
      channels: unique(channel),
      groups: unique(group),
      agents: unique(agent),
      sources: unique(source.map((s) => s.toUpperCase())),
      statuses: unique(status),
    },
  };
}

/**
 * The timezone alone, for the pages where only it applies (Ingest health, one conversation): the
 * URL's `tz` when it is one, else the default with the reason the given one was not taken. Other
 * filters, valid or not, are none of these pages' business.
 */
export function timezoneOf(params: SearchParams): { tz: string; error: FilterError | null } {
  const parsed = parseFilters({ tz: single(params, 'tz') });
  return parsed.ok ? { tz: parsed.filters.tz, error: null } : { tz: config().timezone, error: parsed.errors[0] ?? null };
}

/** The filters that take several values: the schema's lists. */
const LISTS = new Set(Object.entries(schema.shape).flatMap(([name, type]) => (type instanceof z.ZodArray ? [name] : [])));

/**
 * The URL's parameters without the filters that cannot be applied, for a link that keeps the rest
 * (a colleague's link with one bad date keeps its groups and agents). Of a list, only the values
 * in error go (`status=bogus&status=new` keeps `new`), unless it has too many. The range is one
 * thing: when either end is wrong, or the two together are, both go and the default range applies.
 * Null when nothing valid is left to keep. Parameters that are not filters (a page's sort order)
 * stay, and the link names its timezone, as every link the dashboard writes does.
 */
export function withoutInvalidFilters(params: SearchParams, now = Date.now()): URLSearchParams | null {
  const all = asSearchParams(params);
  const parsed = parseFilters(all, now);
  if (parsed.ok) return all;
  const drop = new Set(parsed.errors.map((e) => e.param));
  if (drop.has('from') || drop.has('to')) drop.add('from').add('to');
  const alone = (name: string, value: string) => value.trim() !== '' && parseFilters(new URLSearchParams([[name, value]]), now).ok;
  const valuesKept = new URLSearchParams();
  for (const [name, value] of all) {
    if (!drop.has(name)) valuesKept.append(name, value);
    else if (LISTS.has(name)) {
      const valid = value.split(',').filter((item) => alone(name, item));
      if (valid.length > 0) valuesKept.append(name, valid.join(','));
    }
  }
  const paramsKept = new URLSearchParams([...all].filter(([name]) => !drop.has(name)));
  for (const kept of [valuesKept, paramsKept]) {
    const again = kept.size > 0 ? parseFilters(kept, now) : null;
    if (!again?.ok) continue;
    if (!kept.has('tz')) kept.set('tz', again.filters.tz);
    return kept;
  }
  return null;
}

/**
 * The parameters as given, as URLSearchParams: a page's object form (a repeated parameter as an
 * array) gives one entry per value, not split on commas as `values` reads them.
 */
export function asSearchParams(params: SearchParams): URLSearchParams {
  if (params instanceof URLSearchParams) return params;
  return new URLSearchParams(Object.entries(params).flatMap(([name, given]) => ([] as string[]).concat(given ?? []).map((value) => [name, value])));
}

/** A value as given, shortened: a URL can carry anything. */
function quoted(value: string | undefined): string {
  const text = value ?? '';
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function rangeErrors(from: string, to: string): FilterError[] {
  if (from > to) return [{ param: 'from', message: `from (${from}) is after to (${to})` }];
  if (rangeDays({ from, to }) > MAX_RANGE_DAYS) return [{ param: 'from', message: `the range spans more than ${MAX_RANGE_DAYS} days` }];
  return [];
}

/** The filters back as URL parameters (defaults included), for links, exports and live refreshes. */
export function filtersToSearchParams(filters: Filters): URLSearchParams {
  const params = new URLSearchParams({ from: filters.from, to: filters.to, tz: filters.tz });
  const add = (name: string, items: readonly string[]) => items.length > 0 && params.set(name, items.join(','));
  add('channel', filters.channels);
  add('group', filters.groups);
  add('agent', filters.agents);
  add('source', filters.sources);
  add('status', filters.statuses);
  return params;
}

const unique = <T>(items: T[]) => [...new Set(items)];
const ymd = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** Today's date (YYYY-MM-DD) on a clock in `tz`. */
export function todayIn(tz: string, now = Date.now()): string {
  const today = zonedParts(now, tz);
  return ymd(today.year, today.month, today.day);
}

/** The date `days` after (or before, if negative) `day`, both YYYY-MM-DD. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const moved = new Date(Date.UTC(y, m - 1, d + days));
  return ymd(moved.getUTCFullYear(), moved.getUTCMonth() + 1, moved.getUTCDate());
}

/** How many calendar days the range holds, `from` and `to` included (whatever DST does to its hours). */
export function rangeDays({ from, to }: Pick<Filters, 'from' | 'to'>): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}
