import { count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { nameSortKey, type Db } from '../../db/client';
import { agents, channels, conversations, groups } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { conversationsMatching } from './conversation-filter';
import { PAGE_SIZE, type ListParams, type SortKey } from './conversation-list-params';

/** One row of the conversations table: ids with their names (null when no name is known yet). */
export type ConversationListRow = {
  conversationId: string;
  createdAt: number | null;
  updatedAt: number | null;
  status: string | null;
  channelId: string | null;
  channelName: string | null;
  groupId: string | null;
  groupName: string | null;
  agentId: string | null;
  agentName: string | null;
  source: string | null;
  /** Hours: business, then calendar. */
  firstResponseBhrs: number | null;
  firstResponseChrs: number | null;
  resolutionBhrs: number | null;
  resolutionChrs: number | null;
  reopens: number;
  /** Agent plus group reassignments. */
  reassignments: number;
};

export type ConversationListPage = {
  rows: ConversationListRow[];
  /** Conversations matching the filters, over all pages. */
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
  /** 1-based positions of the first and last row shown (0, 0 on an empty page). */
  firstRow: number;
  lastRow: number;
};

const reassignments = sql<number>`${conversations.agentReassignmentCount} + ${conversations.groupReassignmentCount}`;
const named = (name: AnySQLiteColumn, id: AnySQLiteColumn) => nameSortKey(sql`coalesce(${name}, ${id})`);

/**
 * What each column sorts by. Names sort case-insensitively, falling back to the id when no name is
 * known. `created` is the default and the only key with an index (conversations_created_idx) that
 * also serves the range filter; every other key sorts the matching rows (SQLite keeps only the
 * top OFFSET+LIMIT of them while scanning), which is a full pass over the range.
 */
const SORT_EXPRESSIONS: Record<SortKey, SQL | typeof conversations.createdAt> = {
  id: sql`${conversations.conversationId}`,
  created: conversations.createdAt,
  status: sql`${conversations.status}`,
  channel: named(channels.name, conversations.channelId),
  group: named(groups.name, conversations.assignedGroupId),
  agent: named(agents.name, conversations.assignedAgentId),
  source: sql`${conversations.source}`,
  firstResponse: sql`${conversations.first_response_time_bhrs}`,
  resolution: sql`${conversations.resolution_time_bhrs}`,
  reopens: sql`${conversations.reopenCount}`,
  reassignments,
  updated: sql`${conversations.updatedAt}`,
};

/**
 * ORDER BY for a sort: rows without a value come last in both directions, and ties are broken on
 * the conversation id (same direction) so the order, and therefore the pages, are stable. The
 * direction is one of two whitelisted words, inlined because SQL cannot bind a keyword.
 */
function orderBy({ sort, dir }: Pick<ListParams, 'sort' | 'dir'>): SQL[] {
  const direction = sql.raw(dir);
  const tieBreak = sql`${conversations.conversationId} ${direction}`;
  if (sort === 'id') return [tieBreak];
  // created_at is never null inside a date range: a plain ORDER BY lets SQLite walk the index.
  if (sort === 'created') return [sql`${conversations.createdAt} ${direction}`, tieBreak];
  return [sql`${SORT_EXPRESSIONS[sort]} ${direction} nulls last`, tieBreak];
}

/** The one join a sort key needs (a name), if any: the page's ids are chosen without the others. */
const SORT_JOINS = {
  channel: { table: channels, on: eq(channels.id, conversations.channelId) },
  group: { table: groups, on: eq(groups.id, conversations.assignedGroupId) },
  agent: { table: agents, on: eq(agents.id, conversations.assignedAgentId) },
} as const;

/**
 * One page of the conversations created in the range that match the filters, in the requested
 * order. Two steps (a "deferred join"): first the page's ids, sorted and offset on the
 * conversations table alone (plus the one name a name sort needs), so the rows skipped by OFFSET
 * cost an index step each and no joins; then the 50 rows with their names.
 */
export function getConversationList(db: Db, filters: Filters, params: ListParams): ConversationListPage {
  const where = conversationsMatching(filters);
  const total = db.select({ n: count() }).from(conversations).where(where).get()?.n ?? 0;
  const offset = (params.page - 1) * PAGE_SIZE;
  const rows = offset >= total ? [] : pageRows(db, where, params, offset);
  return {
    rows,
    total,
    page: params.page,
    pageSize: PAGE_SIZE,
    pageCount: Math.ceil(total / PAGE_SIZE),
    firstRow: rows.length === 0 ? 0 : offset + 1,
    lastRow: rows.length === 0 ? 0 : offset + rows.length,
  };
}

function pageRows(db: Db, where: SQL | undefined, params: ListParams, offset: number): ConversationListRow[] {
  let idQuery = db.select({ id: conversations.conversationId }).from(conversations).$dynamic();
  const join = params.sort in SORT_JOINS ? SORT_JOINS[params.sort as keyof typeof SORT_JOINS] : null;
  if (join) idQuery = idQuery.leftJoin(join.table, join.on);
  const ids = idQuery
    .where(where)
    .orderBy(...orderBy(params))
    .limit(PAGE_SIZE)
    .offset(offset)
    .all()
    .map((row) => row.id);
  if (ids.length === 0) return [];
  const rows = db
    .select({
      conversationId: conversations.conversationId,
      createdAt: conversations.createdAt,
      updatedAt: conversations.updatedAt,
      status: conversations.status,
      channelId: conversations.channelId,
      channelName: channels.name,
      groupId: conversations.assignedGroupId,
      groupName: groups.name,
      agentId: conversations.assignedAgentId,
      agentName: agents.name,
      source: conversations.source,
      firstResponseBhrs: conversations.first_response_time_bhrs,
      firstResponseChrs: conversations.first_response_time_chrs,
      resolutionBhrs: conversations.resolution_time_bhrs,
      resolutionChrs: conversations.resolution_time_chrs,
      reopens: conversations.reopenCount,
      reassignments,
    })
    .from(conversations)
    .leftJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(groups, eq(groups.id, conversations.assignedGroupId))
    .leftJoin(agents, eq(agents.id, conversations.assignedAgentId))
    .where(inArray(conversations.conversationId, ids))
    .all();
  const position = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => position.get(a.conversationId)! - position.get(b.conversationId)!);
}
