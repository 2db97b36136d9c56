import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { parseFilters, type Filters } from '@/lib/filters/parse-filters';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { getOverviewTiles, getVolumeByDay } from '@/lib/queries/overview';
import { conversationStory } from '../helpers/conversation-story';
import { streamLines } from '../helpers/fixtures';
import { tempDatabasePath } from '../helpers/server';

// The out-of-order fixture stream (60 conversations created 2026-10-05 … 2026-11-01). Expected
// figures counted independently from the file: latest state per conversation, statistics from
// the latest event carrying them, reopens from `resolved → …` changes.
let db: Db;
const filters = (query: string): Filters => {
  const parsed = parseFilters(new URLSearchParams(query), Date.parse('2026-11-25T12:00:00Z'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.filters;
};

beforeAll(() => {
  db = openDatabase(tempDatabasePath('queries'));
  ingestEnvelopes(db, streamLines().map((line) => JSON.parse(line)));
});

describe('overview tiles', () => {
  it('counts conversations created in October by current status, with medians in hours', () => {
    expect(getOverviewTiles(db, filters('from=2026-10-01&to=2026-10-31'))).toEqual({
      created: 58,
      open: 14,
      unassigned: 12,
      resolved: 32,
      reopened: 10,
      firstResponseHours: { business: 2.5, calendar: 6 },
      resolutionHours: { business: 22.5, calendar: 37 },
    });
  });

  it('obeys the range and the other filters', () => {
    expect(getOverviewTiles(db, filters('from=2026-10-01&to=2026-10-14'))).toMatchObject({ created: 21, open: 5, unassigned: 4, resolved: 12, reopened: 3, resolutionHours: { business: 17, calendar: 30 } });
    expect(getOverviewTiles(db, filters('from=2026-10-01&to=2026-11-30&source=WHATSAPP'))).toMatchObject({
      created: 13,
      open: 3,
      unassigned: 4,
      resolved: 6,
      reopened: 3,
      firstResponseHours: { business: 1, calendar: 6 },
      resolutionHours: { business: 11, calendar: 47 },
    });
    expect(getOverviewTiles(db, filters('from=2026-10-01&to=2026-11-30&status=new,assigned'))).toMatchObject({ created: 27, resolved: 0 });
    expect(getOverviewTiles(db, filters('from=2025-01-01&to=2025-01-31'))).toMatchObject({ created: 0, firstResponseHours: { business: null, calendar: null } });
  });
});

describe('volume by day', () => {
  it('puts each conversation on its creation day in the timezone', () => {
    const utc = getVolumeByDay(db, filters('from=2026-10-05&to=2026-10-12'));
    expect(utc.map((d) => d.day)).toEqual(['2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-11', '2026-10-12']);
    expect(utc.map((d) => d.new + d.assigned + d.resolved)).toEqual([2, 1, 3, 3, 1, 2, 2, 3]);
    // The whole range adds up to the created tile, in any timezone.
    for (const tz of ['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata']) {
      const range = `from=2026-10-01&to=2026-11-10&tz=${tz}`;
      const total = getVolumeByDay(db, filters(range)).reduce((sum, d) => sum + d.new + d.assigned + d.resolved, 0);
      expect(total, tz).toBe(getOverviewTiles(db, filters(range)).created);
    }
  });

  it('keeps the last hour of the day the clocks go back on that day', () => {
    // New York leaves summer time on 2026-11-01: its day runs 04:00Z … 05:00Z the next day. Three
    // conversations in its 25th hour, at 23:10–23:50 EST; before 2026-11-27 they went to 11-02,
    // so a range of that day alone lost them from its bars but not from its tiles.
    const late = ['2026-11-02T04:10:00.000Z', '2026-11-02T04:30:00.000Z', '2026-11-02T04:50:00.000Z'];
    const other = openDatabase(tempDatabasePath('dst'));
    late.forEach((at, i) => ingestEnvelopes(other, conversationStory(`dst-${i}`, 'c-web', at, [])));
    const day = filters('from=2026-11-01&to=2026-11-01&tz=America/New_York');
    expect(getOverviewTiles(other, day).created).toBe(3);
    expect(getVolumeByDay(other, day).map((d) => [d.day, d.new])).toEqual([['2026-11-01', 3]]);
    const after = getVolumeByDay(other, filters('from=2026-11-01&to=2026-11-02&tz=America/New_York'));
    expect(after.map((d) => [d.day, d.new])).toEqual([
      ['2026-11-01', 3],
      ['2026-11-02', 0],
    ]);
    other.$client.close();
  });

  it('crosses a DST change without losing or moving a day', () => {
    // Berlin leaves summer time on 2026-10-25: that day has 25 hours.
    const days = getVolumeByDay(db, filters('from=2026-10-24&to=2026-10-26&tz=Europe/Berlin'));
    expect(days.map((d) => d.day)).toEqual(['2026-10-24', '2026-10-25', '2026-10-26']);
  });
});
