import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { projectionSnapshot } from '../helpers/db';
import { reprojectedSnapshot } from '../helpers/reprojection';
import { readFixture } from '../helpers/fixtures';
import { tempDatabasePath } from '../helpers/server';

/*
 * Payloads that say less than the fixtures: the payload reference's fields may be omitted or
 * null, flags come only with some events, and two events can carry the same millisecond. Each
 * case is delivered in every order, all in one request and one event a request, and must give
 * the same tables every time, with nothing known erased.
 */

type Envelope = Record<string, any>;

const CREATE = readFixture('01-onConversationCreate.create.json') as Envelope;
const CONVERSATION_ID: string = CREATE.data.conversation.conversation_id;
const MESSAGE_ID: string = CREATE.data.conversation.messages[0].id;

/** A copy of a fixture, changed by `edit` (its conversation and the envelope). */
function variant(file: string, edit: (conversation: Record<string, any>, envelope: Envelope) => void): Envelope {
  const envelope = structuredClone(readFixture(file)) as Envelope;
  edit(envelope.data.conversation, envelope);
  return envelope;
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** Every way of cutting `items` into consecutive requests: [[a, b, c]], [[a], [b, c]], [[a, b], [c]], [[a], [b], [c]]. */
function splits<T>(items: readonly T[]): T[][][] {
  if (items.length <= 1) return [[[...items]]];
  const [head, ...tail] = items;
  return splits(tail).flatMap(([next, ...rest]) => [
    [[head!, ...next!], ...rest],
    [[head!], next!, ...rest],
  ]);
}

/**
 * The projection tables after each order of `envelopes` and each way of grouping it into requests
 * (events of one request are merged in memory before they meet the stored row, so every grouping
 * is a path of its own): asserted equal to each other and to a reprojection of the raw events,
 * and returned once.
 */
async function inEveryOrder(envelopes: readonly Envelope[]): Promise<Record<string, any[]>> {
  let first: Record<string, any[]> | null = null;
  for (const order of permutations(envelopes)) {
    for (const requests of splits(order)) {
      const databasePath = tempDatabasePath('partial');
      const db = openDatabase(databasePath);
      for (const request of requests) expect(ingestEnvelopes(db, request).accepted).toBe(request.length);
      db.$client.close();
      const tables = projectionSnapshot(databasePath);
      if (first === null) {
        first = tables;
        expect(await reprojectedSnapshot(databasePath)).toEqual(tables);
      } else expect(tables, `${order.length} events in requests of ${requests.map((r) => r.length).join(', ')}`).toEqual(first);
    }
  }
  return first!;
}

const conversationRow = (tables: Record<string, any[]>) => tables.conversations!.find((row) => row.conversation_id === CONVERSATION_ID);

describe('events that leave fields out', () => {
  it('never erase what a conversation is: its creation, channel, source and first assignments', async () => {
    const created = CREATE.data.conversation;
    const assigned = variant('03-onConversationUpdate.assigned-agent.json', (c) => {
      for (const key of ['created_time', 'channel_id', 'source', 'app_id', 'user_id', 'first_group_assigned_time']) delete c[key];
    });
    const reassigned = variant('04-onConversationUpdate.reassigned-agent.json', (c) => {
      c.channel_id = null;
      c.source = null;
      delete c.created_time;
      delete c.first_agent_assigned_time;
    });
    const tables = await inEveryOrder([CREATE, assigned, reassigned]);
    const row = conversationRow(tables);
    const latest = readFixture('04-onConversationUpdate.reassigned-agent.json').data.conversation;
    expect(row).toMatchObject({
      created_at: Date.parse(created.created_time),
      channel_id: created.channel_id,
      source: created.source,
      app_id: created.app_id,
      user_id: created.user_id,
      first_agent_assigned_at: Date.parse(latest.first_agent_assigned_time),
      first_group_assigned_at: Date.parse(latest.first_group_assigned_time),
      // What changes still follows the latest event.
      assigned_agent_id: latest.assigned_agent_id,
      updated_at: Date.parse(latest.updated_time),
    });
    expect(row.created_at).not.toBeNull();
    // The derived rows carry the conversation's channel and source, so its filters still find it.
    for (const table of ['status_transitions', 'assignment_changes', 'agent_load_intervals']) {
      const rows = tables[table]!.filter((r) => r.conversation_id === CONVERSATION_ID);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect([r.channel_id, r.source]).toEqual([created.channel_id, created.source]);
    }
  });

  it('keep the earliest time any event gave for a "first" time', async () => {
    const earlier = variant('03-onConversationUpdate.assigned-agent.json', (c) => (c.first_agent_assigned_time = '2026-10-12T01:00:00.000Z'));
    const row = conversationRow(await inEveryOrder([CREATE, earlier, readFixture('04-onConversationUpdate.reassigned-agent.json') as Envelope]));
    expect(row.first_agent_assigned_at).toBe(Date.parse('2026-10-12T01:00:00.000Z'));
  });
});

describe('events that disagree on a fact (Freshchat never sends them; a careless sender might)', () => {
  it('give the same conversation however they arrive and are grouped, and the same after a reprojection', async () => {
    // The middle event names another channel and source; the latest names none.
    const other = variant('03-onConversationUpdate.assigned-agent.json', (c) => {
      c.channel_id = 'zz-another-channel';
      c.source = 'AAA_OTHER_SOURCE';
      c.user_id = 'äöü-user';
    });
    const silent = variant('04-onConversationUpdate.reassigned-agent.json', (c) => {
      c.channel_id = null;
      c.source = null;
      c.user_id = null;
    });
    const row = conversationRow(await inEveryOrder([CREATE, other, silent]));
    const created = CREATE.data.conversation;
    // The greater of the values given, in code point order (SQLite's and JavaScript's alike).
    expect(row).toMatchObject({
      channel_id: 'zz-another-channel',
      source: [created.source, 'AAA_OTHER_SOURCE'].sort().at(-1),
      user_id: 'äöü-user',
    });
  });

  it('compare text by code point, as SQLite does, not by UTF-16 unit', async () => {
    // U+FF21 (Ａ) is one UTF-16 unit above the surrogates of U+1F600 (😀) but a smaller code point.
    const wide = variant('03-onConversationUpdate.assigned-agent.json', (c) => (c.source = '\uFF21'));
    const emoji = variant('04-onConversationUpdate.reassigned-agent.json', (c) => (c.source = '\u{1F600}'));
    const silent = variant('06-onConversationUpdate.resolved.json', (c) => (c.source = null));
    expect(conversationRow(await inEveryOrder([wide, emoji, silent])).source).toBe('\u{1F600}');
  });
});

describe('message flags', () => {
  it('are kept from whichever copy of the message carries them (a create carries none)', async () => {
    // The reference lists is_first_message and the first-response flags for updates' messages only.
    expect(CREATE.data.conversation.messages[0]).not.toHaveProperty('is_first_message');
    const flagged = variant('03-onConversationUpdate.assigned-agent.json', (c) => {
      c.messages = [{ ...CREATE.data.conversation.messages[0], is_first_message: true, is_agent_first_response: false }];
    });
    const answered = variant('04-onConversationUpdate.reassigned-agent.json', (c) => {
      c.messages = [{ ...CREATE.data.conversation.messages[0], is_agent_first_response: true }];
    });
    const tables = await inEveryOrder([CREATE, flagged, answered]);
    const message = tables.messages!.find((row) => row.id === MESSAGE_ID);
    expect(message).toMatchObject({
      is_first_message: 1,
      is_agent_first_response: 1, // true in one copy, false in another: true
      is_agent_interim_first_response: null, // no copy says
      created_at: Date.parse(CREATE.data.conversation.messages[0].created_time),
    });
  });
});

describe('two changes in the same millisecond', () => {
  it('are ordered as their events are (not as they arrived), in the history and the load alike', async () => {
    const at = '2026-10-12T03:40:08.981Z';
    const agent = (from: string | null, to: string) =>
      variant('03-onConversationUpdate.assigned-agent.json', (c, envelope) => {
        c.updated_time = at;
        c.assigned_agent_id = to;
        envelope.data.changes = { model_changes: { assigned_agent_id: [from, to] } };
      });
    const tables = await inEveryOrder([CREATE, agent(null, 'agent-A'), agent('agent-A', 'agent-B')]);
    const row = conversationRow(tables);
    const open = tables.agent_load_intervals!.filter((r) => r.conversation_id === CONVERSATION_ID && r.to_at === null);
    // The conversation's agent (from the greatest version) is the one its load counts for now.
    expect(open.map((r) => r.agent_id)).toEqual([row.assigned_agent_id]);
  });
});
