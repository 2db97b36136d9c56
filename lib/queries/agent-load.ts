import { and, asc, count, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { jsonArrayOf, parseJsonArray, type Db } from '../../db/client';
import { agentLoadIntervals, agents, conversations, groups } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { conversationsMatching, splitByRowDimensions } from './conversation-filter';
import { distinctName, sharedNames } from './entity-names';
import { intervalsEndingAfter, type IntervalColumns } from './load-interval-columns';
import { loadBySlots } from './load-slots';
import {
  dayBucketsOf,
  HOUR,
  hourBuckets,
  HOURLY_MAX_DAYS,
  mergeSorted,
  peaksByAgent,
  peaksOfAgents,
  sortAgentEdges,
  sortTagged,
  type AgentEdges,
  type Bucket,
} from './load-timeline';
import { Codes } from './range-cache/codes';
import { teamMembership } from './team-membership';

/**
 * The Agent load page. "Now" figures are the current state (the date range does not apply, as on
 * the live tiles); load over time is rebuilt from the assignment and status history for the hours
 * of the range. The status filter does not apply on this page: load is itself defined by status.
 * Channel, group and source filters select conversations by their current values; the agent filter
 * selects agents.
 */

/** Conversations matching the page's filters, whatever their creation date and status. */
const matching = (filters: Filters) => conversationsMatching({ ...filters, statuses: [] }, { ignoreRange: true });

export type AgentNow = {
  id: string;
  name: string;
  /** max_active_conv: how many open conversations the agent is meant to hold at once; null if never sent. */
  capacity: number | null;
  /** Conversations with status `assigned` and this agent, now. */
  open: number;
  overloaded: boolean;
  availability: string | null;
  loggedIn: boolean | null;
  deactivated: boolean;
  groupIds: string[];
};

/**
 * Open conversations per agent now against their capacity. Lists every known agent (of the chosen
 * groups, when a group filter is set) and any agent holding open conversations. Most loaded first.
 */
export function getAgentsNow(db: Db, filters: Filters): AgentNow[] {
  const openByAgent = new Map(
    db
      .select({ agentId: conversations.assignedAgentId, open: count() })
      .from(conversations)
      .where(and(matching(filters), eq(conversations.status, 'assigned'), isNotNull(conversations.assignedAgentId)))
      .groupBy(conversations.assignedAgentId)
      .all()
      .map((row) => [row.agentId!, row.open]),
  );
  const known = db
    .select()
    .from(agents)
    .where(filters.agents.length ? inArray(agents.id, filters.agents) : undefined)
    .all();
  const { groupsOf } = teamMembership(db);
  const inChosenGroups = (groupIds: string[]) => filters.groups.length === 0 || groupIds.some((g) => filters.groups.includes(g));
  const rows: AgentNow[] = [];
  const seen = new Set<string>();
  // Two agents of one name are told apart by their id, as everywhere else (entity-names.ts).
  const shared = sharedNames(db, 'agent');
  for (const agent of known) {
    const groupIds = groupsOf(agent.id);
    const open = openByAgent.get(agent.id) ?? 0;
    if (agent.isDeleted && open === 0) continue;
    if (open === 0 && !inChosenGroups(groupIds)) continue;
    seen.add(agent.id);
    rows.push({
      id: agent.id,
      name: agent.name ? distinctName(agent.id, agent.name, shared) : agent.id,
      capacity: agent.maxActiveConv,
      open,
      overloaded: agent.maxActiveConv !== null && open > agent.maxActiveConv,
      availability: agent.availabilityStatus,
      loggedIn: agent.loginStatus,
      deactivated: agent.isDeactivated === true,
      groupIds,
    });
  }
  // An agent id seen only on conversations (no agent payload yet): shown by id, capacity unknown.
  for (const [id, open] of openByAgent) {
    if (!seen.has(id)) rows.push({ id, name: id, capacity: null, open, overloaded: false, availability: null, loggedIn: null, deactivated: false, groupIds: [] });
  }
  const utilisation = (a: AgentNow) => (a.capacity ? a.open / a.capacity : a.open > 0 ? Infinity : 0);
  return rows.sort((a, b) => utilisation(b) - utilisation(a) || b.open - a.open || a.name.localeCompare(b.name));
}

export type GroupNow = {
  id: string | null;
  name: string;
  /** Conversations of the group assigned to an agent now. */
  open: number;
  /** Conversations of the group waiting for an agent now (status `new`). */
  unassigned: number;
  /** Sum of max_active_conv over the group's known agents (null when none is known). */
  capacity: number | null;
  agents: number;
};

/**
 * Open and unassigned conversations per group now, with the group's combined agent capacity. With
 * an agent filter, each group is its chosen agents' part of it: their open conversations (as
 * everywhere, the filter chooses the conversations), and their number and capacity, not the whole
 * group's (2 open beside the 16 of three agents read as a group at an eighth of its capacity);
 * groups without a chosen agent or a conversation are left out.
 */
export function getGroupsNow(db: Db, filters: Filters): GroupNow[] {
  const rows = db
    .select({
      groupId: conversations.assignedGroupId,
      open: sql<number>`coalesce(sum(case when ${conversations.status} = 'assigned' then 1 else 0 end), 0)`,
      unassigned: sql<number>`coalesce(sum(case when ${conversations.status} = 'new' then 1 else 0 end), 0)`,
    })
    .from(conversations)
    .where(and(matching(filters), inArray(conversations.status, ['new', 'assigned'])))
    .groupBy(conversations.assignedGroupId)
    .all();
  const capacityOf = new Map(db.select({ id: agents.id, capacity: agents.maxActiveConv }).from(agents).all().map((a) => [a.id, a.capacity]));
  const known = db.select().from(groups).orderBy(asc(groups.id)).all();
  const counts = new Map(rows.map((r) => [r.groupId, r]));
  const result: GroupNow[] = [];
  const shared = sharedNames(db, 'group');
  const { agentsOf } = teamMembership(db);
  for (const group of known) {
    const row = counts.get(group.id);
    const members = agentsOf(group.id, filters.agents).filter((id) => capacityOf.has(id));
    if (!row && filters.groups.length > 0 && !filters.groups.includes(group.id)) continue;
    if (!row && filters.agents.length > 0 && members.length === 0) continue;
    counts.delete(group.id);
    const capacities = members.map((id) => capacityOf.get(id)).filter((c): c is number => typeof c === 'number');
    result.push({
      id: group.id,
      name: group.name ? distinctName(group.id, group.name, shared) : group.id,
      open: row?.open ?? 0,
      unassigned: row?.unassigned ?? 0,
      capacity: capacities.length ? capacities.reduce((s, c) => s + c, 0) : null,
      agents: members.length,
    });
  }
  for (const [id, row] of counts) result.push({ id, name: id ?? '(no group)', open: row.open, unassigned: row.unassigned, capacity: null, agents: 0 });
  return result.sort((a, b) => b.open + b.unassigned - (a.open + a.unassigned) || a.name.localeCompare(b.name));
}

/**
 * Every interval in which a matching conversation counted towards an agent, clipped to the range
 * (and to `now`: the future holds no load), as sorted edges tagged with their agent. The intervals
 * are derived at ingest from each conversation's assignment and status history
 * (lib/projection/derived.ts, with the rule of load-timeline.ts); here, only those overlapping the
 * range are read, through the index on their end (open intervals, with no end, sort first in it).
 */
export function getLoadEdges(db: Db, filters: Filters, now = Date.now()): AgentEdges {
  const start = filters.startMs;
  const end = Math.min(filters.endMs, now);
  if (end <= start) return tagged(new Codes(), 0);
  // The figure thread's cached intervals (load-interval-columns.ts), unless the group filter needs
  // the conversations' current group: then one read, joined to them.
  const cached = filters.groups.length === 0 ? intervalsEndingAfter(db, start) : null;
  if (cached) return edgesOf([...cached.days, cached.rest], cached.codes, filters, start, end);
  const i = agentLoadIntervals;
  // Channel and source are on the intervals (the conversation's, derived); the group is read from the conversation.
  const { onRow, onConversation } = splitByRowDimensions(i, { ...filters, statuses: [], agents: [] });
  const overlapping = and(
    or(isNull(i.toAt), gt(i.toAt, start)),
    or(isNull(i.fromAt), lt(i.fromAt, end)),
    filters.agents.length ? inArray(i.agentId, filters.agents) : undefined,
    onRow,
  );
  // The agents, starts and ends of every interval as three JSON arrays: a month of a large team is
  // a hundred thousand intervals, read without an object (or even a row) each.
  const fields = { agents: jsonArrayOf(i.agentId), starts: jsonArrayOf(i.fromAt), ends: jsonArrayOf(i.toAt) };
  const query = onConversation
    ? db.select(fields).from(i).innerJoin(conversations, eq(conversations.conversationId, i.conversationId)).where(and(overlapping, onConversation))
    : db.select(fields).from(i).where(overlapping);
  const row = query.get();
  const codes = new Codes();
  const agentCodes = codes.encode(parseJsonArray<string>(row?.agents));
  const starts = parseJsonArray<number | null>(row?.starts);
  const ends = parseJsonArray<number | null>(row?.ends);
  const edges = tagged(codes, agentCodes.length);
  for (let k = 0; k < agentCodes.length; k++) {
    edges.starts[k] = Math.min(Math.max(starts[k] ?? start, start), end);
    edges.ends[k] = Math.min(Math.max(ends[k] ?? end, start), end);
  }
  edges.startAgents.set(agentCodes);
  edges.endAgents.set(agentCodes);
  return sortAgentEdges(edges);
}

/** Each code's text, as the agent id it stands for (codes that are not agents' are never asked for). */
const agentIdsOf = (codes: Codes) => Array.from({ length: codes.size }, (_, code) => codes.text(code) ?? '');

/** Room for `n` edges tagged with agents' codes in `codes` (the cache's codes of its table: channels and sources have some too). */
function tagged(codes: Codes, n: number): AgentEdges {
  return { agentIds: agentIdsOf(codes), starts: new Float64Array(n), startAgents: new Uint16Array(n), ends: new Float64Array(n), endAgents: new Uint16Array(n) };
}

/**
 * getLoadEdges' result from cached interval columns: those overlapping [start, end) and matching
 * the filters, clipped. The ends come in the rows' order: by day of end, and in a day by end as
 * the index gives them, so sorted already. The starts of each day's intervals that began that
 * same day, taken in each day's order by start (IntervalColumns.byStart), are sorted too, day
 * after day; only the others (begun before their end's day, or still counting) are sorted here,
 * then merged in. Clipping to the range keeps every order.
 */
function edgesOf(chunks: readonly IntervalColumns[], codes: Codes, filters: Filters, start: number, end: number): AgentEdges {
  // Room for every row, filled in one pass and cut to those kept: a second pass to count them first cost more.
  let rows = 0;
  let sameDay = 0;
  for (const c of chunks) {
    rows += c.rows;
    sameDay += c.rows - c.sameDayStarts;
  }
  const edges = tagged(codes, rows);
  // Arrays in locals: with edges.ends[e], c.at[k] and the like, the loops below took 15 % longer.
  const { ends, endAgents } = edges;
  const [sortedAt, sortedAgents] = [new Float64Array(sameDay), new Uint16Array(sameDay)];
  const [otherAt, otherAgents] = [new Float64Array(rows - sameDay), new Uint16Array(rows - sameDay)];
  let e = 0;
  let s = 0;
  let o = 0;
  for (const c of chunks) {
    const { rows: n, at, from, agent, byStart, sameDayStarts } = c;
    // Overlapping the range, and of the agents, channels and sources filtered on.
    const keep = new Uint8Array(n);
    for (let k = 0; k < n; k++) keep[k] = (at[k]! !== at[k]! || at[k]! > start) && (from[k]! !== from[k]! || from[k]! < end) ? 1 : 0;
    codes.keepMatching(keep, agent, filters.agents);
    codes.keepMatching(keep, c.channel, filters.channels);
    codes.keepMatching(keep, c.source, filters.sources);
    for (let k = 0; k < n; k++) {
      if (keep[k] === 0) continue;
      const to = at[k]!;
      ends[e] = Math.min(Math.max(to !== to ? end : to, start), end);
      endAgents[e++] = agent[k]!;
    }
    for (let j = 0; j < n; j++) {
      const k = byStart[j]!;
      if (keep[k] === 0) continue;
      const f = from[k]!;
      const clipped = Math.min(Math.max(f !== f ? start : f, start), end);
      if (j < sameDayStarts) {
        otherAt[o] = clipped;
        otherAgents[o++] = agent[k]!;
      } else {
        sortedAt[s] = clipped;
        sortedAgents[s++] = agent[k]!;
      }
    }
  }
  const starts = edges.starts.subarray(0, e);
  const startAgents = edges.startAgents.subarray(0, e);
  const [otherStarts, otherStartAgents] = [otherAt.subarray(0, o), otherAgents.subarray(0, o)];
  sortTagged(otherStarts, otherStartAgents);
  mergeSorted(sortedAt.subarray(0, s), sortedAgents.subarray(0, s), otherStarts, otherStartAgents, starts, startAgents);
  // The ends: one pass when in order, as they should be; sorted all the same if not.
  return { agentIds: edges.agentIds, starts, startAgents, ends: sortTagged(ends.subarray(0, e), endAgents.subarray(0, e)), endAgents: endAgents.subarray(0, e) };
}

export const TOP_AGENTS = 6;

export type LoadSeries = {
  key: string;
  agentId: string | null;
  name: string;
  capacity: number | null;
  peak: number;
  values: (number | null)[];
  /** The other agents' line only: their joint load, of which `values` is the average per agent. */
  combined?: (number | null)[];
};
export type AgentPeak = { agentId: string; name: string; capacity: number | null; peak: number; hoursOverCapacity: number; conversationHours: number };
export type LoadOverTime = {
  /** `hour`: each hour's peak; `day`: each day's peak (the highest of its hourly values). */
  resolution: 'hour' | 'day';
  buckets: { label: string; start: number }[];
  /**
   * The TOP_AGENTS agents with the highest peak, then the rest as one line: their joint load per
   * agent (each bucket's peak of the joint load divided by their number, to one decimal), which
   * stays on the scale of the agents drawn; drawn as the joint load itself, it set the chart's scale
   * (60 against the top agents' 13 in the demo) and flattened them. The joint load is kept too.
   */
  series: LoadSeries[];
  /** Every agent with load in the range: peak, hours over capacity, conversation-hours. */
  agents: AgentPeak[];
  othersCount: number;
};

/**
 * Per-agent peaks of longer buckets (days) from the hourly ones (`hourly`: hour bucket h, agent a at
 * h · agents + a): a day's peak is the highest of its hours', every day beginning where one of its
 * hours does (a clock's midnight is a whole hour, or where it jumps); null if one does not.
 */
function fromHours(hourly: Int32Array, agents: number, hours: readonly Bucket[], buckets: readonly Bucket[]): Int32Array | null {
  const peaks = new Int32Array(buckets.length * agents);
  let h = 0;
  for (let b = 0; b < buckets.length; b++) {
    const bucket = buckets[b]!;
    while (h < hours.length && hours[h]!.start < bucket.start) h++;
    if (hours[h]?.start !== bucket.start) return null;
    const row = peaks.subarray(b * agents, (b + 1) * agents);
    for (; h < hours.length && hours[h]!.start < bucket.end; h++) {
      for (let a = 0; a < agents; a++) if (hourly[h * agents + a]! > row[a]!) row[a] = hourly[h * agents + a]!;
    }
  }
  return peaks;
}

/**
 * What the load chart draws, by agent code: each hour's and each bucket's peak, the milliseconds
 * counted in the range, and the joint line of some agents.
 */
type LoadPeaks = { agentIds: readonly string[]; hourly: Int32Array; perBucket: Int32Array; ms: Float64Array; joint: (codes: readonly number[]) => number[] };

/** From the figure thread's per-day slots (load-slots.ts); null where they cannot answer (no cache, a group filter, buckets off the quarter hours). */
function peaksFromSlots(db: Db, filters: Filters, now: number, hours: readonly Bucket[], buckets: readonly Bucket[]): LoadPeaks | null {
  const end = Math.min(filters.endMs, now);
  if (filters.groups.length > 0 || end <= filters.startMs) return null;
  const cached = intervalsEndingAfter(db, filters.startMs);
  if (!cached) return null;
  const slots = loadBySlots(cached, filters, end, hours, buckets);
  const agentCount = cached.codes.size;
  const perBucket = slots && (buckets === hours ? slots.hourly : fromHours(slots.hourly, agentCount, hours, buckets));
  if (!slots || !perBucket) return null;
  return { agentIds: agentIdsOf(cached.codes), hourly: slots.hourly, perBucket, ms: slots.ms, joint: slots.joint };
}

/** From every interval of the range, swept (getLoadEdges). */
function peaksFromEdges(edges: AgentEdges, start: number, hours: readonly Bucket[], buckets: readonly Bucket[]): LoadPeaks {
  const codes = edges.agentIds.length;
  const hourly = peaksByAgent(edges, hours);
  const perBucket = buckets === hours ? hourly : (fromHours(hourly, codes, hours, buckets) ?? peaksByAgent(edges, buckets));
  // Ends less starts, as offsets from the range's start: integers, summed exactly (as load-slots.ts sums them).
  const ms = new Float64Array(codes);
  const { starts, startAgents, ends, endAgents } = edges;
  for (let k = 0; k < starts.length; k++) {
    ms[startAgents[k]!]! -= starts[k]! - start;
    ms[endAgents[k]!]! += ends[k]! - start;
  }
  return { agentIds: edges.agentIds, hourly, perBucket, ms, joint: (chosen) => peaksOfAgents(edges, new Set(chosen.map((code) => edges.agentIds[code]!)), buckets) };
}

/**
 * A range's hours or days, labelled: the same for every request with that range and zone, and
 * 1.1 ms of a month's load chart to make (reading the zone's clock), so the last few are kept.
 * Callers only read them.
 */
function bucketsOf(size: 'hour' | 'day', { startMs, endMs, tz }: Filters): readonly Bucket[] {
  const key = `${size} ${startMs} ${endMs} ${tz}`;
  let buckets = recentBuckets.get(key);
  if (!buckets) {
    buckets = size === 'hour' ? hourBuckets(startMs, endMs, tz) : dayBucketsOf(startMs, endMs, tz);
    if (recentBuckets.size >= 16) recentBuckets.delete(recentBuckets.keys().next().value!);
    recentBuckets.set(key, buckets);
  }
  return buckets;
}
const recentBuckets = new Map<string, readonly Bucket[]>();

/** Peak concurrent open conversations per agent per hour (or per day for long ranges). */
export function getLoadOverTime(db: Db, filters: Filters, now = Date.now()): LoadOverTime {
  const hours = bucketsOf('hour', filters);
  const days = (filters.endMs - filters.startMs) / (24 * HOUR);
  const resolution = days <= HOURLY_MAX_DAYS ? 'hour' : 'day';
  const buckets = resolution === 'hour' ? hours : bucketsOf('day', filters);
  // Every agent's hourly peaks (and, for longer ranges, daily ones); agents by code.
  const { agentIds, hourly, perBucket, ms, joint } =
    peaksFromSlots(db, filters, now, hours, buckets) ?? peaksFromEdges(getLoadEdges(db, filters, now), filters.startMs, hours, buckets);
  const codes = agentIds.length;
  // An interval counted in the range counts for a positive time: the agents with any.
  const loaded = [...ms.keys()].filter((code) => ms[code]! > 0);
  const ids = loaded.map((code) => agentIds[code]!);
  // Every known agent (a few hundred rows at most): naming the loaded ones in the query (142 at 1M)
  // cost 0.9 ms, mostly building it.
  const info = new Map(ids.length ? db.select({ id: agents.id, name: agents.name, capacity: agents.maxActiveConv }).from(agents).all().map((a) => [a.id, a]) : []);
  const hourCount = hours.length;
  // An hour bucket's length in hours: 1, but ½ for the half hour Lord Howe's clock skips or repeats
  // at its DST change, which would otherwise count as a whole hour over capacity.
  const hourLengths = Float64Array.from(hours, ({ start, end }) => (end - start) / HOUR);
  const column = (peaks: Int32Array, code: number) => {
    const values: number[] = new Array(peaks.length / codes);
    for (let b = 0; b < values.length; b++) values[b] = peaks[b * codes + code]!;
    return values;
  };
  const peaks: (AgentPeak & { code: number })[] = loaded.map((code) => {
    const agentId = agentIds[code]!;
    const capacity = info.get(agentId)?.capacity ?? null;
    // Straight from the hourly peaks (hour h at h · codes + code): no array per agent, only for the lines drawn.
    let peak = 0;
    let hoursOverCapacity = 0;
    for (let h = 0, at = code; h < hourCount; h++, at += codes) {
      const value = hourly[at]!;
      if (value > peak) peak = value;
      if (capacity !== null && value > capacity) hoursOverCapacity += hourLengths[h]!;
    }
    return { code, agentId, name: info.get(agentId)?.name ?? agentId, capacity, peak, hoursOverCapacity, conversationHours: ms[code]! / HOUR };
  });
  peaks.sort((a, b) => b.peak - a.peak || b.conversationHours - a.conversationHours || a.name.localeCompare(b.name) || (a.agentId < b.agentId ? -1 : 1));
  // Buckets after `now` have no load yet: left empty rather than drawn as zero.
  const future = (values: number[]) => values.map((v, i) => (buckets[i]!.start >= now ? null : v));
  const top = peaks.slice(0, TOP_AGENTS);
  const rest = peaks.slice(TOP_AGENTS);
  const series: LoadSeries[] = top.map((a, i) => {
    const values = column(perBucket, a.code);
    return { key: `agent${i}`, agentId: a.agentId, name: a.name, capacity: a.capacity, peak: Math.max(0, ...values), values: future(values) };
  });
  if (rest.length > 0) {
    const values = joint(rest.map((a) => a.code));
    const average = values.map((v) => Math.round((v * 10) / rest.length) / 10);
    const name = rest.length === 1 ? '1 other agent' : `${rest.length} other agents, average`;
    // One other agent: its own load, with no joint load to add.
    const combined = rest.length > 1 ? { combined: future(values) } : {};
    series.push({ key: 'others', agentId: null, name, capacity: null, peak: Math.max(0, ...average), values: future(average), ...combined });
  }
  return { resolution, buckets: buckets.map(({ label, start }) => ({ label, start })), series, agents: peaks.map(({ code: _code, ...peak }) => peak), othersCount: rest.length };
}
