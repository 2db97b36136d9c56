import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { conversationHistoryCsv, HISTORY_COLUMNS } from '@/lib/reports/conversation-history-csv';
import { envelope } from '../helpers/conversation-spec';
import { openReadOnly } from '../helpers/db';
import { postEvents, postStream, startServer, tempDatabasePath, type TestServer } from '../helpers/server';

const rowsOf = (text: string): Record<string, string>[] => parse(text, { columns: true, bom: true });

describe('history.csv: one conversation’s changes', () => {
  /*
   * "h 1" (a space in its id), delivered newest first:
   *   10-02 09:00 created (→ new), channel ch, group g-a "Alpha"
   *   10-02 09:30 → assigned, agent a1 "Ann Lee", by agent a1
   *   10-02 11:00 agent a1 → a2 "=Bo" (a formula-looking name), group g-a → g-b (never described), by system s1
   *   10-03 08:00 → resolved by agent a2
   * Rows in time order; within an event: status, agent, group.
   */
  const path = tempDatabasePath('history-csv');
  const db = openDatabase(path);
  const base = { id: 'h 1', created: '2026-10-02T09:00:00Z', channel: { id: 'ch' } } as const;
  beforeAll(() => {
    const summary = ingestEnvelopes(db, [
      envelope({ ...base, event: 'onConversationUpdate', updated: '2026-10-03T08:00:00Z', status: 'resolved', group: { id: 'g-b' }, agent: { id: 'a2', first_name: '=Bo' }, changes: { status: ['assigned', 'resolved'] }, actor: { id: 'a2', type: 'agent' } }),
      envelope({ ...base, event: 'onConversationUpdate', updated: '2026-10-02T11:00:00Z', status: 'assigned', group: { id: 'g-b' }, agent: { id: 'a2', first_name: '=Bo' }, changes: { assigned_agent_id: ['a1', 'a2'], assigned_group_id: ['g-a', 'g-b'] }, actor: { id: 's1', type: 'system' } }),
      envelope({ ...base, event: 'onConversationUpdate', updated: '2026-10-02T09:30:00Z', status: 'assigned', group: { id: 'g-a', name: 'Alpha' }, agent: { id: 'a1', first_name: 'Ann', last_name: 'Lee' }, changes: { status: ['new', 'assigned'], assigned_agent_id: [null, 'a1'] }, actor: { id: 'a1', type: 'agent' } }),
      envelope({ ...base, group: { id: 'g-a', name: 'Alpha' } }),
      envelope({ id: 'other', created: '2026-10-02T09:00:00Z' }),
      // Another agent named Ann Lee: the pages tell the two apart ("Ann Lee (a1)"), the CSV writes
      // the name as stored beside the id, as the other reports do, so a lookup by name still works.
      envelope({ id: 'twin', created: '2026-10-02T09:00:00Z', status: 'assigned', agent: { id: 'a3', first_name: 'Ann', last_name: 'Lee' } }),
    ]);
    expect(summary.rejected).toEqual([]);
  });

  it('lists every change in time order with names, whatever the order of delivery', () => {
    const report = conversationHistoryCsv(db, 'h 1')!;
    expect(report.fileName).toBe('history_h_1.csv');
    expect(report.text.startsWith('\uFEFF' + HISTORY_COLUMNS.join(',') + '\r\n')).toBe(true);
    const row = (at: string, change: string, from: string, fromName: string, to: string, toName: string, actorId: string, actorType: string, actorName: string, event: string) =>
      ({ conversation_id: 'h 1', at, change, from, from_name: fromName, to, to_name: toName, actor_id: actorId, actor_type: actorType, actor_name: actorName, event });
    expect(rowsOf(report.text)).toEqual([
      row('2026-10-02T09:00:00.000Z', 'status', '', '', 'new', '', '', '', '', 'onConversationCreate'),
      row('2026-10-02T09:30:00.000Z', 'status', 'new', '', 'assigned', '', 'a1', 'agent', 'Ann Lee', 'onConversationUpdate'),
      row('2026-10-02T09:30:00.000Z', 'agent', '', '', 'a1', 'Ann Lee', 'a1', 'agent', 'Ann Lee', 'onConversationUpdate'),
      row('2026-10-02T11:00:00.000Z', 'agent', 'a1', 'Ann Lee', 'a2', "'=Bo", 's1', 'system', '', 'onConversationUpdate'),
      row('2026-10-02T11:00:00.000Z', 'group', 'g-a', 'Alpha', 'g-b', '', 's1', 'system', '', 'onConversationUpdate'),
      row('2026-10-03T08:00:00.000Z', 'status', 'assigned', '', 'resolved', '', 'a2', 'agent', "'=Bo", 'onConversationUpdate'),
    ]);
  });

  it('is null for a conversation that is not stored', () => {
    expect(conversationHistoryCsv(db, 'nope')).toBeNull();
    expect(conversationHistoryCsv(db, '')).toBeNull();
    expect(conversationHistoryCsv(db, 'x'.repeat(201))).toBeNull();
  });
});

describe('GET /api/conversations/<id>/history.csv', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    await postStream(server);
  });
  afterAll(() => server?.stop());

  it('downloads a conversation of the fixture stream: its transitions and assignment changes, one row each', async () => {
    const store = openReadOnly(server.databasePath);
    const { id, transitions, changes } = store
      .prepare(
        `select c.conversation_id as id,
           (select count(*) from status_transitions t where t.conversation_id = c.conversation_id) as transitions,
           (select count(*) from assignment_changes a where a.conversation_id = c.conversation_id) as changes
         from conversations c order by transitions + changes desc, c.conversation_id limit 1`,
      )
      .get() as { id: string; transitions: number; changes: number };
    store.close();
    expect(transitions + changes).toBeGreaterThan(4);
    const response = await fetch(`${server.url}/api/conversations/${encodeURIComponent(id)}/history.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="history_${id.replace(/[^A-Za-z0-9_-]/g, '_')}.csv"`);
    const rows = rowsOf(await response.text());
    expect(rows.filter((r) => r.change === 'status')).toHaveLength(transitions);
    expect(rows.filter((r) => r.change === 'agent' || r.change === 'group')).toHaveLength(changes);
    expect(rows.map((r) => r.at)).toEqual(rows.map((r) => r.at).sort());
    expect(rows[0]).toMatchObject({ change: 'status', from: '', to: 'new', event: 'onConversationCreate' });
  });

  it('reads the id from the address once: ids "a/b" and "a%2Fb" are two conversations, each with its own history', async () => {
    const create = (id: string, at: string) => JSON.stringify({ event: 'onConversationCreate', data: { conversation: { conversation_id: id, created_time: at, updated_time: at, status: 'new' } } });
    expect((await postEvents(server, `[${create('a/b', '2026-10-01T10:00:00.000Z')},${create('a%2Fb', '2026-10-02T10:00:00.000Z')}]`)).json.accepted).toBe(2);
    for (const [id, at] of [['a/b', '2026-10-01T10:00:00.000Z'], ['a%2Fb', '2026-10-02T10:00:00.000Z']] as const) {
      const response = await fetch(`${server.url}/api/conversations/${encodeURIComponent(id)}/history.csv`);
      expect(response.status, id).toBe(200);
      expect(rowsOf(await response.text()).map((r) => r.at), id).toEqual([at]);
    }
  });

  it('answers 404 with JSON for a conversation that is not stored', async () => {
    const response = await fetch(`${server.url}/api/conversations/not-a-conversation/history.csv`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no conversation not-a-conversation is stored' });
  });
});
