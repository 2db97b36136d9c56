import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { assignmentChanges, conversations, statusTransitions } from '../../db/schema';
import { STATISTIC_KEYS } from '../events/statistics';
import type { Filters } from '../filters/parse-filters';
import { conversationsMatching } from '../queries/conversation-filter';
import type { EntityKind } from '../queries/entity-names';

/**
 * The reports with one row per record (conversation, status change, assignment change), streamed
 * from a cursor. Each select list's keys are the CSV header, in order (README, "CSV reports",
 * documents every column), with each name column after its id and the packed column's header in
 * its place; `times` names the epoch-ms columns written as ISO 8601 UTC.
 */
export type RowReport = {
  times: readonly string[];
  /**
   * Name columns, each written right after the id column it names. Not selected: filled in memory
   * as rows stream (row-source.ts), so no placeholder value crosses from SQLite per row.
   */
  names?: readonly NameColumn[];
  /** A selected text that stands for several CSV columns, written as it is (`header` in the header). */
  packed?: { column: string; header: readonly string[] };
  query: (db: Db, filters: Filters) => { toSQL: () => { sql: string; params: unknown[] }; _: { selectedFields: Record<string, unknown> } };
};

/**
 * A column with the name of the channel, group or agent whose id is in column `id`: the name as
 * last seen, empty when the entity was never described. `kind` is fixed, or read from a column of
 * the row (assignment changes name agents and groups). Looked up in memory from the three small
 * tables read once per export, rather than joined per row: the joins cost the conversations report
 * 0.65 µs of its ~10 µs a row.
 */
export type NameColumn = { name: string; id: string; kind: EntityKind | { column: string } };

/**
 * The conversations report's counts and statistics, from `reopen_count` to `unassignment_count`,
 * as one text in SQL: the four counts are integers, written by SQL as JavaScript writes them, and
 * the statistics come packed (packStatistics: JavaScript's own formatting, `null` where the cell
 * is empty), so replacing `null` gives those cells exactly. Why: better-sqlite3 spends 0.1–0.2 µs
 * turning each value of a row into JavaScript, one long text costing about what a short one does,
 * and the export writes a million rows; read as eighteen values and written one by one, these
 * columns cost a sixth of the report's time a row (README, "CSV reports"). NULL (so the writer
 * refuses the row) only where the statistics were never packed.
 */
const countsAndStatistics = sql<string | null>`${conversations.reopenCount} || ',' || ${conversations.agentReassignmentCount} || ',' || replace(${conversations.statisticsPacked}, 'null', '') || ',' || ${conversations.groupReassignmentCount} || ',' || ${conversations.unassignmentCount}`;

/** Conversations created in the range that match the filters, oldest first. */
const conversationsReport: RowReport = {
  times: ['created_time', 'first_agent_assigned_time', 'resolved_time', 'reopened_time', 'first_group_assigned_time', 'updated_time'],
  names: [
    { name: 'channel_name', id: 'channel_id', kind: 'channel' },
    { name: 'group_name', id: 'assigned_group_id', kind: 'group' },
    { name: 'agent_name', id: 'assigned_agent_id', kind: 'agent' },
  ],
  packed: {
    column: 'counts_and_statistics',
    // Agent reassignments: group moves and unassignments have their own columns.
    header: ['reopen_count', 'reassignment_count', ...STATISTIC_KEYS, 'group_reassignment_count', 'unassignment_count'],
  },
  query: (db, filters) =>
    db
      .select({
        conversation_id: conversations.conversationId,
        status: conversations.status,
        channel_id: conversations.channelId,
        source: conversations.source,
        assigned_group_id: conversations.assignedGroupId,
        assigned_agent_id: conversations.assignedAgentId,
        created_time: conversations.createdAt,
        first_agent_assigned_time: conversations.firstAgentAssignedAt,
        resolved_time: conversations.resolvedAt,
        reopened_time: conversations.reopenedAt,
        counts_and_statistics: countsAndStatistics,
        first_group_assigned_time: conversations.firstGroupAssignedAt,
        updated_time: conversations.updatedAt,
      })
      .from(conversations)
      .where(conversationsMatching(filters))
      .orderBy(asc(conversations.createdAt), asc(conversations.conversationId)),
};

/** Status changes in the range, of conversations (created at any time) that match the other filters. */
const transitionsReport: RowReport = {
  times: ['at'],
  query: (db, filters) =>
    db
      .select({
        conversation_id: statusTransitions.conversationId,
        from_status: statusTransitions.fromStatus,
        to_status: statusTransitions.toStatus,
        at: statusTransitions.at,
        actor_id: statusTransitions.actorId,
        actor_type: statusTransitions.actorType,
      })
      .from(statusTransitions)
      .innerJoin(conversations, eq(conversations.conversationId, statusTransitions.conversationId))
      .where(and(gte(statusTransitions.at, filters.startMs), lt(statusTransitions.at, filters.endMs), conversationsMatching(filters, { ignoreRange: true })))
      .orderBy(asc(statusTransitions.at), asc(statusTransitions.eventId)),
};

/** Agent and group assignment changes in the range, of conversations (created at any time) that match the other filters. */
const assignmentsReport: RowReport = {
  times: ['at'],
  // The kind of each change says where its ids are looked up: an agent id among agents only, a group id among groups.
  names: [
    { name: 'from_name', id: 'from_id', kind: { column: 'kind' } },
    { name: 'to_name', id: 'to_id', kind: { column: 'kind' } },
  ],
  query: (db, filters) =>
    db
      .select({
        conversation_id: assignmentChanges.conversationId,
        kind: assignmentChanges.kind,
        from_id: assignmentChanges.fromId,
        to_id: assignmentChanges.toId,
        at: assignmentChanges.at,
        actor_id: assignmentChanges.actorId,
        actor_type: assignmentChanges.actorType,
      })
      .from(assignmentChanges)
      .innerJoin(conversations, eq(conversations.conversationId, assignmentChanges.conversationId))
      .where(and(gte(assignmentChanges.at, filters.startMs), lt(assignmentChanges.at, filters.endMs), conversationsMatching(filters, { ignoreRange: true })))
      .orderBy(asc(assignmentChanges.at), asc(assignmentChanges.eventId), asc(assignmentChanges.kind)),
};

export const ROW_REPORTS = {
  conversations: conversationsReport,
  transitions: transitionsReport,
  assignments: assignmentsReport,
} as const;
