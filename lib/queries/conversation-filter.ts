import { and, gte, inArray, lt, type SQL } from 'drizzle-orm';
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
