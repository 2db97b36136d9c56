import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadOnly } from '../helpers/db';
import { FIXTURE_FILES, fixtureText } from '../helpers/fixtures';
import { postEvents, startServer, type TestServer } from '../helpers/server';

// Expected rows worked out by hand from shared/fixtures 01–07.
const C1 = '625f0520-596f-4d85-8095-0a0341485039'; // 01–05: created, group, agent, reassigned, unassigned
const C2 = 'e9a3788d-cafd-4d7e-bc6f-6237b466120d'; // 06: resolved, with statistics
const C3 = 'eb391d06-4986-43a6-948b-82b1d910ddd7'; // 07: reopened
const TECH_SUPPORT = 'a6cecc1b-78e5-4061-b311-d8a3c2ce6f44';
const BJORN = '3a902931-cd44-4e35-b8b6-d8fe442e3d43';
const INES = 'f3c64af7-75a8-4294-82cd-789a380208a9';
const ms = (iso: string) => Date.parse(iso);

describe('each fixture, posted on its own, becomes the expected rows', () => {
  let server: TestServer;
  let query: (sql: string, ...params: unknown[]) => any[];

  beforeAll(async () => {
    server = await startServer();
    for (const file of FIXTURE_FILES) {
      const response = await postEvents(server, fixtureText(file));
      expect(response.status, file).toBe(200);
      expect(response.json, file).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    }
    const db = openReadOnly(server.databasePath);
    query = (sql, ...params) => db.prepare(sql).all(...params);
  });
  afterAll(() => server?.stop());

  it('keeps every event raw, without iparams', () => {
    const rows = query('select event, conversation_id, payload from events order by id');
    expect(rows).toHaveLength(7);
    for (const row of rows) {
      const payload = JSON.parse(row.payload);
      expect(payload).not.toHaveProperty('iparams');
      expect(row.payload).not.toContain('example-token');
      expect(payload.data.conversation.conversation_id).toBe(row.conversation_id);
    }
    expect(rows.map((r) => r.event)).toEqual([
      'onConversationCreate',
      ...Array(6).fill('onConversationUpdate'),
    ]);
  });

  it('projects the unassigned conversation (01–05) to its final state', () => {
    const [c] = query('select * from conversations where conversation_id = ?', C1);
    expect(c).toMatchObject({
      status: 'new',
      source: 'WHATSAPP',
      channel_id: 'dc2574bd-b940-47ed-be17-5330a11d459a',
      assigned_group_id: null,
      assigned_agent_id: null,
      created_at: ms('2026-10-12T00:46:08.981Z'),
      updated_at: ms('2026-10-12T11:59:08.981Z'),
      first_group_assigned_at: ms('2026-10-12T01:12:08.981Z'),
      first_agent_assigned_at: ms('2026-10-12T03:40:08.981Z'),
      response_due_type: 'FIRST_RESPONSE_DUE',
      create_seen: 1,
      reopen_count: 0,
      agent_reassignment_count: 1,
      group_reassignment_count: 0,
      unassignment_count: 1,
      resolution_time_chrs: null,
    });
  });

  it('records every status transition, creation included', () => {
    expect(query('select from_status, to_status, at, actor_type from status_transitions where conversation_id = ? order by at', C1)).toEqual([
      { from_status: null, to_status: 'new', at: ms('2026-10-12T00:46:08.981Z'), actor_type: 'user' },
      { from_status: 'new', to_status: 'assigned', at: ms('2026-10-12T03:40:08.981Z'), actor_type: 'agent' },
      { from_status: 'assigned', to_status: 'new', at: ms('2026-10-12T11:59:08.981Z'), actor_type: 'agent' },
    ]);
    expect(query('select from_status, to_status from status_transitions where conversation_id = ?', C2)).toEqual([
      { from_status: 'assigned', to_status: 'resolved' },
    ]);
    expect(query('select from_status, to_status from status_transitions where conversation_id = ?', C3)).toEqual([
      { from_status: 'resolved', to_status: 'assigned' },
    ]);
  });

  it('records every assignment change, unassignment to null included', () => {
    expect(
      query('select kind, from_id, to_id, at, actor_id from assignment_changes where conversation_id = ? order by at, kind', C1),
    ).toEqual([
      { kind: 'group', from_id: null, to_id: TECH_SUPPORT, at: ms('2026-10-12T01:12:08.981Z'), actor_id: 'system' },
      { kind: 'agent', from_id: null, to_id: BJORN, at: ms('2026-10-12T03:40:08.981Z'), actor_id: '51431193-e6c3-4339-9a2b-8f1ff1fd42a2' },
      { kind: 'agent', from_id: BJORN, to_id: INES, at: ms('2026-10-12T10:25:08.981Z'), actor_id: BJORN },
      { kind: 'agent', from_id: INES, to_id: null, at: ms('2026-10-12T11:59:08.981Z'), actor_id: INES },
      { kind: 'group', from_id: TECH_SUPPORT, to_id: null, at: ms('2026-10-12T11:59:08.981Z'), actor_id: INES },
    ]);
  });

  it('keeps statistics in hours, as sent, and counts the reopen', () => {
    const [resolved] = query('select * from conversations where conversation_id = ?', C2);
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolved_at: ms('2026-10-06T18:07:34.823Z'),
      first_response_time_bhrs: 4,
      first_response_time_chrs: 6,
      resolution_time_bhrs: 24,
      resolution_time_chrs: 30,
      wait_time_bhrs: 1,
      wait_time_chrs: 3,
      agent_reassignment_time_chrs: 25,
      group_reassignment_time_bhrs: 4,
      create_seen: 0, // only its update was posted
    });
    const [reopened] = query('select status, reopened_at, reopen_count, resolution_time_chrs from conversations where conversation_id = ?', C3);
    expect(reopened).toEqual({ status: 'assigned', reopened_at: ms('2026-10-12T12:55:50.935Z'), reopen_count: 1, resolution_time_chrs: 4 });
  });

  it('keeps agents, groups and channels current from associations, without contact details', () => {
    expect(query('select id, name, max_active_conv, availability_status, timezone from agents where id in (?, ?) order by name', BJORN, INES)).toEqual([
      { id: BJORN, name: 'Bjørn Larsen', max_active_conv: 8, availability_status: 'AVAILABLE', timezone: 'Europe/Berlin' },
      { id: INES, name: 'Ines Ortiz', max_active_conv: 5, availability_status: 'AVAILABLE', timezone: 'Europe/Berlin' },
    ]);
    // An agent seen only as an actor still gets a name.
    expect(query("select name, max_active_conv from agents where id = '51431193-e6c3-4339-9a2b-8f1ff1fd42a2'")).toEqual([
      { name: 'Chen Wei', max_active_conv: 3 }, // 07 carries Chen Wei's full record too
    ]);
    expect(query('select id, name, routing_type, auto_assignment_enabled from groups order by name')).toEqual([
      { id: '7ce42c82-1807-4e8c-b5bf-992dc9e9c616', name: 'Onboarding', routing_type: 'INTELLIASSIGN', auto_assignment_enabled: 1 },
      { id: TECH_SUPPORT, name: 'Tech Support', routing_type: 'OCR', auto_assignment_enabled: 1 },
      { id: '6ec9d286-63ca-428d-95f4-b3b2e4b06ce6', name: 'VIP Desk', routing_type: 'DISABLED', auto_assignment_enabled: 0 },
    ]);
    expect(JSON.parse(query('select agent_ids from groups where id = ?', TECH_SUPPORT)[0].agent_ids)).toEqual([
      'b2221a58-008a-45a6-8464-7159c324c985',
      BJORN,
      '076f3787-b9d1-49e0-ac0f-d4f5f8130c42',
      'd66b829e-6a8a-44ba-8580-5975ed2f89d9',
    ]);
    expect(query('select name, assign_to_group_id from channels order by name')).toEqual([
      { name: 'Getting started', assign_to_group_id: '7ce42c82-1807-4e8c-b5bf-992dc9e9c616' },
      { name: 'Priority', assign_to_group_id: '6ec9d286-63ca-428d-95f4-b3b2e4b06ce6' },
      { name: 'Product help', assign_to_group_id: TECH_SUPPORT },
    ]);
    const allText = JSON.stringify(query('select * from agents')) + JSON.stringify(query('select * from messages')) + JSON.stringify(query('select * from conversations'));
    expect(allText).not.toMatch(/@customer\.test|@example\.test|\+1555/);
  });

  it('keeps message metadata, not message text', () => {
    expect(query('select id, conversation_id, actor_type, message_type, message_source, created_at from messages where conversation_id = ?', C1)).toEqual([
      {
        id: 'cd3c409b-1209-4614-b24e-10e639d59764',
        conversation_id: C1,
        actor_type: 'user',
        message_type: 'normal',
        message_source: 'web',
        created_at: ms('2026-10-12T00:46:08.981Z'),
      },
    ]);
    expect(JSON.stringify(query('select * from messages'))).not.toContain('需要帮助');
    // The fixtures' messages carry none of the first-message flags: unknown, not false.
    expect(query('select distinct is_first_message, is_agent_first_response, is_agent_interim_first_response from messages')).toEqual([
      { is_first_message: null, is_agent_first_response: null, is_agent_interim_first_response: null },
    ]);
  });
});

