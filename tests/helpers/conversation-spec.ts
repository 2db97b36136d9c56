/**
 * Hand-written envelopes described by a spec (one object per event): only the fields a test is about, the rest left
 * out (as the platform may). Times are ISO strings; names go in `associations` as Freshchat sends them.
 */
export type ConversationSpec = {
  id: string;
  created: string;
  updated?: string;
  event?: 'onConversationCreate' | 'onConversationUpdate';
  status?: 'new' | 'assigned' | 'resolved';
  source?: string;
  channel?: { id: string; name?: string };
  group?: { id: string; name?: string };
  agent?: { id: string; first_name?: string; last_name?: string } | null;
  statistics?: Record<string, number>;
  changes?: Record<string, [string | null, string | null]>;
  actor?: { id: string; type: string; first_name?: string; last_name?: string };
  messages?: Record<string, unknown>[];
  resolved?: string;
};

export function envelope(spec: ConversationSpec): Record<string, unknown> {
  const updated = spec.updated ?? spec.created;
  return {
    account_id: 'acc-test',
    event: spec.event ?? 'onConversationCreate',
    timestamp: Date.parse(updated),
    data: {
      ...(spec.actor ? { actor: spec.actor } : {}),
      associations: {
        ...(spec.channel ? { channel: spec.channel } : {}),
        ...(spec.group ? { group: spec.group } : {}),
        ...(spec.agent ? { agent: spec.agent } : {}),
      },
      conversation: {
        conversation_id: spec.id,
        created_time: spec.created,
        updated_time: updated,
        status: spec.status ?? 'new',
        source: spec.source ?? null,
        channel_id: spec.channel?.id ?? null,
        assigned_group_id: spec.group?.id ?? null,
        assigned_agent_id: spec.agent?.id ?? null,
        resolved_time: spec.resolved ?? null,
        ...(spec.statistics ? { statistics: spec.statistics } : {}),
        ...(spec.messages ? { messages: spec.messages } : {}),
      },
      ...(spec.changes ? { changes: { model_changes: spec.changes } } : {}),
    },
    iparams: { ingest_token: 'never-stored-secret' },
  };
}
