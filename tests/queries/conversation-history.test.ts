import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { getConversationHistory, type EventEntry, type TimelineEntry } from '@/lib/queries/conversation-history';
import { envelope, type ConversationSpec } from '../helpers/conversation-spec';
import { tempDatabasePath } from '../helpers/server';

/**
 * One conversation's life, written by hand (times UTC, 2026-10-07):
 *   09:00 E1 created (by the user), first message m1
 *   09:05 E2 routed to group g1 "Support <b>"            (IntelliAssign)
 *   09:10 E3 agent a1 "Ada Lovelace", new → assigned      (IntelliAssign)
 *   09:30 E4 reassigned a1 → a2 "Bob"                     (by Ada)
 *   09:40    message m2, the agent's first response
 *   10:00 E5 resolved, with statistics                    (by Bob)
 *   12:00 E6 reopened: resolved → assigned                (by the user)
 * delivered as E5, E3, E1, E6, E2, E4, E3 (a duplicate).
 */
const ID = 'h1';
const base = { id: ID, created: '2026-10-07T09:00:00Z', channel: { id: 'ch1', name: 'Web chat' }, source: 'WEB' } satisfies Partial<ConversationSpec>;
const user = { id: 'u1', type: 'user', first_name: 'Zoë' };
const system = { id: 'system', type: 'system', first_name: 'IntelliAssign' };
const group = { id: 'g1', name: 'Support <b>' };
const ada = { id: 'a1', first_name: 'Ada', last_name: 'Lovelace' };
const bob = { id: 'a2', first_name: 'Bob' };
const m1 = { id: 'm1', actor_type: 'user', actor_id: 'u1', message_type: 'normal', message_source: 'web', created_time: '2026-10-07T09:00:00Z', is_first_message: true, message_parts: [{ text: { content: 'secret text' } }] };
const m2 = { id: 'm2', actor_type: 'agent', actor_id: 'a2', message_type: 'normal', created_time: '2026-10-07T09:40:00Z', is_first_message: false, is_agent_first_response: true };
const update = (spec: Omit<ConversationSpec, 'id' | 'created'>) => envelope({ ...base, event: 'onConversationUpdate', ...spec });

const E1 = envelope({ ...base, actor: user, messages: [m1] });
const E2 = update({ updated: '2026-10-07T09:05:00Z', group, actor: system, changes: { assigned_group_id: [null, 'g1'] }, messages: [m1] });
const E3 = update({ updated: '2026-10-07T09:10:00Z', status: 'assigned', group, agent: ada, actor: system, changes: { status: ['new', 'assigned'], assigned_agent_id: [null, 'a1'] }, messages: [m1] });
const E4 = update({ updated: '2026-10-07T09:30:00Z', status: 'assigned', group, agent: bob, actor: { id: 'a1', type: 'agent', first_name: 'Ada' }, changes: { assigned_agent_id: ['a1', 'a2'] }, messages: [m1] });
const E5 = update({
  updated: '2026-10-07T10:00:00Z',
  status: 'resolved',
  resolved: '2026-10-07T10:00:00Z',
  group,
  agent: bob,
  actor: { id: 'a2', type: 'agent', first_name: 'Bob' },
  changes: { status: ['assigned', 'resolved'] },
  messages: [m1, m2],
  statistics: { first_response_time_bhrs: 0.5, first_response_time_chrs: 0.67, resolution_time_bhrs: 1, resolution_time_chrs: 1 },
});
const E6 = update({ updated: '2026-10-07T12:00:00Z', status: 'assigned', group, agent: bob, actor: user, changes: { status: ['resolved', 'assigned'] }, messages: [m1, m2] });

let db: Db;
beforeAll(() => {
  db = openDatabase(tempDatabasePath('conversation-history'));
  for (const e of [E5, E3, E1, E6, E2, E4, E3]) ingestEnvelopes(db, [e]);
  ingestEnvelopes(db, [envelope({ id: 'other', created: '2026-10-07T09:20:00Z' })]);
});

