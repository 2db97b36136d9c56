import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { assignmentChanges, conversations, events, statusTransitions } from '../../db/schema';
import { MAX_ID_LENGTH } from '../queries/conversation-history';
import { storedNames } from '../queries/entity-names';
import { csvLines, isoTime, UTF8_BOM, type Cell } from './csv';

/** The columns of `history.csv`, in order (README, "CSV reports"). */
export const HISTORY_COLUMNS = ['conversation_id', 'at', 'change', 'from', 'from_name', 'to', 'to_name', 'actor_id', 'actor_type', 'actor_name', 'event'] as const;

/**
 * One conversation's history as a CSV file (`GET /api/conversations/<id>/history.csv`): a row per
 * change, its status changes (its creation being the change to `new`) and its agent and group
 * assignment changes, in time order, whatever the dashboard's range; what the conversation page's
 * timeline shows, for a review or a ticket. Every change is read, not only the timeline's first
 * 1,000 events. A few hundred rows at most, so written at once on the main thread rather than
 * streamed like the range reports. Null when the conversation is not stored.
 */
export function conversationHistoryCsv(db: Db, conversationId: string): { fileName: string; text: string } | null {
  if (conversationId.length === 0 || conversationId.length > MAX_ID_LENGTH) return null;
  if (!db.select({ id: conversations.conversationId }).from(conversations).where(eq(conversations.conversationId, conversationId)).get()) return null;
  const statusRows = db
    .select({ at: statusTransitions.at, eventId: statusTransitions.eventId, event: events.event, from: statusTransitions.fromStatus, to: statusTransitions.toStatus, actorId: statusTransitions.actorId, actorType: statusTransitions.actorType })
    .from(statusTransitions)
    .innerJoin(events, eq(events.id, statusTransitions.eventId))
    .where(eq(statusTransitions.conversationId, conversationId))
    .all();
  const assignmentRows = db
    .select({ at: assignmentChanges.at, eventId: assignmentChanges.eventId, event: events.event, kind: assignmentChanges.kind, from: assignmentChanges.fromId, to: assignmentChanges.toId, actorId: assignmentChanges.actorId, actorType: assignmentChanges.actorType })
    .from(assignmentChanges)
    .innerJoin(events, eq(events.id, assignmentChanges.eventId))
    .where(eq(assignmentChanges.conversationId, conversationId))
    .all();
  // Names as stored, as every other report writes them (beside the id, which tells two of one name
  // apart: the pages' "Sam Lee (agent-sa)" would break a spreadsheet's lookup by name); empty when
  // never described.
  const named = (names: Map<string, string | null>) => (id: string | null) => (id === null ? null : (names.get(id) ?? null));
  const agentName = named(storedNames(db, 'agent'));
  const groupName = named(storedNames(db, 'group'));
  // Status first within an event (its creation or resolution), then the agent, then the group change.
  const changes = [
    ...statusRows.map((r) => ({ ...r, order: 0, change: 'status', fromName: null, toName: null })),
    ...assignmentRows.map((r) => {
      const name = r.kind === 'agent' ? agentName : groupName;
      return { ...r, order: r.kind === 'agent' ? 1 : 2, change: r.kind, fromName: name(r.from), toName: name(r.to) };
    }),
  ].sort((a, b) => a.at - b.at || a.eventId - b.eventId || a.order - b.order);
  const rows: Cell[][] = changes.map((c) => [
    conversationId,
    isoTime(c.at),
    c.change,
    c.from,
    c.fromName,
    c.to,
    c.toName,
    c.actorId,
    c.actorType,
    c.actorType === 'agent' ? agentName(c.actorId) : null,
    c.event,
  ]);
  return { fileName: `history_${conversationId.replace(/[^A-Za-z0-9_-]/g, '_')}.csv`, text: UTF8_BOM + csvLines([[...HISTORY_COLUMNS], ...rows]) };
}
