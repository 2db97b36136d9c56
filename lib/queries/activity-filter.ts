import { and, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client';
import { conversations } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { conversationsMatching } from './conversation-filter';

/**
 * The WHERE clause of activity figures (status transitions, assignment changes): what happened in
 * the range, [startMs, endMs) on the row's own `at`, to a conversation matching the other filters
 * (its current channel, group, agent, source, status), whenever that conversation was created.
 *
 * The range on `at` uses the `(at)` index. Without conversation filters (the usual view) that is
 * all: activity rows are not joined to their conversations at all, which at a million
 * conversations saves one primary-key lookup per row. With filters, the row's conversation must be
 * among the matching ones (a subquery the database evaluates once).
 */
export function activityInRange(db: Db, at: AnySQLiteColumn, conversationId: AnySQLiteColumn, filters: Filters): SQL {
  const matching = conversationsMatching(filters, { ignoreRange: true });
  return and(
    gte(at, filters.startMs),
    lt(at, filters.endMs),
    matching ? inArray(conversationId, db.select({ id: conversations.conversationId }).from(conversations).where(matching)) : undefined,
  )!;
}
