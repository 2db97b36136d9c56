import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { assignmentChanges, conversations, statusTransitions } from '../../db/schema';
import { STATISTIC_KEYS } from '../events/statistics';
import type { Filters } from '../filters/parse-filters';
import { conversationsMatching } from '../queries/conversation-filter';
import type { EntityKind } from '../queries/entity-names';
import { CsvCells } from './csv';

/**
 * The reports with one row per record (conversation, status change, assignment change), streamed
 * from a cursor. Each select list's keys are the CSV header, in order (README, "CSV reports",
 * documents every column); `times` names the epoch-ms columns written as ISO 8601 UTC.
 */
export type RowReport = {
  times: readonly string[];
  /** Name columns, filled in memory as rows stream (open-report.ts); the select list holds their place (`nameColumn`). */
  names?: readonly NameColumn[];
  /** A selected column that stands for several CSV columns: `header` in the header, `cells` written from its value. */
  packed?: { column: string; header: readonly string[]; cells: (value: unknown) => CsvCells };
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
/** The place of a name column in a select list: NULL from SQL, the name once open-report.ts fills it. */
const nameColumn = () => sql<string | null>`null`;

/**
 * The fourteen statistics columns, written from the conversation's packed copy (packStatistics):
 * its values are what csv.ts writes for numbers (JavaScript's own formatting) and `null` where
 * it writes an empty cell, so replacing `null` gives the cells exactly; reading one text instead of
 * fourteen doubles and formatting none saves a third of the export's time per row.
 */
export function statisticsCells(packed: unknown): CsvCells {
  if (typeof packed !== 'string') throw new Error('a conversation without packed statistics: open the database with the server once to pack them');
  return new CsvCells(packed.replaceAll('null', ''));
}

/** Conversations created in the range that match the filters, oldest first. */
const conversationsReport: RowReport = {
  times: ['created_time', 'first_agent_assigned_time', 'resolved_time', 'reopened_time', 'first_group_assigned_time', 'updated_time'],
  names: [
    { name: 'channel_name', id: 'channel_id', kind: 'channel' },
    { name: 'group_name', id: 'assigned_group_id', kind: 'group' },
    { name: 'agent_name', id: 'assigned_agent_id', kind: 'agent' },
  ],
  packed: { column: 'statistics', header: STATISTIC_KEYS, cells: statisticsCells },
  query: (db, filters) =>
    db
      .select({
        conversation_id: conversations.conversationId,
        status: conversations.status,
        channel_id: conversations.channelId,
        channel_name: nameColumn(),
        source: conversations.source,
        assigned_group_id: conversations.assignedGroupId,
        group_name: nameColumn(),
        assigned_agent_id: conversations.assignedAgentId,
        agent_name: nameColumn(),
        created_time: conversations.createdAt,
        first_agent_assigned_time: conversations.firstAgentAssignedAt,
        resolved_time: conversations.resolvedAt,
        reopened_time: conversations.reopenedAt,
        reopen_count: conversations.reopenCount,
        // Agent reassignments: group moves and unassignments have their own columns below.
        reassignment_count: conversations.agentReassignmentCount,
        statistics: conversations.statisticsPacked,
        group_reassignment_count: conversations.groupReassignmentCount,
        unassignment_count: conversations.unassignmentCount,
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
        from_name: nameColumn(),
        to_id: assignmentChanges.toId,
        to_name: nameColumn(),
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
