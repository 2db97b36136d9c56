import { and, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { conversations } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';

/**
 * The WHERE clause every conversation figure shares: created in the range, and matching each
 * filter that is set. Values reach SQL only as bound parameters.
 */
export function conversationsMatching(filters: Filters, options: { ignoreRange?: boolean } = {}): SQL | undefined {
  const conditions: (SQL | undefined)[] = [
    options.ignoreRange ? undefined : gte(conversations.createdAt, filters.startMs),
    options.ignoreRange ? undefined : lt(conversations.createdAt, filters.endMs),
    filters.channels.length ? inArray(conversations.channelId, filters.channels) : undefined,
    filters.groups.length ? inArray(conversations.assignedGroupId, filters.groups) : undefined,
    filters.agents.length ? inArray(conversations.assignedAgentId, filters.agents) : undefined,
    filters.sources.length ? inArray(conversations.source, filters.sources) : undefined,
    filters.statuses.length ? inArray(conversations.status, filters.statuses) : undefined,
  ];
  return and(...conditions.filter((c): c is SQL => c !== undefined));
}

/**
 * The filters split for a table that carries its conversation's channel and source (activity rows
 * and load intervals, derived in lib/projection/derived.ts): those two on the row itself, the rest
 * (group, agent, status: they change in a conversation's life) on the conversation, `undefined`
 * when no such filter is set so callers can skip the join.
 */
export function splitByRowDimensions(
  row: { channelId: AnySQLiteColumn; source: AnySQLiteColumn },
  filters: Filters,
): { onRow: SQL | undefined; onConversation: SQL | undefined } {
  return {
    onRow: and(
      filters.channels.length ? inArray(row.channelId, filters.channels) : undefined,
      filters.sources.length ? inArray(row.source, filters.sources) : undefined,
    ),
    onConversation: conversationsMatching({ ...filters, channels: [], sources: [] }, { ignoreRange: true }),
  };
}
