import { describe, expect, it } from 'vitest';
import { filtersToSearchParams, MAX_VALUES, parseFilters, rangeDays, withoutInvalidFilters } from '@/lib/filters/parse-filters';

const NOW = Date.parse('2026-11-25T12:00:00Z');
// The server's default timezone given here, not read from this process's DASHBOARD_TZ.
const parse = (query: string, defaultTz = 'UTC') => parseFilters(new URLSearchParams(query), NOW, defaultTz);

describe('parseFilters', () => {
  it('defaults to the 30 days ending today, in UTC', () => {
    const result = parse('');
    expect(result).toEqual({
      ok: true,
      filters: {
        from: '2026-10-27',
        to: '2026-11-25',
        tz: 'UTC',
        startMs: Date.parse('2026-10-27T00:00:00Z'),
        endMs: Date.parse('2026-11-26T00:00:00Z'),
        channels: [],
        groups: [],
        agents: [],
        sources: [],
        statuses: [],
      },
    });
  });

  it("takes the team's timezone (DASHBOARD_TZ) where the URL names none: its today, its midnights", () => {
    // 12:00 UTC on 25 November is 21:00 in Tokyo, 07:00 in New York; 23:30 UTC is already the 26th in Tokyo.
    const tokyo = parse('', 'Asia/Tokyo');
    expect(tokyo.ok && tokyo.filters).toMatchObject({
      from: '2026-10-27',
      to: '2026-11-25',
      tz: 'Asia/Tokyo',
      startMs: Date.parse('2026-10-26T15:00:00Z'),
      endMs: Date.parse('2026-11-25T15:00:00Z'),
    });
    const late = parseFilters(new URLSearchParams(''), Date.parse('2026-11-25T23:30:00Z'), 'Asia/Tokyo');
    expect(late.ok && [late.filters.from, late.filters.to]).toEqual(['2026-10-28', '2026-11-26']);
    // A zone spelt in other case is that zone, written one way in links.
    const lower = parse('tz=asia/tokyo');
    expect(lower.ok && [lower.filters.tz, filtersToSearchParams(lower.filters).get('tz')]).toEqual(['Asia/Tokyo', 'Asia/Tokyo']);
    // A URL's own tz wins, and links always carry theirs, so a shared link reads the same anywhere.
    const given = parse('tz=America/New_York', 'Asia/Tokyo');
    expect(given.ok && given.filters.tz).toBe('America/New_York');
    expect(given.ok && filtersToSearchParams(given.filters).get('tz')).toBe('America/New_York');
    expect(tokyo.ok && filtersToSearchParams(tokyo.filters).get('tz')).toBe('Asia/Tokyo');
  });

  it('takes inclusive dates whose edges are midnights in the timezone', () => {
    const result = parse('from=2026-10-01&to=2026-10-31&tz=Europe/Berlin');
    expect(result.ok && [result.filters.startMs, result.filters.endMs]).toEqual([
      Date.parse('2026-09-30T22:00:00Z'), // 00:00 CEST
      Date.parse('2026-10-31T23:00:00Z'), // 00:00 CET on 1 November (clocks went back on the 25th)
    ]);
  });

  it('reads repeated and comma-separated values alike, without duplicates', () => {
    const result = parse('group=a,b&group=b&group=c&status=new,Resolved&source=whatsapp&agent=x');
    // Statuses and sources in any case (a hand-typed link): `Resolved` is resolved, `whatsapp` WHATSAPP.
    expect(result.ok && result.filters).toMatchObject({ groups: ['a', 'b', 'c'], statuses: ['new', 'resolved'], sources: ['WHATSAPP'], agents: ['x'] });
  });

  it('takes every agent of a team of a few hundred, and says how many values a longer list has', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `6b2f4f3e-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const all = parse(`agent=${ids(MAX_VALUES).join(',')}`);
    expect(all.ok && all.filters.agents).toHaveLength(MAX_VALUES);
    expect(MAX_VALUES).toBeGreaterThanOrEqual(128); // the benchmark's team, refused at 100
    expect(parse(`agent=${ids(MAX_VALUES + 1).join(',')}`)).toMatchObject({ ok: false, errors: [{ param: 'agent', message: `agent (${MAX_VALUES + 1} values) takes at most ${MAX_VALUES} values` }] });
  });

  it('accepts a plain object of search params, as Next.js pages receive them', () => {
    const result = parseFilters({ channel: ['c1', 'c2'], status: 'assigned' }, NOW);
    expect(result.ok && result.filters).toMatchObject({ channels: ['c1', 'c2'], statuses: ['assigned'] });
  });

  it.each([
    ['from=2026-13-01', 'from', 'from (2026-13-01) is not a calendar date'],
    ['from=yesterday', 'from', 'from (yesterday) expected a date as YYYY-MM-DD'],
    ['to=2026-02-30', 'to', 'to (2026-02-30) is not a calendar date'],
    ['from=2026-11-20&to=2026-11-01', 'from', 'from (2026-11-20) is after to (2026-11-01)'],
    ['from=2024-01-01&to=2026-01-01', 'from', 'the range spans more than 366 days'],
    ['tz=Mars/Olympus', 'tz', 'tz (Mars/Olympus) is not an IANA timezone (e.g. Europe/Berlin)'],
    ['status=open', 'status', 'status (open) expected one of new, assigned, resolved'],
    // Of a list, the value in error, not the first.
    ['status=new,closed', 'status', 'status (closed) expected one of new, assigned, resolved'],
    ["source=WHATSAPP'%3B--", 'source', "source (WHATSAPP';--) expected a source such as WHATSAPP"],
  ])('rejects %s with a message naming the parameter', (query, param, message) => {
    expect(parse(query)).toEqual({ ok: false, errors: [{ param, message }] });
  });

  it('lists every problem of the URL at once: a bad parameter does not hide an inverted range', () => {
    expect(parse('from=2026-11-30&to=2026-11-01&tz=Mars/Olympus&status=open')).toEqual({
      ok: false,
      errors: [
        { param: 'tz', message: 'tz (Mars/Olympus) is not an IANA timezone (e.g. Europe/Berlin)' },
        { param: 'status', message: 'status (open) expected one of new, assigned, resolved' },
        { param: 'from', message: 'from (2026-11-30) is after to (2026-11-01)' },
      ],
    });
    // An end that is itself wrong is reported once, not again as a range problem.
    expect(parse('from=2026-11-30&to=2026-02-30&tz=Mars/Olympus')).toEqual({
      ok: false,
      errors: [
        { param: 'to', message: 'to (2026-02-30) is not a calendar date' },
        { param: 'tz', message: 'tz (Mars/Olympus) is not an IANA timezone (e.g. Europe/Berlin)' },
      ],
    });
  });

  it('round-trips through URL parameters', () => {
    const first = parse('from=2026-11-01&to=2026-11-07&tz=Asia/Tokyo&group=g1,g2&status=new');
    expect(first.ok).toBe(true);
    const again = parseFilters(filtersToSearchParams((first as { filters: any }).filters), NOW);
    expect(again).toEqual(first);
  });
});

describe('withoutInvalidFilters', () => {
  const kept = (query: string) => withoutInvalidFilters(new URLSearchParams(query), NOW)?.toString() ?? null;

  it('drops the parameters that cannot be applied and keeps the others, page parameters included, naming the timezone', () => {
    // The invalid tz goes, and the link names the default one (UTC here) like every link the dashboard writes.
    expect(kept('group=g1&agent=a1,a2&tz=Mars/Olympus&status=open&sort=name')).toBe('group=g1&agent=a1%2Ca2&sort=name&tz=UTC');
    // The plain object Next.js pages receive: repeated values as arrays, kept as given.
    expect(withoutInvalidFilters({ group: ['g1', 'g2'], tz: 'Mars/Olympus', sort: 'name,desc' }, NOW)?.toString()).toBe('group=g1&group=g2&sort=name%2Cdesc&tz=UTC');
  });

  it('keeps the valid values of a list, repeated or comma-separated, and drops a list of too many whole', () => {
    expect(kept('status=bogus&status=new&tz=Asia/Tokyo')).toBe('status=new&tz=Asia%2FTokyo');
    expect(kept('status=bogus,resolved&source=WEB&tz=UTC')).toBe('status=resolved&source=WEB&tz=UTC');
    expect(kept('source=WEB,no%20spaces&tz=UTC')).toBe('source=WEB&tz=UTC');
    const many = Array.from({ length: MAX_VALUES + 1 }, (_, i) => `g${i}`).join(',');
    expect(kept(`group=${many}&source=WEB&tz=UTC`)).toBe('source=WEB&tz=UTC');
  });

  it('drops both ends of the range when either is wrong, or the two together are', () => {
    expect(kept('from=2026-11-01&to=2026-02-30&source=WEB')).toBe('source=WEB&tz=UTC');
    expect(kept('from=2026-11-30&to=2026-11-01&group=g1')).toBe('group=g1&tz=UTC');
    expect(kept('from=2020-01-01&to=2026-11-01&group=g1&tz=Asia/Tokyo')).toBe('group=g1&tz=Asia%2FTokyo');
  });

  it('is null when nothing valid is left, and the parameters themselves when all are valid', () => {
    expect(kept('tz=Nowhere/Else')).toBeNull();
    expect(kept('from=2026-11-30&to=2026-11-01')).toBeNull();
    expect(kept('from=2026-11-01&group=g1')).toBe('from=2026-11-01&group=g1');
  });
});

describe('rangeDays', () => {
  it('counts calendar days, both ends included, whatever DST does to the range\'s hours', () => {
    // October 2026 in Berlin ends summer time on the 25th: 31 days of 24 h and one of 25 h.
    const parsed = parseFilters({ from: '2026-10-01', to: '2026-10-31', tz: 'Europe/Berlin' });
    if (!parsed.ok) throw new Error('filters');
    expect(parsed.filters.endMs - parsed.filters.startMs).toBe(31 * 86_400_000 + 3_600_000);
    expect(rangeDays(parsed.filters)).toBe(31);
    expect(rangeDays({ from: '2026-10-31', to: '2026-10-31' })).toBe(1);
    expect(rangeDays({ from: '2025-11-01', to: '2026-10-31' })).toBe(365);
  });
});
