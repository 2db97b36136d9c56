import { asc, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { assignmentChanges, conversations, events, messages, statusTransitions, type ConversationRow } from '../../db/schema';
import { withoutPersonalData } from '../events/personal-data';
import { STATISTICS, type Statistic } from '../events/statistics';
import { namesOf } from './entity-names';

/** A conversation's stored events are read up to this many (oldest first); the page says when more exist. */
export const MAX_TIMELINE_EVENTS = 1_000;
/** Ids come from URLs: anything longer is no stored id, and is not worth a query. */
export const MAX_ID_LENGTH = 200;

export type NamedRef = { id: string; name: string | null } | null;
export type Actor = { id: string | null; type: string | null; name: string | null } | null;

export type EventEntry = {
  kind: 'event';
  /** The event's time (conversation.updated_time): the timeline's order, whatever the arrival order. */
  at: number;
  eventId: number;
  event: string;
  receivedAt: number;
  actor: Actor;
  statusChange: { from: string | null; to: string; at: number } | null;
  assignmentChanges: { kind: 'agent' | 'group'; from: NamedRef; to: NamedRef }[];
  /** The stored envelope (never holds `iparams`), pretty-printed, contact details and message content hidden (personal-data.ts). */
  payload: string;
};

export type MessageEntry = {
  kind: 'message';
  at: number | null;
  id: string;
  actorType: string | null;
  actorId: string | null;
  /** The agent who sent it, named (null unless an agent did). */
  sender: NamedRef;
  messageType: string | null;
  messageSource: string | null;
  isFirstMessage: boolean | null;
  isAgentFirstResponse: boolean | null;
  isAgentInterimFirstResponse: boolean | null;
};

export type TimelineEntry = EventEntry | MessageEntry;

export type ConversationHistory = {
  conversation: ConversationRow;
  channel: NamedRef;
  group: NamedRef;
  agent: NamedRef;
  /** The 14 statistics in hours: business beside calendar. */
  statistics: { name: Statistic; business: number | null; calendar: number | null }[];
  eventCount: number;
  messageCount: number;
  /** Stored events, status transitions (inside their event) and messages, oldest first. */
  timeline: TimelineEntry[];
  /** Whether the timeline stops at MAX_TIMELINE_EVENTS events. */
  truncated: boolean;
};

/** Everything stored about one conversation, or null when it is not stored. */
export function getConversationHistory(db: Db, conversationId: string): ConversationHistory | null {
  if (conversationId.length === 0 || conversationId.length > MAX_ID_LENGTH) return null;
  const conversation = db.select().from(conversations).where(eq(conversations.conversationId, conversationId)).get();
  if (!conversation) return null;

  const eventCount = db.select({ n: count() }).from(events).where(eq(events.conversationId, conversationId)).get()?.n ?? 0;
  const eventRows = db
    .select()
    .from(events)
    .where(eq(events.conversationId, conversationId))
    .orderBy(asc(events.eventTime), asc(events.id))
    .limit(MAX_TIMELINE_EVENTS)
    .all();
  const transitions = db.select().from(statusTransitions).where(eq(statusTransitions.conversationId, conversationId)).all();
  const changes = db.select().from(assignmentChanges).where(eq(assignmentChanges.conversationId, conversationId)).orderBy(asc(assignmentChanges.kind)).all();
  const messageRows = db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.createdAt), asc(messages.id)).all();

  const agentIds = new Set<string>();
  const groupIds = new Set<string>();
  if (conversation.assignedAgentId) agentIds.add(conversation.assignedAgentId);
  if (conversation.assignedGroupId) groupIds.add(conversation.assignedGroupId);
  for (const change of changes) for (const id of [change.fromId, change.toId]) if (id) (change.kind === 'agent' ? agentIds : groupIds).add(id);
  for (const m of messageRows) if (m.actorType === 'agent' && m.actorId) agentIds.add(m.actorId);
  // Named as on every page: two agents of one name told apart by their ids.
  const agentNames = namesOf(db, 'agent', agentIds);
  const groupNames = namesOf(db, 'group', groupIds);
  const channelNames = namesOf(db, 'channel', [conversation.channelId]);
  const ref = (names: Map<string, string | null>, id: string | null): NamedRef => (id === null ? null : { id, name: names.get(id) ?? null });

  const transitionByEvent = new Map(transitions.map((t) => [t.eventId, t]));
  // Node 20 has no Map.groupBy.
  const changesByEvent = new Map<number, typeof changes>();
  for (const change of changes) changesByEvent.set(change.eventId, [...(changesByEvent.get(change.eventId) ?? []), change]);
  const eventEntries: EventEntry[] = eventRows.map((row) => {
    const payload = JSON.parse(row.payload) as { data?: { actor?: Record<string, unknown> } };
    const transition = transitionByEvent.get(row.id);
    return {
      kind: 'event',
      at: row.eventTime,
      eventId: row.id,
      event: row.event,
      receivedAt: row.receivedAt,
      actor: actorOf(payload.data?.actor),
      statusChange: transition ? { from: transition.fromStatus, to: transition.toStatus, at: transition.at } : null,
      assignmentChanges: (changesByEvent.get(row.id) ?? []).map((c) => {
        const names = c.kind === 'agent' ? agentNames : groupNames;
        return { kind: c.kind, from: ref(names, c.fromId), to: ref(names, c.toId) };
      }),
      payload: JSON.stringify(withoutPersonalData(payload), null, 2),
    };
  });
  const messageEntries: MessageEntry[] = messageRows.map((m) => ({
    kind: 'message',
    at: m.createdAt,
    id: m.id,
    actorType: m.actorType,
    actorId: m.actorId,
    sender: m.actorType === 'agent' ? ref(agentNames, m.actorId) : null,
    messageType: m.messageType,
    messageSource: m.messageSource,
    isFirstMessage: m.isFirstMessage,
    isAgentFirstResponse: m.isAgentFirstResponse,
    isAgentInterimFirstResponse: m.isAgentInterimFirstResponse,
  }));

  return {
    conversation,
    channel: ref(channelNames, conversation.channelId),
    group: ref(groupNames, conversation.assignedGroupId),
    agent: ref(agentNames, conversation.assignedAgentId),
    statistics: STATISTICS.map((name) => ({ name, business: conversation[`${name}_bhrs`], calendar: conversation[`${name}_chrs`] })),
    eventCount,
    messageCount: messageRows.length,
    timeline: mergeTimeline(eventEntries, messageEntries),
    truncated: eventCount > eventRows.length,
  };
}

/**
 * Events and messages in time order. At the same instant an event comes before the messages it
 * carries (a create before its first message); entries without a time go last.
 */
function mergeTimeline(eventEntries: EventEntry[], messageEntries: MessageEntry[]): TimelineEntry[] {
  const key = (entry: TimelineEntry) => entry.at ?? Number.POSITIVE_INFINITY;
  return [...eventEntries, ...messageEntries].sort((a, b) => {
    if (key(a) !== key(b)) return key(a) - key(b);
    if (a.kind !== b.kind) return a.kind === 'event' ? -1 : 1;
    return a.kind === 'event' && b.kind === 'event' ? a.eventId - b.eventId : (a as MessageEntry).id.localeCompare((b as MessageEntry).id);
  });
}

/** Who acted, as the payload says (`data.actor`): an agent, the system (IntelliAssign), a user, a bot. */
function actorOf(actor: Record<string, unknown> | undefined): Actor {
  if (!actor || typeof actor !== 'object') return null;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : null);
  const name = [text(actor.first_name), text(actor.last_name)].filter(Boolean).join(' ');
  return { id: text(actor.id), type: text(actor.type), name: name === '' ? null : name };
}
