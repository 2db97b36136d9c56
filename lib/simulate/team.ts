/**
 * One team for every generator the simulation runs.
 *
 * The generator builds its organisation (groups, agents, topics, app) from its seed, and one
 * generator makes at most 100,000 conversations a day, so higher rates need several generators
 * with different seeds: several organisations. To keep the dashboard showing one team (the
 * first-run demo team), each generator's envelopes are rewritten onto the target team: every
 * organisation id is replaced by the id at the same position in the target organisation (names,
 * routing types and calendars are positional already), and the per-agent and per-group details
 * a seed draws (capacity, availability, second group, group members) are taken from the target.
 * Conversation, user and message ids are left alone: they differ between seeds.
 */
import type { DemoEnvelope } from '../demo/generator';
import type { DemoAgent, DemoGroup, Organisation } from '../demo/organisation';

/** The first-run demo data's seed (lib/demo/demo-data.ts FIRST_RUN_DEMO.seed): live events join that team. */
export const TEAM_SEED = 20261125;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

type Json = Record<string, unknown>;

/** The fields of an agent payload that come from the agent's seeded attributes. */
function agentDetails(agent: DemoAgent): Json {
  return {
    max_active_conv: agent.maxActiveConv,
    availability_status: agent.available ? 'AVAILABLE' : 'UNAVAILABLE',
    login_status: agent.available,
    status: agent.available ? 0 : 1,
    freshid_group_ids: agent.groupIds,
  };
}

function withGroupMembers(payload: unknown, target: DemoGroup | undefined): unknown {
  if (!target || typeof payload !== 'object' || payload === null) return payload;
  return { ...(payload as Json), agents: target.agentIds };
}

/** A function from an envelope of `from`'s generator to its NDJSON line on `to`'s team. */
export function teamRewriter(from: Organisation, to: Organisation): (envelope: DemoEnvelope) => string {
  if (from.groups.length !== to.groups.length || from.agents.length !== to.agents.length || from.channels.length !== to.channels.length) {
    throw new Error('teamRewriter: both organisations need the same numbers of groups, agents and channels');
  }
  const ids = new Map<string, string>([[from.appId, to.appId]]);
  const agents = new Map<string, DemoAgent>();
  const groups = new Map<string, DemoGroup>();
  from.groups.forEach((g, i) => {
    ids.set(g.id, to.groups[i]!.id);
    groups.set(g.id, to.groups[i]!);
  });
  from.agents.forEach((a, i) => {
    ids.set(a.id, to.agents[i]!.id);
    agents.set(a.id, to.agents[i]!);
  });
  from.channels.forEach((c, i) => ids.set(c.id, to.channels[i]!.id));
  const identity = [...ids].every(([a, b]) => a === b);

  return (envelope) => {
    // The generator may hand out the same object twice (a duplicate delivery): copy, never mutate.
    let out: DemoEnvelope = envelope;
    const associations = envelope.data.associations as Json | undefined;
    if (!identity && associations && typeof associations === 'object') {
      const fixed: Json = { ...associations };
      const agent = associations.agent as Json | undefined;
      if (agent && typeof agent.id === 'string' && agents.has(agent.id)) fixed.agent = { ...agent, ...agentDetails(agents.get(agent.id)!) };
      const group = associations.group as Json | undefined;
      if (group && typeof group.id === 'string') fixed.group = withGroupMembers(group, groups.get(group.id));
      const channel = associations.channel as Json | undefined;
      const routed = channel?.assign_to_group as Json | undefined;
      if (channel && routed && typeof routed.id === 'string') fixed.channel = { ...channel, assign_to_group: withGroupMembers(routed, groups.get(routed.id)) };
      out = { ...envelope, data: { ...envelope.data, associations: fixed } };
    }
    const line = JSON.stringify(out);
    return identity ? line : line.replace(UUID, (id) => ids.get(id) ?? id);
  };
}
