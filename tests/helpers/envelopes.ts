/**
 * Small hand-written envelopes for query tests: only the fields the projections read, in the
 * shape a Freshworks app receives. Times are ISO strings; the event's time is `updated_time`.
 */
export type ConversationState = {
  status?: 'new' | 'assigned' | 'resolved';
  agent?: string | null;
  group?: string | null;
  channel?: string | null;
  source?: string;
  createdAt: string;
  /** Freshchat's first_agent_assigned_time, sent only when given. */
  firstAgentAssignedAt?: string;
  /** assigned_time, resolved_time, reopened_time: sent only when given. */
  assignedAt?: string;
  resolvedAt?: string;
  reopenedAt?: string;
  statistics?: Record<string, number | null>;
};

type Agent = { id: string; name: string; capacity: number };
type Named = { id: string; name: string; agents?: string[] };

function conversation(id: string, state: ConversationState, at: string) {
  return {
    conversation_id: id,
    channel_id: state.channel ?? null,
    created_time: state.createdAt,
    updated_time: at,
    status: state.status ?? 'new',
    source: state.source ?? 'WEB',
    assigned_agent_id: state.agent ?? null,
    assigned_group_id: state.group ?? null,
    ...(state.firstAgentAssignedAt ? { first_agent_assigned_time: state.firstAgentAssignedAt } : {}),
    ...(state.assignedAt ? { assigned_time: state.assignedAt } : {}),
    ...(state.resolvedAt ? { resolved_time: state.resolvedAt } : {}),
    ...(state.reopenedAt ? { reopened_time: state.reopenedAt } : {}),
    ...(state.statistics ? { statistics: state.statistics } : {}),
  };
}

const associations = (extra: { agent?: Agent; group?: Named; channel?: Named }) => ({
  ...(extra.agent
    ? {
        agent: {
          id: extra.agent.id,
          first_name: extra.agent.name,
          last_name: null,
          max_active_conv: extra.agent.capacity,
          availability_status: 'AVAILABLE',
          login_status: true,
          is_deactivated: false,
          is_deleted: false,
        },
      }
    : {}),
  ...(extra.group ? { group: { id: extra.group.id, name: extra.group.name, agents: extra.group.agents ?? [] } } : {}),
  ...(extra.channel ? { channel: { id: extra.channel.id, name: extra.channel.name } } : {}),
});

export function createEvent(id: string, state: ConversationState, extra: { group?: Named; channel?: Named } = {}) {
  return {
    account_id: 'acc-test',
    event: 'onConversationCreate',
    timestamp: Date.parse(state.createdAt),
    data: { conversation: conversation(id, state, state.createdAt), associations: associations(extra) },
  };
}

/** An update at `at` that leaves the conversation in `state`, with the listed model changes. */
export function updateEvent(
  id: string,
  at: string,
  state: ConversationState,
  modelChanges: Record<string, [unknown, unknown]>,
  extra: { agent?: Agent; group?: Named; channel?: Named } = {},
) {
  return {
    account_id: 'acc-test',
    event: 'onConversationUpdate',
    timestamp: Date.parse(at),
    data: {
      conversation: conversation(id, state, at),
      associations: associations(extra),
      changes: { model_changes: modelChanges },
    },
  };
}
