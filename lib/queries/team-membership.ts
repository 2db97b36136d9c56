import type { Db } from '../../db/client';
import { agents, groups } from '../../db/schema';

/** A JSON array of ids as stored (group_ids, agent_ids); anything else is no ids. */
export function parseIds(json: string | null): string[] {
  if (!json) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Who belongs to which group, for the Agent load page and the agents and groups reports (one rule
 * for both, so a filtered page and its export list the same rows).
 *
 * An agent's groups: the groups that list them among their agents (`associations.group.agents`),
 * and the ids of the agent's own `freshid_group_ids`. The reference calls the latter master-record
 * UUIDs, which need not be the group ids the filter chooses from; the former are those ids. A
 * group's agents: those it lists (what its capacity has always summed), whatever agents say; with
 * an agent filter (`chosen` not empty), the chosen ones among them, the group's part the page and
 * the groups report then show.
 */
export type Membership = { groupsOf: (agentId: string) => string[]; agentsOf: (groupId: string, chosen?: readonly string[]) => string[] };

export function teamMembership(db: Db): Membership {
  const listed = new Map<string, string[]>();
  const groupsOfAgent = new Map<string, Set<string>>();
  for (const group of db.select({ id: groups.id, agentIds: groups.agentIds }).from(groups).all()) {
    const members = parseIds(group.agentIds);
    listed.set(group.id, members);
    for (const agentId of members) groupsOfAgent.set(agentId, (groupsOfAgent.get(agentId) ?? new Set()).add(group.id));
  }
  for (const agent of db.select({ id: agents.id, groupIds: agents.groupIds }).from(agents).all()) {
    for (const groupId of parseIds(agent.groupIds)) groupsOfAgent.set(agent.id, (groupsOfAgent.get(agent.id) ?? new Set()).add(groupId));
  }
  return {
    groupsOf: (agentId) => [...(groupsOfAgent.get(agentId) ?? [])],
    agentsOf: (groupId, chosen = []) => (listed.get(groupId) ?? []).filter((id) => chosen.length === 0 || chosen.includes(id)),
  };
}
