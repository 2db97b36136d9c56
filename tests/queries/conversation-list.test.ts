import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { parseFilters, type Filters } from '@/lib/filters/parse-filters';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { getConversationList } from '@/lib/queries/conversation-list';
import { getFilterOptions } from '@/lib/queries/dimensions';
import { parseListParams, type ListParams } from '@/lib/queries/conversation-list-params';
import { envelope } from '../helpers/conversation-spec';
import { tempDatabasePath } from '../helpers/server';

const filters = (query: string): Filters => {
  const parsed = parseFilters(new URLSearchParams(query), Date.parse('2026-11-25T12:00:00Z'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.filters;
};
const params = (query: Record<string, string>): ListParams => {
  const parsed = parseListParams(query);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.params;
};
const OCTOBER = 'from=2026-10-01&to=2026-10-31';

/**
 * Five conversations written out by hand (c5 outside October):
 *
 * id  created (UTC)      status    channel          group        agent               source    first resp. b/c  resolution b/c  reopens reassign.
 * c1  10-02 10:00        resolved  ch-b "billing"   g1 "Alpha"   a1 "Zed Agent"      WEB       2 / 3            5 / 10          0       0
 * c2  10-03 09:00        new       ch-a "Apps"      –            –                   WHATSAPP  –                –               0       0
 * c3  10-03 09:00        assigned  ch-a "Apps"      g2 "beta"    a2 "anna Berg"      WEB       2 / 4            –               0       1 (agent a1 → a2)
 * c4  10-05 12:00        assigned  –                g1 "Alpha"   a3 (no name)        –         1 / 1            –               1       1 (group g2 → g1)
 * c5  11-02 08:00        new       ch-a             –            –                   WEB
 */
let db: Db;
beforeAll(() => {
  db = openDatabase(tempDatabasePath('conversation-list'));
  const apps = { id: 'ch-a', name: 'Apps' };
  ingestEnvelopes(db, [
    envelope({ id: 'c1', created: '2026-10-02T10:00:00Z', status: 'resolved', channel: { id: 'ch-b', name: 'billing' }, group: { id: 'g1', name: 'Alpha' }, agent: { id: 'a1', first_name: 'Zed', last_name: 'Agent' }, source: 'WEB', statistics: { first_response_time_bhrs: 2, first_response_time_chrs: 3, resolution_time_bhrs: 5, resolution_time_chrs: 10 } }),
    envelope({ id: 'c2', created: '2026-10-03T09:00:00Z', channel: apps, source: 'WHATSAPP' }),
    envelope({ id: 'c3', created: '2026-10-03T09:00:00Z', channel: apps, source: 'WEB' }),
    envelope({
      id: 'c3',
      event: 'onConversationUpdate',
      created: '2026-10-03T09:00:00Z',
      updated: '2026-10-03T11:00:00Z',
      status: 'assigned',
      channel: apps,
      group: { id: 'g2', name: 'beta' },
      agent: { id: 'a2', first_name: 'anna', last_name: 'Berg' },
      source: 'WEB',
      changes: { assigned_agent_id: ['a1', 'a2'] },
      statistics: { first_response_time_bhrs: 2, first_response_time_chrs: 4 },
    }),
    envelope({ id: 'c4', created: '2026-10-05T12:00:00Z', updated: '2026-10-06T12:00:00Z', event: 'onConversationUpdate', status: 'assigned', group: { id: 'g1', name: 'Alpha' }, agent: { id: 'a3' }, changes: { status: ['resolved', 'assigned'], assigned_group_id: ['g2', 'g1'] }, statistics: { first_response_time_bhrs: 1, first_response_time_chrs: 1 } }),
    envelope({ id: 'c5', created: '2026-11-02T08:00:00Z', channel: apps, source: 'WEB' }),
  ]);
});

const ids = (query: Record<string, string>, filter = OCTOBER) => getConversationList(db, filters(filter), params(query)).rows.map((r) => r.conversationId);

describe('conversations table: sorting', () => {
  it('defaults to newest first, ties broken on the id in the same direction', () => {
    expect(ids({})).toEqual(['c4', 'c3', 'c2', 'c1']);
    expect(ids({ sort: 'created', dir: 'asc' })).toEqual(['c1', 'c2', 'c3', 'c4']);
  });

  it('sorts names case-insensitively, falling back to the id, with rows lacking a value last in both directions', () => {
    // channel names: billing (c1), Apps (c2, c3), none (c4)
    expect(ids({ sort: 'channel', dir: 'asc' })).toEqual(['c2', 'c3', 'c1', 'c4']);
    expect(ids({ sort: 'channel', dir: 'desc' })).toEqual(['c1', 'c3', 'c2', 'c4']);
    // agent names: "a3" (c4: no name, so its id) < "anna berg" (c3) < "zed agent" (c1); c2 has none
    expect(ids({ sort: 'agent', dir: 'asc' })).toEqual(['c4', 'c3', 'c1', 'c2']);
    expect(ids({ sort: 'agent', dir: 'desc' })).toEqual(['c1', 'c3', 'c4', 'c2']);
    // group names: Alpha (c1, c4), beta (c3), none (c2)
    expect(ids({ sort: 'group', dir: 'asc' })).toEqual(['c1', 'c4', 'c3', 'c2']);
  });

  it('sorts accented names where people look for them, in the table and in the filter lists', () => {
    // SQLite's lower() folds ASCII only: Émile and Åsa sorted after Zed.
    const accented = openDatabase(tempDatabasePath('conversation-list-accents'));
    const people = [
      ['n1', 'Zed', 'Agent'],
      ['n2', 'Émile', 'Haddad'],
      ['n3', 'dalia', 'Petrov'],
      ['n4', 'Åsa', 'Lind'],
      ['n5', 'Fatima', 'Iyer'],
      ['n6', 'Łukasz', 'Nowak'],
      ['n7', 'Øystein', 'Berg'],
    ] as const;
    ingestEnvelopes(
      accented,
      people.map(([id, first, last], i) =>
        envelope({ id, created: `2026-10-0${i + 1}T10:00:00Z`, status: 'assigned', agent: { id: `agent-${id}`, first_name: first, last_name: last }, group: { id: `g-${id}`, name: `${first} team` } }),
      ),
    );
    const sorted = (sort: string) => getConversationList(accented, filters(OCTOBER), params({ sort, dir: 'asc' })).rows.map((row) => row.conversationId);
    expect(sorted('agent')).toEqual(['n4', 'n3', 'n2', 'n5', 'n6', 'n7', 'n1']);
    expect(sorted('group')).toEqual(['n4', 'n3', 'n2', 'n5', 'n6', 'n7', 'n1']);
    expect(getFilterOptions(accented).agents.map((agent) => agent.name)).toEqual(['Åsa Lind', 'dalia Petrov', 'Émile Haddad', 'Fatima Iyer', 'Łukasz Nowak', 'Øystein Berg', 'Zed Agent']);
    accented.$client.close();
  });

  it('sorts statistics and counters as numbers, nulls last, ties on the id', () => {
    // first response (business hours): c4 1, c1 2, c3 2, c2 none
    expect(ids({ sort: 'firstResponse', dir: 'asc' })).toEqual(['c4', 'c1', 'c3', 'c2']);
    expect(ids({ sort: 'firstResponse', dir: 'desc' })).toEqual(['c3', 'c1', 'c4', 'c2']);
    expect(ids({ sort: 'resolution', dir: 'desc' })).toEqual(['c1', 'c4', 'c3', 'c2']);
    expect(ids({ sort: 'reopens', dir: 'desc' })).toEqual(['c4', 'c3', 'c2', 'c1']);
    expect(ids({ sort: 'reassignments', dir: 'desc' })).toEqual(['c4', 'c3', 'c2', 'c1']);
    expect(ids({ sort: 'status', dir: 'asc' })).toEqual(['c3', 'c4', 'c2', 'c1']);
    expect(ids({ sort: 'source', dir: 'asc' })).toEqual(['c1', 'c3', 'c2', 'c4']);
    expect(ids({ sort: 'id', dir: 'desc' })).toEqual(['c4', 'c3', 'c2', 'c1']);
    expect(ids({ sort: 'updated', dir: 'desc' })).toEqual(['c4', 'c3', 'c2', 'c1']);
  });

  it('sorts by times and counters, not by the id they might share an order with', () => {
    // In the table above the ids, creation and update times and counters all run in one order, so
    // a sort that fell back to the id alone would pass there. Here each key orders x1–x3 its own
    // way, and none the way the ids do (x1 < x2 < x3):
    //
    // id  created  updated  reopens  agent reassignments
    // x1  10-20    10-22    0        2 (a1 → a2 → a1)
    // x2  10-10    10-12    2        0
    // x3  10-01    10-28    1        1 (a1 → a2)
    const keyed = openDatabase(tempDatabasePath('conversation-list-keys'));
    const a1 = { id: 'a1', first_name: 'Ann' };
    const a2 = { id: 'a2', first_name: 'Bo' };
    const update = (id: string, created: string, updated: string, spec: Partial<Parameters<typeof envelope>[0]>) =>
      envelope({ id, created, updated, event: 'onConversationUpdate', status: 'assigned', agent: a1, ...spec });
    ingestEnvelopes(keyed, [
      envelope({ id: 'x1', created: '2026-10-20T10:00:00Z', status: 'assigned', agent: a1 }),
      update('x1', '2026-10-20T10:00:00Z', '2026-10-21T10:00:00Z', { agent: a2, changes: { assigned_agent_id: ['a1', 'a2'] } }),
      update('x1', '2026-10-20T10:00:00Z', '2026-10-22T10:00:00Z', { changes: { assigned_agent_id: ['a2', 'a1'] } }),
      envelope({ id: 'x2', created: '2026-10-10T10:00:00Z', status: 'assigned', agent: a1 }),
      update('x2', '2026-10-10T10:00:00Z', '2026-10-11T10:00:00Z', { changes: { status: ['resolved', 'assigned'] } }),
      update('x2', '2026-10-10T10:00:00Z', '2026-10-12T10:00:00Z', { changes: { status: ['resolved', 'assigned'] } }),
      envelope({ id: 'x3', created: '2026-10-01T10:00:00Z', status: 'assigned', agent: a1 }),
      update('x3', '2026-10-01T10:00:00Z', '2026-10-27T10:00:00Z', { changes: { status: ['resolved', 'assigned'] } }),
      update('x3', '2026-10-01T10:00:00Z', '2026-10-28T10:00:00Z', { agent: a2, changes: { assigned_agent_id: ['a1', 'a2'] } }),
    ]);
    const sorted = (sort: string, dir: string) => getConversationList(keyed, filters(OCTOBER), params({ sort, dir })).rows.map((row) => row.conversationId);
    expect(sorted('id', 'asc')).toEqual(['x1', 'x2', 'x3']);
    expect(sorted('created', 'asc')).toEqual(['x3', 'x2', 'x1']);
    expect(sorted('created', 'desc')).toEqual(['x1', 'x2', 'x3']);
    expect(sorted('updated', 'asc')).toEqual(['x2', 'x1', 'x3']);
    expect(sorted('updated', 'desc')).toEqual(['x3', 'x1', 'x2']);
    expect(sorted('reopens', 'desc')).toEqual(['x2', 'x3', 'x1']);
    expect(sorted('reopens', 'asc')).toEqual(['x1', 'x3', 'x2']);
    expect(sorted('reassignments', 'desc')).toEqual(['x1', 'x3', 'x2']);
    expect(sorted('reassignments', 'asc')).toEqual(['x2', 'x3', 'x1']);
    keyed.$client.close();
  });

  it('returns each row with names, id fallbacks, statistics in hours and counters', () => {
    const rows = getConversationList(db, filters(OCTOBER), params({ sort: 'id', dir: 'asc' })).rows;
    expect(rows[0]).toEqual({
      conversationId: 'c1',
      createdAt: Date.parse('2026-10-02T10:00:00Z'),
      updatedAt: Date.parse('2026-10-02T10:00:00Z'),
      status: 'resolved',
      channelId: 'ch-b',
      channelName: 'billing',
      groupId: 'g1',
      groupName: 'Alpha',
      agentId: 'a1',
      agentName: 'Zed Agent',
      source: 'WEB',
      firstResponseBhrs: 2,
      firstResponseChrs: 3,
      resolutionBhrs: 5,
      resolutionChrs: 10,
      reopens: 0,
      reassignments: 0,
    });
    expect(rows[3]).toMatchObject({ conversationId: 'c4', agentId: 'a3', agentName: null, channelId: null, reopens: 1, reassignments: 1 });
  });
});

describe('conversations table: filters and pages', () => {
  it('obeys the range and the filters', () => {
    expect(ids({ sort: 'id', dir: 'asc' }, 'from=2026-10-01&to=2026-11-30')).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(ids({ sort: 'id', dir: 'asc' }, `${OCTOBER}&source=WEB`)).toEqual(['c1', 'c3']);
    expect(ids({ sort: 'id', dir: 'asc' }, `${OCTOBER}&group=g1&status=assigned`)).toEqual(['c4']);
    expect(ids({ sort: 'id', dir: 'asc' }, `${OCTOBER}&channel=ch-a`)).toEqual(['c2', 'c3']);
    // 2026-10-03 09:00 UTC is 02:00 in Los Angeles: still 10-03 there, so a one-day range finds both.
    expect(ids({ sort: 'id', dir: 'asc' }, 'from=2026-10-03&to=2026-10-03&tz=America/Los_Angeles')).toEqual(['c2', 'c3']);
    expect(getConversationList(db, filters('from=2025-01-01&to=2025-01-31'), params({}))).toMatchObject({ total: 0, rows: [], pageCount: 0, firstRow: 0, lastRow: 0 });
  });

  it('pages 50 rows at a time, with the rows shown and an empty page past the end', () => {
    const many = openDatabase(tempDatabasePath('conversation-pages'));
    // 120 conversations, one a minute from 2026-10-10 00:00 UTC: p000 … p119.
    ingestEnvelopes(
      many,
      Array.from({ length: 120 }, (_, i) => envelope({ id: `p${String(i).padStart(3, '0')}`, created: new Date(Date.parse('2026-10-10T00:00:00Z') + i * 60_000).toISOString() })),
    );
    const page = (n: number) => getConversationList(many, filters(OCTOBER), params({ sort: 'created', dir: 'asc', page: String(n) }));
    expect(page(1)).toMatchObject({ total: 120, pageCount: 3, firstRow: 1, lastRow: 50 });
    expect(page(1).rows.map((r) => r.conversationId).slice(0, 2)).toEqual(['p000', 'p001']);
    expect(page(2)).toMatchObject({ firstRow: 51, lastRow: 100 });
    expect(page(2).rows[0]!.conversationId).toBe('p050');
    expect(page(3)).toMatchObject({ firstRow: 101, lastRow: 120 });
    expect(page(3).rows.map((r) => r.conversationId).at(-1)).toBe('p119');
    expect(page(4)).toMatchObject({ total: 120, rows: [], firstRow: 0, lastRow: 0 });
    // Every row exactly once over the pages.
    const all = [1, 2, 3].flatMap((n) => page(n).rows.map((r) => r.conversationId));
    expect(new Set(all).size).toBe(120);
  });
});

describe('table parameters', () => {
  it('defaults to newest first, page 1', () => {
    expect(parseListParams({})).toEqual({ ok: true, params: { sort: 'created', dir: 'desc', page: 1 } });
    expect(parseListParams({ sort: 'agent', dir: 'asc', page: '3' })).toEqual({ ok: true, params: { sort: 'agent', dir: 'asc', page: 3 } });
  });

  it('names what is wrong instead of throwing', () => {
    const parsed = parseListParams({ sort: 'payload; drop table events', dir: 'up', page: '0' });
    expect(parsed.ok).toBe(false);
    const messages = parsed.ok ? [] : parsed.errors.map((e) => e.message);
    expect(messages).toEqual([
      'sort: expected one of id, created, status, channel, group, agent, source, firstResponse, resolution, reopens, reassignments, updated',
      'dir: expected asc or desc',
      'page: expected a page number from 1',
    ]);
    expect(parseListParams({ page: '2.5' })).toMatchObject({ ok: false, errors: [{ param: 'page', message: 'page: expected a whole page number' }] });
    expect(parseListParams({ page: 'abc' })).toMatchObject({ ok: false, errors: [{ param: 'page' }] });
    // Number() reads these as 1000, 16, 2 and 0: no link writes them, so they are refused, not guessed at.
    for (const page of ['1e3', '0x10', ' 2', '-0', '+3', '2.']) {
      expect(parseListParams({ page })).toMatchObject({ ok: false, errors: [{ param: 'page', message: 'page: expected a page number (digits)' }] });
    }
    expect(parseListParams({ page: '007' })).toEqual({ ok: true, params: { sort: 'created', dir: 'desc', page: 7 } });
  });
});
