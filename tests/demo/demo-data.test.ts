import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { demoStatus, FIRST_RUN_DEMO, loadDemoData, loadFirstRunDemo } from '@/lib/demo/demo-data';
import { parseFilters } from '@/lib/filters/parse-filters';
import { getLiveFigures, LIVE_WINDOW_MINUTES } from '@/lib/queries/live';
import { tempDatabasePath } from '../helpers/server';

type Row = { id: number; eventTime: number; receivedAt: number };

describe('loading demo data', () => {
  it('receives each generated event as it happens, not all at the moment of loading', () => {
    const db = openDatabase(tempDatabasePath('demo-receipts'));
    const before = Date.now();
    loadDemoData(db, { days: 3, conversationsPerDay: 40 });
    const after = Date.now();
    const rows = db.$client.prepare('select id, event_time as eventTime, received_at as receivedAt from events order by id').all() as Row[];
    expect(rows.length).toBeGreaterThan(300);

    // Receipt times grow with ids (the live tile reads the newest ids back to the window's start),
    // none is before its event happened or after the load.
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.receivedAt).toBeGreaterThanOrEqual(rows[i - 1]!.receivedAt);
    for (const row of rows) {
      expect(row.receivedAt).toBeGreaterThanOrEqual(Math.min(row.eventTime, before));
      expect(row.receivedAt).toBeLessThanOrEqual(after);
    }
    // Most are received at their own time; the generator delivers some late, received after later events.
    const onTime = rows.filter((row) => row.receivedAt === row.eventTime).length;
    expect(onTime / rows.length).toBeGreaterThan(0.8);
    expect(onTime).toBeLessThan(rows.length);
    // Spread over the three days, as the events are: not one instant.
    expect(rows.at(-1)!.receivedAt - rows[0]!.receivedAt).toBeGreaterThan(2 * 24 * 3_600_000);
    expect(Date.parse(demoStatus(db)!.loadedAt)).toBeGreaterThanOrEqual(before);

    // "Events, last 5 min" right after loading: those received in the window, not the whole demo.
    const now = Date.now();
    const inWindow = rows.filter((row) => row.receivedAt >= now - LIVE_WINDOW_MINUTES * 60_000).length;
    expect(inWindow).toBeLessThan(rows.length / 10);
    const parsed = parseFilters({}, now);
    if (!parsed.ok) throw new Error('default filters rejected');
    expect(getLiveFigures(db, parsed.filters, now).eventsLastMinutes).toBe(inWindow);
    db.$client.close();
  });

  it('fills the first screen: every day of the default range, from its first midnight, none cut short', () => {
    const db = openDatabase(tempDatabasePath('demo-first-run'));
    const now = Date.parse('2026-11-26T23:03:00Z'); // late in the day: history ending now began at 23:03
    const loaded = loadFirstRunDemo(db, now);
    const parsed = parseFilters({}, now);
    if (!parsed.ok) throw new Error('default filters rejected');
    const { startMs, from, to } = parsed.filters;
    expect([from, to]).toEqual(['2026-10-28', '2026-11-26']);
    const perDay = db.$client
      .prepare(`select strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') as day, count(*) as n, min(created_at) as first from conversations group by day order by day`)
      .all() as { day: string; n: number; first: number }[];
    // 30 days, the first from its midnight (the day more that was generated is dropped), each a busy day's share.
    expect(perDay.map((d) => d.day)).toHaveLength(FIRST_RUN_DEMO.days);
    expect(perDay[0]!.day).toBe(from);
    expect(perDay.at(-1)!.day).toBe(to);
    expect(perDay[0]!.first).toBeGreaterThanOrEqual(startMs);
    expect(perDay[0]!.first).toBeLessThan(startMs + 6 * 3_600_000);
    for (const day of perDay.slice(0, -1)) expect(day.n, day.day).toBeGreaterThan(40); // weekends are quieter, never near empty
    expect(loaded.conversations).toBe(perDay.reduce((sum, d) => sum + d.n, 0));
    expect(demoStatus(db)).toMatchObject({ days: 30, conversations: loaded.conversations });
    db.$client.close();
  });
});
