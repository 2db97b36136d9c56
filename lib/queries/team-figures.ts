import { and, count, eq, gte, isNotNull, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client';
import { agents, assignmentChanges, conversations, groups, statusTransitions } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { conversationsMatching } from './conversation-filter';

/**
 * Per-team figures, per agent or per group: the agents and groups CSV reports, and the /agents
 * page when it wants them. Every figure's SQL is here, one grouped query each.
 *
 * Filters: the `agent` filter (agents) or `group` filter (groups) chooses which rows are listed;
 * every other filter (channel, source, status, and group for agents / agent for groups) chooses
 * which conversations are counted, as on every page. The date range applies as each figure says.
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
  const assignedInRange = byId(
    db
      .select({ id: assignmentChanges.toId, n: count() })
      .from(assignmentChanges)
      .innerJoin(conversations, eq(conversations.conversationId, assignmentChanges.conversationId))
      .where(and(eq(assignmentChanges.kind, kind), isNotNull(assignmentChanges.toId), changesInRange(assignmentChanges.at), current))
      .groupBy(assignmentChanges.toId)
      .all(),
  );
  const resolvedInRange = byId(
    db
      .select({ id: team, n: count() })
      .from(statusTransitions)
      .innerJoin(conversations, eq(conversations.conversationId, statusTransitions.conversationId))
      .where(and(eq(statusTransitions.toStatus, 'resolved'), changesInRange(statusTransitions.at), isNotNull(team), current))
      .groupBy(team)
      .all(),
  );
  const reassignedAway = byId(
    db
      .select({ id: assignmentChanges.fromId, n: count() })
      .from(assignmentChanges)
      .innerJoin(conversations, eq(conversations.conversationId, assignmentChanges.conversationId))
      .where(
        and(
          eq(assignmentChanges.kind, kind),
          isNotNull(assignmentChanges.fromId),
          isNotNull(assignmentChanges.toId),
          ne(assignmentChanges.fromId, assignmentChanges.toId),
          changesInRange(assignmentChanges.at),
          current,
        ),
      )
      .groupBy(assignmentChanges.fromId)
      .all(),
  );
  const medians = {
    firstResponseBhrs: mediansBy(db, team, conversations.first_response_time_bhrs, createdInRange),
    firstResponseChrs: mediansBy(db, team, conversations.first_response_time_chrs, createdInRange),
    resolutionBhrs: mediansBy(db, team, conversations.resolution_time_bhrs, createdInRange),
    resolutionChrs: mediansBy(db, team, conversations.resolution_time_chrs, createdInRange),
  };

  const known = kind === 'agent' ? knownAgents(db) : knownGroups(db);
  const ids = new Set<string>(known.keys());
  for (const map of [openNow, assignedInRange, resolvedInRange, reassignedAway, ...Object.values(medians)]) for (const id of map.keys()) ids.add(id);
  const rows = [...ids]
    .filter((id) => listed.length === 0 || listed.includes(id))
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

/** Groups, with the sum of the capacities of the members the agents table knows. */
function knownGroups(db: Db): Known {
  const capacity = new Map(db.select({ id: agents.id, max: agents.maxActiveConv }).from(agents).all().map((a) => [a.id, a.max]));
  return new Map(
    db
      .select({ id: groups.id, name: groups.name, agentIds: groups.agentIds })
      .from(groups)
      .all()
      .map(({ id, name, agentIds }) => {
        const members = parseIds(agentIds);
        const known = members.map((m) => capacity.get(m)).filter((c): c is number => typeof c === 'number');
        return [id, { name, maxActiveConv: known.length > 0 ? known.reduce((a, b) => a + b, 0) : null }];
      }),
  );
}

function parseIds(json: string | null): string[] {
  if (!json) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The exact median of `value` for each `key` (the mean of the two middle values when their count is
 * even), over the rows matching `where` that have a value: one query with window functions
 * (standard SQL, in SQLite and PostgreSQL), where a query per key would scan once per key.
 */
function mediansBy(db: Db, key: AnySQLiteColumn, value: AnySQLiteColumn, where: SQL | undefined): Map<string, number> {
  const ranked = db
    .select({
      key: sql<string>`${key}`.as('key'),
      value: sql<number>`${value}`.as('value'),
      rank: sql<number>`row_number() over (partition by ${key} order by ${value})`.as('rank'),
      n: sql<number>`count(*) over (partition by ${key})`.as('n'),
    })
    .from(conversations)
    .where(and(where, isNotNull(value)))
    .as('ranked');
  const rows = db
    .select({ key: ranked.key, median: sql<number>`avg(${ranked.value})` })
    .from(ranked)
    // Integer division: ranks (n+1)/2 and (n+2)/2 are the middle one twice (n odd) or the middle two (n even).
    .where(sql`${ranked.rank} in ((${ranked.n} + 1) / 2, (${ranked.n} + 2) / 2)`)
    .groupBy(sql`${ranked.key}`)
    .all();
  return new Map(rows.map((r) => [r.key, Number(r.median)]));
}
