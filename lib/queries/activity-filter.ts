import { and, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { SQLiteSelect } from 'drizzle-orm/sqlite-core';
import { assignmentChanges, conversations, statusTransitions } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { conversationsMatching } from './conversation-filter';

type ActivityTable = typeof statusTransitions | typeof assignmentChanges;

/**
 * Restricts a dynamic select over an activity table (status transitions, assignment changes) to
 * what happened in the range, [startMs, endMs) on the row's own `at` (its index), to a
 * conversation matching the other filters (its current channel, group, agent, source, status),
 * whenever that conversation was created; `extra` conditions are added to the same WHERE.
 *
 * Without conversation filters (the usual view) activity rows are not joined to their
 * conversations at all, which at a million conversations saves a primary-key lookup per row; with
 * filters, each row finds its conversation by primary key (cheaper than a subquery over every
 * conversation, measured).
 */
export function inActivityRange<T extends SQLiteSelect>(query: T, table: ActivityTable, filters: Filters, ...extra: (SQL | undefined)[]): T {
  const range = and(gte(table.at, filters.startMs), lt(table.at, filters.endMs), ...extra);
  const matching = conversationsMatching(filters, { ignoreRange: true });
  if (!matching) return query.where(range);
  // The callers' selects name their fields, so the join adds no columns: the rows keep their type.
  return query.innerJoin(conversations, eq(conversations.conversationId, table.conversationId)).where(and(range, matching)) as unknown as T;
}
