import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { demoStatus, loadDemoData } from '@/lib/demo/demo-data';
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
});
