/**
 * The live tiles' figures (`getLiveFigures`, GET /api/live) take the pages' filter parameters, but
 * README ("The dashboard", GET /api/live): "the date range and the status filter do not apply
 * (these are figures of now, and openNow/unassignedNow are statuses themselves)". Invalid filters
 * are still answered 400 with `{error, errors: [{param, message}]}`, as on every JSON endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { parseFilters } from '@/lib/filters/parse-filters';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { getLiveFigures } from '@/lib/queries/live';
import { streamLines } from '../helpers/fixtures';
import { postStream, startServer, tempDatabasePath, type TestServer } from '../helpers/server';

// The fixture stream: 60 conversations created 2026-10-05 … 2026-11-01, now (their latest state)
// 15 assigned, 12 new, 33 resolved (tests/ingest/stream.test.ts). Of the two created in November,
// one is assigned and one resolved; none was created in September. WHATSAPP, by current values:
// 3 assigned, 4 new (as the Overview's WHATSAPP tiles in tests/queries/overview.test.ts).
// 239 distinct events, all received when the test loaded them, so within the last 5 minutes.
const ALL = { openNow: 15, unassignedNow: 12 };
const WHATSAPP = { openNow: 3, unassignedNow: 4 };

/**
 * The same view with the range and the status filter changed in every way that would change the
 * figures if either applied: a status that excludes every open or waiting conversation, a month
 * with no conversation (September), and one with two (November: a range that applied would give 1 and 0).
 */
const IGNORED = ['status=resolved', 'from=2026-09-01&to=2026-09-30', 'from=2026-11-01&to=2026-11-30', 'status=new&from=2026-11-01&to=2026-11-30&tz=Asia/Tokyo'];

describe('getLiveFigures', () => {
  let db: Db;
  let now: number;
  beforeAll(() => {
    db = openDatabase(tempDatabasePath('live-filters'));
    ingestEnvelopes(db, streamLines().map((line) => JSON.parse(line)));
    now = Date.now();
  });
  const live = (query: string) => {
    const parsed = parseFilters(new URLSearchParams(query), Date.parse('2026-11-25T12:00:00Z'));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return getLiveFigures(db, parsed.filters, now);
  };

  it('gives the same figures whatever the range and the status filter', () => {
    const base = live('');
    expect(base).toMatchObject({ ...ALL, eventsLastMinutes: 239 });
    for (const query of IGNORED) expect(live(query), query).toEqual(base);
  });

  it('still applies the other filters, with the range and status ignored beside them', () => {
    // The control: a filter that does apply changes the figures, so "the same" above could have failed.
    const whatsapp = live('source=WHATSAPP');
    expect(whatsapp).toMatchObject({ ...WHATSAPP, eventsLastMinutes: 239 });
    for (const query of IGNORED) expect(live(`source=WHATSAPP&${query}`), query).toEqual(whatsapp);
  });
});

describe('GET /api/live', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    expect((await postStream(server)).status).toBe(200);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const get = async (query: string) => {
    const response = await fetch(`${server.url}/api/live${query ? `?${query}` : ''}`);
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  /** Everything but `at`, the time of the answer. */
  const figures = ({ at: _at, ...rest }: Record<string, unknown>) => rest;

  it('answers the same figures with and without a status filter or a range of another month', async () => {
    const base = await get('');
    expect(base.status).toBe(200);
    expect(base.json).toMatchObject({ ...ALL, eventsLastMinutes: 239, lastEventAt: expect.any(String) });
    for (const query of IGNORED) {
      const answer = await get(query);
      expect(answer.status, query).toBe(200);
      expect(figures(answer.json), query).toEqual(figures(base.json));
    }
    const whatsapp = await get('source=WHATSAPP&status=resolved&from=2026-09-01&to=2026-09-30');
    // eventsLastMinutes counts every event received, whatever the filters.
    expect(figures(whatsapp.json)).toEqual({ ...figures(base.json), ...WHATSAPP });
  });

  it.each([
    {
      query: 'from=2026-13-01&status=open',
      errors: [
        { param: 'from', message: 'from (2026-13-01) is not a calendar date' },
        { param: 'status', message: 'status (open) expected one of new, assigned, resolved' },
      ],
    },
    // The range does not apply here, but a range the parser refuses is still refused.
    { query: 'from=2025-11-01&to=2026-11-30', errors: [{ param: 'from', message: 'the range spans more than 366 days' }] },
    { query: 'tz=Mars/Olympus', errors: [{ param: 'tz', message: 'tz (Mars/Olympus) is not an IANA timezone (e.g. Europe/Berlin)' }] },
  ])('answers invalid filters ($query) 400 with {error, errors: [{param, message}]}', async ({ query, errors }) => {
    const answer = await get(query);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: `invalid filters: ${errors.map((e) => e.message).join('; ')}`, errors });
  });
});
