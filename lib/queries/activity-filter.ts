import { and, gte, lt, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Filters } from '../filters/parse-filters';
import { conversationsMatching } from './conversation-filter';

/**
 * The WHERE clause of activity figures (status transitions, assignment changes): what happened in
 * the range, [startMs, endMs) on the row's own `at`, to a conversation matching the other filters
 * (its current channel, group, agent, source, status), whenever that conversation was created.
 * The query must join `conversations` on the activity row's conversation_id.
 *
 * The range on `at` uses the `(at)` index; each row then finds its conversation by primary key.
 */
export function activityInRange(at: AnySQLiteColumn, filters: Filters): SQL {
  return and(gte(at, filters.startMs), lt(at, filters.endMs), conversationsMatching(filters, { ignoreRange: true }))!;
}