describe('the same conversation delivered newest first', () => {
  let server: TestServer;
  afterAll(() => server?.stop());

  it('ends in the state of the latest updated_time, and an update before its create still counts', async () => {
    server = await startServer();
    for (const file of FIXTURE_FILES.slice(0, 5).reverse()) {
      expect((await postEvents(server, fixtureText(file))).json).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    }
    const db = openReadOnly(server.databasePath);
    expect(db.prepare('select status, assigned_agent_id, updated_at, create_seen, agent_reassignment_count, unassignment_count from conversations').all()).toEqual([
      { status: 'new', assigned_agent_id: null, updated_at: ms('2026-10-12T11:59:08.981Z'), create_seen: 1, agent_reassignment_count: 1, unassignment_count: 1 },
    ]);
    expect((db.prepare('select count(*) as n from status_transitions').get() as { n: number }).n).toBe(3);
    expect((db.prepare('select count(*) as n from assignment_changes').get() as { n: number }).n).toBe(5);
    // Chen Wei is only an actor in 01–05 (07 carries the full record): whether they are logged in is unknown, not "no".
    expect(db.prepare("select name, login_status, is_deactivated, is_deleted from agents where id = '51431193-e6c3-4339-9a2b-8f1ff1fd42a2'").all()).toEqual([
      { name: 'Chen Wei', login_status: null, is_deactivated: null, is_deleted: null },
    ]);
    db.close();
  });
});
