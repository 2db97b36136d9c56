import { and, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { SQLiteSelect } from 'drizzle-orm/sqlite-core';
import { assignmentChanges, conversations, statusTransitions } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { splitByRowDimensions } from './conversation-filter';

type ActivityTable = typeof statusTransitions | typeof assignmentChanges;

/**
 * Restricts a dynamic select over an activity table (status transitions, assignment changes) to
 * what happened in the range, [startMs, endMs) on the row's own `at` (its index), to a
 * conversation matching the other filters (its current channel, group, agent, source, status),
 * whenever that conversation was created; `extra` conditions are added to the same WHERE.
 *
 * Channel and source are on the activity rows themselves (derived from the conversation, see
 * lib/projection/derived.ts) and in the range index: with only those filters, or none (the usual
 * views), rows are not joined to their conversations at all, which at a million conversations saves
 * a primary-key lookup per row. Group, agent and status change during a conversation's life and
 * are read from the conversation, found by primary key.
 */
export function inActivityRange<T extends SQLiteSelect>(query: T, table: ActivityTable, filters: Filters, ...extra: (SQL | undefined)[]): T {
  const { onRow, onConversation: matching } = splitByRowDimensions(table, filters);
  const range = and(gte(table.at, filters.startMs), lt(table.at, filters.endMs), onRow, ...extra);
  if (!matching) return query.where(range);
  // The callers' selects name their fields, so the join adds no columns: the rows keep their type.
  return query.innerJoin(conversations, eq(conversations.conversationId, table.conversationId)).where(and(range, matching)) as unknown as T;
}
