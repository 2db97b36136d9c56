import { and, count, eq, gte, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { jsonArrayOf, parseJsonArray, type Db } from '../../db/client';
import { agents, assignmentChanges, conversations, groups, statusTransitions } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { inActivityRange } from './activity-filter';
import { conversationsMatching } from './conversation-filter';
import { indexesByKey, numbersOf, summariseAt } from './median';
import { teamMembership, type Membership } from './team-membership';

/**
 * Per-team figures, per agent or per group: the agents and groups CSV reports, and the /agents
 * page when it wants them. Every figure's SQL is here: counts grouped in the database, medians
 * computed in memory from one read of the range (mediansByTeam).
 *
 * Filters: the `agent` filter (agents) or `group` filter (groups) chooses which rows are listed;
 * every other filter (channel, source, status, and group for agents / agent for groups) chooses
 * which conversations are counted, as on every page. The date range applies as each figure says.
 * As on the Agent load page, the group filter also narrows the agents listed to the chosen groups'
 * members and any agent counted in their conversations (and the agent filter the groups, to those
 * with a chosen member or a counted conversation, their capacity that of the chosen members): a
 * page filtered to one group of four agents exported all ten, six of them in zeros.
 */
export type TeamKind = 'agent' | 'group';

export type TeamFigures = {
  id: string;
  name: string | null;
  /** Conversations assigned to it now (status `assigned`), whenever they were created. */
  openNow: number;
  /** Agent: its capacity; group: the sum of its known members' capacities; null when unknown. */
  maxActiveConv: number | null;
  /** Assignment changes to it whose time is in the range. */
  assignedInRange: number;
  /** Changes to status `resolved` whose time is in the range, of conversations currently assigned to it. */
  resolvedInRange: number;
  /** Assignment changes from it to another (non-null) agent or group whose time is in the range. */
  reassignedAway: number;
  /** Medians in hours over conversations created in the range currently assigned to it; null when none has the statistic. */
  medianFirstResponseBhrs: number | null;
  medianFirstResponseChrs: number | null;
  medianResolutionBhrs: number | null;
  medianResolutionChrs: number | null;
};

export function getTeamFigures(db: Db, kind: TeamKind, filters: Filters): TeamFigures[] {
  const team = kind === 'agent' ? conversations.assignedAgentId : conversations.assignedGroupId;
  const listed = kind === 'agent' ? filters.agents : filters.groups;
  const counted: Filters = kind === 'agent' ? { ...filters, agents: [] } : { ...filters, groups: [] };
  const current = conversationsMatching(counted, { ignoreRange: true });
  const createdInRange = and(conversationsMatching(counted), isNotNull(team));
  const changesInRange = (at: AnySQLiteColumn) => and(gte(at, filters.startMs), lt(at, filters.endMs));
  const byId = (rows: { id: string | null; n: number }[]) => new Map(rows.filter((r) => r.id !== null).map((r) => [r.id!, Number(r.n)]));

  const openNow = byId(
    db
      .select({ id: team, n: count() })
      .from(conversations)
      .where(and(current, eq(conversations.status, 'assigned'), isNotNull(team)))
      .groupBy(team)
      .all(),
  );
  // Assignment changes of this kind in the range, counted per (from, to): both figures from one
  // read of the range index (a few thousand pairs, whatever the volume), joined to conversations
  // only when a filter on group, agent or status asks for it (see inActivityRange).
  const a = assignmentChanges;
  const pairs = inActivityRange(db.select({ fromId: a.fromId, toId: a.toId, n: count() }).from(a).$dynamic(), a, counted, eq(a.kind, kind))
    .groupBy(a.fromId, a.toId)
    .all();
  const assignedInRange = new Map<string, number>();
  const reassignedAway = new Map<string, number>();
  const add = (map: Map<string, number>, id: string, n: number) => map.set(id, (map.get(id) ?? 0) + n);
  for (const { fromId, toId, n } of pairs) {
    if (toId !== null) add(assignedInRange, toId, n);
    if (fromId !== null && toId !== null && fromId !== toId) add(reassignedAway, fromId, n);
  }
  // The team a resolution counts for is the conversation's current one: one lookup per resolution.
  const resolvedInRange = byId(
    db
      .select({ id: team, n: count() })
      .from(statusTransitions)
      .innerJoin(conversations, eq(conversations.conversationId, statusTransitions.conversationId))
      .where(and(eq(statusTransitions.toStatus, 'resolved'), changesInRange(statusTransitions.at), isNotNull(team), current))
      .groupBy(team)
      .all(),
  );
  const medians = mediansByTeam(db, team, createdInRange, {
    firstResponseBhrs: conversations.first_response_time_bhrs,
    firstResponseChrs: conversations.first_response_time_chrs,
    resolutionBhrs: conversations.resolution_time_bhrs,
    resolutionChrs: conversations.resolution_time_chrs,
  });

  const membership = teamMembership(db);
  const known = kind === 'agent' ? knownAgents(db) : knownGroups(db, membership, filters.agents);
  const ids = new Set<string>(known.keys());
  const counts = new Set<string>();
  for (const map of [openNow, assignedInRange, resolvedInRange, reassignedAway, ...Object.values(medians)]) for (const id of map.keys()) counts.add(id);
  for (const id of counts) ids.add(id);
  // The other kind's filter: members of the chosen groups (agents of the chosen agents' groups), or counted.
  const others = kind === 'agent' ? filters.groups : filters.agents;
  const related = kind === 'agent' ? membership.groupsOf : membership.agentsOf;
  const belongs = (id: string) => others.length === 0 || counts.has(id) || related(id).some((other) => others.includes(other));
  const rows = [...ids]
    .filter((id) => (listed.length === 0 || listed.includes(id)) && belongs(id))
    .map(
      (id): TeamFigures => ({
        id,
        name: known.get(id)?.name ?? null,
        openNow: openNow.get(id) ?? 0,
        maxActiveConv: known.get(id)?.maxActiveConv ?? null,
        assignedInRange: assignedInRange.get(id) ?? 0,
        resolvedInRange: resolvedInRange.get(id) ?? 0,
        reassignedAway: reassignedAway.get(id) ?? 0,
        medianFirstResponseBhrs: medians.firstResponseBhrs.get(id) ?? null,
        medianFirstResponseChrs: medians.firstResponseChrs.get(id) ?? null,
        medianResolutionBhrs: medians.resolutionBhrs.get(id) ?? null,
        medianResolutionChrs: medians.resolutionChrs.get(id) ?? null,
      }),
    );
  // By name as a person looks them up (case-insensitive, unnamed last), then by id.
  return rows.sort((a, b) => (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0) || (a.name ?? '').localeCompare(b.name ?? '', 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id));
}

type Known = Map<string, { name: string | null; maxActiveConv: number | null }>;

function knownAgents(db: Db): Known {
  return new Map(
    db
      .select({ id: agents.id, name: agents.name, maxActiveConv: agents.maxActiveConv })
      .from(agents)
      .all()
      .map(({ id, ...rest }) => [id, rest]),
  );
}

/** Groups, with the sum of the capacities of the members the agents table knows (of the chosen agents among them, if any are chosen). */
function knownGroups(db: Db, { agentsOf }: Membership, chosenAgents: readonly string[]): Known {
  const capacity = new Map(db.select({ id: agents.id, max: agents.maxActiveConv }).from(agents).all().map((a) => [a.id, a.max]));
  return new Map(
    db
      .select({ id: groups.id, name: groups.name })
      .from(groups)
      .all()
      .map(({ id, name }) => {
        const members = agentsOf(id, chosenAgents);
        const known = members.map((m) => capacity.get(m)).filter((c): c is number => typeof c === 'number');
        return [id, { name, maxActiveConv: known.length > 0 ? known.reduce((a, b) => a + b, 0) : null }];
      }),
  );
}

/**
 * The exact median (lib/queries/median.ts) of each of `columns` for each team, over the
 * conversations matching `where` that have the value. One read of the range index as flat JSON
 * arrays, grouped in memory: a window-function query per column sorted the range once per column
 * (at a million conversations, a year: 2.3 s each).
 */
function mediansByTeam<K extends string>(db: Db, team: AnySQLiteColumn, where: SQL | undefined, columns: Record<K, AnySQLiteColumn>): Record<K, Map<string, number>> {
  const keys = Object.keys(columns) as K[];
  const read = db
    .select({ teams: jsonArrayOf(team), values: sql<string>`json_array(${sql.join(keys.map((key) => jsonArrayOf(columns[key])), sql`, `)})` })
    .from(conversations)
    .where(where)
    .get();
  const teams = parseJsonArray<string>(read?.teams);
  const values = read ? (JSON.parse(read.values) as (number | null)[][]) : keys.map(() => []);
  const rowsOf = indexesByKey(teams.length, (i) => teams[i]!);
  const medianOf = (column: (number | null)[]) => {
    const all = numbersOf(column);
    const medians = new Map<string, number>();
    for (const [id, rows] of rowsOf) {
      const median = summariseAt(all, rows).median;
      if (median !== null) medians.set(id, median);
    }
    return medians;
  };
  return Object.fromEntries(keys.map((key, k) => [key, medianOf(values[k]!)])) as Record<K, Map<string, number>>;
}