const describeEntry = (entry: TimelineEntry) => {
  const at = new Date(entry.at!).toISOString().slice(11, 16);
  if (entry.kind === 'message') return `${at} message ${entry.id} from ${entry.actorType}`;
  const changes = [
    entry.statusChange && `status ${entry.statusChange.from} → ${entry.statusChange.to}`,
    ...entry.assignmentChanges.map((c) => `${c.kind} ${c.from?.name ?? c.from?.id ?? 'nobody'} → ${c.to?.name ?? c.to?.id ?? 'nobody'}`),
  ].filter(Boolean);
  return `${at} ${entry.event} by ${entry.actor?.name}${changes.length ? `: ${changes.join('; ')}` : ''}`;
};

describe('conversation history', () => {
  it('puts events and messages in the order they happened, not the order they arrived, each event once', () => {
    const history = getConversationHistory(db, ID)!;
    expect(history.timeline.map(describeEntry)).toEqual([
      '09:00 onConversationCreate by Zoë: status null → new',
      '09:00 message m1 from user',
      '09:05 onConversationUpdate by IntelliAssign: group nobody → Support <b>',
      '09:10 onConversationUpdate by IntelliAssign: status new → assigned; agent nobody → Ada Lovelace',
      '09:30 onConversationUpdate by Ada: agent Ada Lovelace → Bob',
      '09:40 message m2 from agent',
      '10:00 onConversationUpdate by Bob: status assigned → resolved',
      '12:00 onConversationUpdate by Zoë: status resolved → assigned',
    ]);
    expect(history.eventCount).toBe(6);
    expect(history.messageCount).toBe(2);
    expect(history.truncated).toBe(false);
  });

  it('says where the conversation stands now, with names and the statistics in business and calendar hours', () => {
    const history = getConversationHistory(db, ID)!;
    expect(history.conversation).toMatchObject({ status: 'assigned', reopenCount: 1, agentReassignmentCount: 1, groupReassignmentCount: 0, unassignmentCount: 0, source: 'WEB' });
    expect(history.agent).toEqual({ id: 'a2', name: 'Bob' });
    expect(history.group).toEqual({ id: 'g1', name: 'Support <b>' });
    expect(history.channel).toEqual({ id: 'ch1', name: 'Web chat' });
    expect(history.statistics).toHaveLength(7);
    expect(history.statistics[0]).toEqual({ name: 'first_response_time', business: 0.5, calendar: 0.67 });
    expect(history.statistics[1]).toEqual({ name: 'resolution_time', business: 1, calendar: 1 });
    expect(history.statistics[2]).toEqual({ name: 'wait_time', business: null, calendar: null });
  });

  it('keeps message metadata and the raw payload, never iparams', () => {
    const history = getConversationHistory(db, ID)!;
    const m2Entry = history.timeline.find((e) => e.kind === 'message' && e.id === 'm2');
    // A flag sent false stays false; a flag not sent stays unknown (null), not false.
    expect(m2Entry).toMatchObject({ actorType: 'agent', actorId: 'a2', isFirstMessage: false, isAgentFirstResponse: true });
    expect(history.timeline.find((e) => e.kind === 'message' && e.id === 'm1')).toMatchObject({ actorType: 'user', isFirstMessage: true, isAgentFirstResponse: null, messageSource: 'web' });
    expect(JSON.stringify(m2Entry)).not.toContain('secret text');
    const created = history.timeline[0] as EventEntry;
    expect(JSON.parse(created.payload)).toMatchObject({ event: 'onConversationCreate', data: { conversation: { conversation_id: ID } } });
    expect(created.payload).toContain('\n  "data"'); // pretty-printed
    for (const entry of history.timeline) if (entry.kind === 'event') expect(entry.payload).not.toContain('iparams');
  });

  it('answers null for ids that are not stored, hostile or absurd, and stores nothing', () => {
    expect(getConversationHistory(db, 'missing')).toBeNull();
    expect(getConversationHistory(db, "h1' or '1'='1")).toBeNull();
    expect(getConversationHistory(db, '%')).toBeNull();
    expect(getConversationHistory(db, '')).toBeNull();
    expect(getConversationHistory(db, 'x'.repeat(10_000))).toBeNull();
    expect(getConversationHistory(db, 'other')!.timeline.map((e) => e.kind)).toEqual(['event']);
  });
});
