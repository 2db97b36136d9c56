import type {
  NewAgent,
  NewAssignmentChange,
  NewChannel,
  NewConversation,
  NewGroup,
  NewMessage,
  NewStatusTransition,
} from '../../db/schema';
import type { ActorPayload, AgentPayload, ChannelPayload, Envelope, GroupPayload } from '../events/schema';
import { STATISTIC_KEYS, type StatisticKey } from '../events/statistics';
import { toEpochMs } from '../events/time';
import { entityVersion, snapshotVersion, SOURCE_RANK } from './version';

/** What one stored event contributes to the projections: the rules, with no storage in sight. */
export type EventProjection = {
  conversation: ConversationSnapshot;
  statistics: { values: Record<StatisticKey, number | null>; version: string } | null;
  createSeen: boolean;
  counters: ConversationCounters;
  /** Without `eventId`: the projection is computed before the event is stored (writeProjections adds it). */
  statusTransition: Omit<NewStatusTransition, 'eventId'> | null;
  assignmentChanges: Omit<NewAssignmentChange, 'eventId'>[];
  agents: NewAgent[];
  groups: NewGroup[];
  channels: NewChannel[];
  messages: NewMessage[];
};

export type ConversationSnapshot = Omit<
  NewConversation,
  StatisticKey | 'statisticsVersion' | 'createSeen' | keyof ConversationCounters
>;
export type ConversationCounters = {
  reopenCount: number;
  agentReassignmentCount: number;
  groupReassignmentCount: number;
  unassignmentCount: number;
};

export type StoredEventRef = { dedupeKey: string; eventTime: number };

export function projectEvent(stored: StoredEventRef, envelope: Envelope): EventProjection {
  const { conversation: c, actor, associations, changes } = envelope.data;
  const conversationId = c.conversation_id;
  const version = snapshotVersion(stored.eventTime, envelope.event, stored.dedupeKey);
  const isCreate = envelope.event === 'onConversationCreate';
  const actorId = actor?.id ?? null;
  const actorType = actor?.type ?? null;

  const statusChange = changes?.model_changes?.status;
  const agentChange = changes?.model_changes?.assigned_agent_id;
  const groupChange = changes?.model_changes?.assigned_group_id;

  // A create is the `→ new` transition, at the conversation's creation time.
  const statusTransition: EventProjection['statusTransition'] = isCreate
    ? {
        conversationId,
        fromStatus: null,
        toStatus: 'new',
        at: toEpochMs(c.created_time) ?? stored.eventTime,
        actorId,
        actorType,
      }
    : statusChange && statusChange[1] !== null && statusChange[0] !== statusChange[1]
      ? {
          conversationId,
          fromStatus: statusChange[0],
          toStatus: statusChange[1],
          at: stored.eventTime,
          actorId,
          actorType,
        }
      : null;

  const assignmentChanges: EventProjection['assignmentChanges'] = [];
  for (const [kind, change] of [
    ['agent', agentChange],
    ['group', groupChange],
  ] as const) {
    if (!change || change[0] === change[1]) continue;
    assignmentChanges.push({
      kind,
      conversationId,
      fromId: change[0],
      toId: change[1],
      at: stored.eventTime,
      actorId,
      actorType,
    });
  }

  const isReassignment = (change: typeof agentChange) => !!change && !!change[0] && !!change[1] && change[0] !== change[1];
  const isUnassignment = (change: typeof agentChange) => !!change && !!change[0] && change[1] === null;
  const counters: ConversationCounters = {
    // Freshchat has no "reopened" status: a reopen is a move out of `resolved`.
    reopenCount: statusTransition?.fromStatus === 'resolved' ? 1 : 0,
    agentReassignmentCount: isReassignment(agentChange) ? 1 : 0,
    groupReassignmentCount: isReassignment(groupChange) ? 1 : 0,
    unassignmentCount: isUnassignment(agentChange) || isUnassignment(groupChange) ? 1 : 0,
  };

  const stats = c.statistics;
  const statistics = stats
    ? {
        values: Object.fromEntries(STATISTIC_KEYS.map((key) => [key, finiteOrNull(stats[key])])) as Record<
          StatisticKey,
          number | null
        >,
        version,
      }
    : null;

  const agentVersion = (rank: number) => entityVersion(rank, stored.eventTime, stored.dedupeKey);
  const agents: NewAgent[] = [];
  if (associations?.agent?.id) agents.push(agentFromAssociation(associations.agent, agentVersion(SOURCE_RANK.association)));
  const actorAgent = actor && agentFromActor(actor, agentVersion(SOURCE_RANK.actor));
  if (actorAgent) agents.push(actorAgent);

  const groups: NewGroup[] = [];
  const groupVersion = agentVersion(SOURCE_RANK.association);
  if (associations?.group?.id) groups.push(groupFromAssociation(associations.group, groupVersion));
  const routedGroup = associations?.channel?.assign_to_group;
  if (routedGroup?.id && routedGroup.id !== associations?.group?.id) groups.push(groupFromAssociation(routedGroup, groupVersion));

  const channels: NewChannel[] = associations?.channel?.id
    ? [channelFromAssociation(associations.channel, groupVersion)]
    : [];

  const messages: NewMessage[] = [];
  for (const m of c.messages ?? []) {
    // Without an id a message cannot be told apart from its copies in later events: skip it.
    if (!m.id) continue;
    messages.push({
      id: m.id,
      conversationId: m.conversation_id ?? conversationId,
      actorId: m.actor_id ?? null,
      actorType: m.actor_type ?? null,
      messageType: m.message_type ?? null,
      messageSource: m.message_source ?? null,
      createdAt: toEpochMs(m.created_time),
      isFirstMessage: m.is_first_message ?? null,
      isAgentFirstResponse: m.is_agent_first_response ?? null,
      isAgentInterimFirstResponse: m.is_agent_interim_first_response ?? null,
      inReplyTo: m.in_reply_to ?? null,
      interactionId: m.interaction_id ?? null,
      version,
    });
  }

  return {
    conversation: {
      conversationId,
      accountId: envelope.account_id ?? null,
      appId: c.app_id ?? null,
      channelId: c.channel_id ?? null,
      userId: c.user_id ?? null,
      source: c.source ?? null,
      status: c.status ?? null,
      assignedGroupId: c.assigned_group_id ?? null,
      assignedAgentId: c.assigned_agent_id ?? null,
      responseDueType: c.response_due_type ?? null,
      labelCategoryId: c.label_category_id ?? null,
      labelSubcategoryId: c.label_subcategory_id ?? null,
      labelCategory: associations?.label_category ?? null,
      labelSubcategory: associations?.label_subcategory ?? null,
      createdAt: toEpochMs(c.created_time),
      updatedAt: toEpochMs(c.updated_time) ?? stored.eventTime,
      assignedAt: toEpochMs(c.assigned_time),
      groupAssignedAt: toEpochMs(c.group_assigned_time),
      firstGroupAssignedAt: toEpochMs(c.first_group_assigned_time),
      firstAgentAssignedAt: toEpochMs(c.first_agent_assigned_time),
      resolvedAt: toEpochMs(c.resolved_time),
      reopenedAt: toEpochMs(c.reopened_time),
      version,
    },
    statistics,
    createSeen: isCreate,
    counters,
    statusTransition,
    assignmentChanges,
    agents,
    groups,
    channels,
    messages,
  };
}

