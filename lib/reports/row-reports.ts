import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client';
import { agents, assignmentChanges, channels, conversations, groups, statusTransitions } from '../../db/schema';
import { STATISTIC_KEYS, type StatisticKey } from '../events/statistics';
import type { Filters } from '../filters/parse-filters';
import { conversationsMatching } from '../queries/conversation-filter';

/**
 * The reports with one row per record (conversation, status change, assignment change), streamed
 * from a cursor. Each select list's keys are the CSV header, in order (README, "CSV reports",
 * documents every column); `times` names the epoch-ms columns written as ISO 8601 UTC.
 */
export type RowReport = {
  times: readonly string[];
  query: (db: Db, filters: Filters) => { toSQL: () => { sql: string; params: unknown[] }; _: { selectedFields: Record<string, unknown> } };
};

const statistics = Object.fromEntries(STATISTIC_KEYS.map((key) => [key, conversations[key]])) as { [K in StatisticKey]: (typeof conversations)[K] };

/** Conversations created in the range that match the filters, oldest first. */
const conversationsReport: RowReport = {
  times: ['created_time', 'first_agent_assigned_time', 'resolved_time', 'reopened_time', 'first_group_assigned_time', 'updated_time'],
  query: (db, filters) =>
    db
      .select({
        conversation_id: conversations.conversationId,
        status: conversations.status,
        channel_id: conversations.channelId,
        channel_name: channels.name,
        source: conversations.source,
        assigned_group_id: conversations.assignedGroupId,
        group_name: groups.name,
        assigned_agent_id: conversations.assignedAgentId,
        agent_name: agents.name,
        created_time: conversations.createdAt,
        first_agent_assigned_time: conversations.firstAgentAssignedAt,
        resolved_time: conversations.resolvedAt,
        reopened_time: conversations.reopenedAt,
        reopen_count: conversations.reopenCount,
        // Agent reassignments: group moves and unassignments have their own columns below.
        reassignment_count: conversations.agentReassignmentCount,
        ...statistics,
        group_reassignment_count: conversations.groupReassignmentCount,
        unassignment_count: conversations.unassignmentCount,
        first_group_assigned_time: conversations.firstGroupAssignedAt,
        updated_time: conversations.updatedAt,
      })
      .from(conversations)
      .leftJoin(channels, eq(channels.id, conversations.channelId))
      .leftJoin(groups, eq(groups.id, conversations.assignedGroupId))
      .leftJoin(agents, eq(agents.id, conversations.assignedAgentId))
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

const fromAgent = alias(agents, 'from_agent');
const toAgent = alias(agents, 'to_agent');
const fromGroup = alias(groups, 'from_group');
const toGroup = alias(groups, 'to_group');

/** Agent and group assignment changes in the range, of conversations (created at any time) that match the other filters. */
const assignmentsReport: RowReport = {
  times: ['at'],
  query: (db, filters) =>
    db
      .select({
        conversation_id: assignmentChanges.conversationId,
        kind: assignmentChanges.kind,
        from_id: assignmentChanges.fromId,
        from_name: sql<string | null>`coalesce(${fromAgent.name}, ${fromGroup.name})`,
        to_id: assignmentChanges.toId,
        to_name: sql<string | null>`coalesce(${toAgent.name}, ${toGroup.name})`,
        at: assignmentChanges.at,
        actor_id: assignmentChanges.actorId,
        actor_type: assignmentChanges.actorType,
      })
      .from(assignmentChanges)
      .innerJoin(conversations, eq(conversations.conversationId, assignmentChanges.conversationId))
      // The kind in each join: an agent id is looked up among agents only, a group id among groups.
      .leftJoin(fromAgent, and(eq(assignmentChanges.kind, 'agent'), eq(fromAgent.id, assignmentChanges.fromId)))
      .leftJoin(toAgent, and(eq(assignmentChanges.kind, 'agent'), eq(toAgent.id, assignmentChanges.toId)))
      .leftJoin(fromGroup, and(eq(assignmentChanges.kind, 'group'), eq(fromGroup.id, assignmentChanges.fromId)))
      .leftJoin(toGroup, and(eq(assignmentChanges.kind, 'group'), eq(toGroup.id, assignmentChanges.toId)))
      .where(and(gte(assignmentChanges.at, filters.startMs), lt(assignmentChanges.at, filters.endMs), conversationsMatching(filters, { ignoreRange: true })))
      .orderBy(asc(assignmentChanges.at), asc(assignmentChanges.eventId), asc(assignmentChanges.kind)),
};

export const ROW_REPORTS = {
  conversations: conversationsReport,
  transitions: transitionsReport,
  assignments: assignmentsReport,
} as const;