function displayName(first: string | null | undefined, last: string | null | undefined): string | null {
  const name = [first, last].filter((part) => part && part.trim() !== '').join(' ');
  return name === '' ? null : name;
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function agentFromAssociation(agent: AgentPayload, version: string): NewAgent {
  return {
    id: agent.id!,
    name: displayName(agent.first_name, agent.last_name),
    maxActiveConv: agent.max_active_conv ?? null,
    availabilityStatus: agent.availability_status ?? null,
    loginStatus: agent.login_status ?? null,
    isDeactivated: agent.is_deactivated ?? null,
    isDeleted: agent.is_deleted ?? null,
    roleId: agent.role_id ?? null,
    timezone: agent.timezone ?? null,
    groupIds: JSON.stringify(agent.freshid_group_ids ?? []),
    version,
  };
}

/** An agent acting on a conversation gives at least a name for their id. */
function agentFromActor(actor: ActorPayload, version: string): NewAgent | null {
  if (actor.type !== 'agent' || !actor.id) return null;
  return { id: actor.id, name: displayName(actor.first_name, actor.last_name), version };
}

function groupFromAssociation(group: GroupPayload, version: string): NewGroup {
  return {
    id: group.id!,
    name: group.name ?? null,
    routingType: group.routing_type ?? null,
    isDeactivated: group.is_deactivated ?? null,
    autoAssignmentEnabled: group.automatic_agent_assignment?.enabled ?? null,
    businessCalendar: group.business_calendar == null ? null : JSON.stringify(group.business_calendar),
    agentIds: JSON.stringify([...new Set(group.agents ?? [])]),
    version,
  };
}

function channelFromAssociation(channel: ChannelPayload, version: string): NewChannel {
  return {
    id: channel.id!,
    name: channel.name ?? null,
    enabled: channel.enabled ?? null,
    isPublic: channel.public ?? null,
    locale: channel.locale ?? null,
    tags: JSON.stringify(channel.tags ?? []),
    assignToGroupId: channel.assign_to_group?.id ?? null,
    version,
  };
}
