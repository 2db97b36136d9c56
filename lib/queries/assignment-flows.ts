import { jsonArrayOf, parseJsonArray, type Db } from '../../db/client';
import { assignmentChanges, type ASSIGNMENT_KINDS } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { activityColumns, activityRowsKept } from './activity-filter';
import { conversationColumns, matchingRows } from './conversation-columns';
import { namesOf, type EntityKind } from './entity-names';
import { numbersOf } from './median';
import { compareTexts, type Codes } from './range-cache/codes';
import type { DayRows } from './range-cache/day-partitions';

/**
 * The figures of the Assignments page, each defined once here (the page and the CSV export call
 * these functions):
 * - where conversations created in the range sit now: channel → group → agent;
 * - what happened to assignments in the range (activity): reassignments, unassignments, rates;
 * - the most frequent reassignment paths and who conversations were taken from.
 *
 * Vocabulary, per kind (agent or group), over `assignment_changes` rows:
 * - assignment: `to_id` set (a first assignment or a reassignment);
 * - reassignment: `from_id` and `to_id` both set (moved from one agent, or group, to another);
 * - unassignment: `from_id` set, `to_id` null (taken away, nobody in its place).
 */

export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];

// ─── channel → group → agent ──────────────────────────────────────────────────────────────────

export type FlowLayer = EntityKind;
export type FlowNode = {
  name: string;
  layer: FlowLayer;
  /** `entity`: a real channel, group or agent; `none`: nobody (no group, unassigned); `other`: the small ones, together. */
  kind: 'entity' | 'none' | 'other';
  conversations: number;
};
export type FlowLink = { source: number; target: number; value: number };
export type AssignmentFlow = { conversations: number; nodes: FlowNode[]; links: FlowLink[] };

/** How many nodes of each layer are drawn by name; the rest become one "Other …" node, so the diagram stays readable. */
export const FLOW_LIMITS: Record<FlowLayer, number> = { channel: 6, group: 8, agent: 10 };
const NONE_LABEL: Record<FlowLayer, string> = { channel: 'No channel', group: 'No group', agent: 'Unassigned' };
const OTHER_LABEL: Record<FlowLayer, string> = { channel: 'Other channels', group: 'Other groups', agent: 'Other agents' };
const LAYERS: FlowLayer[] = ['channel', 'group', 'agent'];

/**
 * Conversations created in the range (matching the filters), by their current channel, group and
 * agent: the nodes of a three-column Sankey, and links channel → group and group → agent whose
 * widths are conversations. A group node's inflow equals its outflow.
 */
export function getAssignmentFlow(db: Db, filters: Filters, limits = FLOW_LIMITS): AssignmentFlow {
  const rows = flowCombinations(db, filters);

  // Per layer: the id of each node drawn by name, the rest mapped to OTHER.
  const OTHER = Symbol('other');
  type Key = string | null | typeof OTHER;
  const keep = new Map<FlowLayer, Set<string>>();
  const names = new Map<FlowLayer, Map<string, string>>();
  for (const layer of LAYERS) {
    const totals = new Map<string, number>();
    for (const row of rows) if (row[layer] !== null) totals.set(row[layer]!, (totals.get(row[layer]!) ?? 0) + row.n);
    const top = [...totals].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).slice(0, limits[layer]);
    keep.set(layer, new Set(top.map(([id]) => id)));
    names.set(layer, namesOf(db, layer, top.map(([id]) => id)));
  }
  const keyOf = (layer: FlowLayer, id: string | null): Key => (id === null ? null : keep.get(layer)!.has(id) ? id : OTHER);

  const nodeIndex = new Map<string, number>();
  const nodes: FlowNode[] = [];
  const nodeFor = (layer: FlowLayer, key: Key): number => {
    const mapKey = `${layer}:${key === OTHER ? '*other' : key === null ? '*none' : `=${key}`}`;
    let index = nodeIndex.get(mapKey);
    if (index === undefined) {
      index = nodes.length;
      nodeIndex.set(mapKey, index);
      nodes.push(
        key === OTHER
          ? { name: OTHER_LABEL[layer], layer, kind: 'other', conversations: 0 }
          : key === null
            ? { name: NONE_LABEL[layer], layer, kind: 'none', conversations: 0 }
            : { name: names.get(layer)!.get(key) ?? key, layer, kind: 'entity', conversations: 0 },
      );
    }
    return index;
  };
  const linkValues = new Map<string, number>();
  let total = 0;
  for (const row of rows) {
    total += row.n;
    const [channel, group, agent] = LAYERS.map((layer) => nodeFor(layer, keyOf(layer, row[layer]))) as [number, number, number];
    nodes[channel]!.conversations += row.n;
    nodes[group]!.conversations += row.n;
    nodes[agent]!.conversations += row.n;
    for (const link of [`${channel}>${group}`, `${group}>${agent}`]) linkValues.set(link, (linkValues.get(link) ?? 0) + row.n);
  }

  // Largest first within a layer, "nobody" and "other" last: the order the diagram and its table read in.
  const rank = (node: FlowNode) => LAYERS.indexOf(node.layer) * 3 + (node.kind === 'entity' ? 0 : node.kind === 'none' ? 1 : 2);
  const order = nodes.map((node, index) => ({ node, index })).sort((a, b) => rank(a.node) - rank(b.node) || b.node.conversations - a.node.conversations || a.node.name.localeCompare(b.node.name));
  const newIndex = new Map(order.map(({ index }, position) => [index, position]));
  const links = [...linkValues]
    .map(([key, value]) => {
      const [source, target] = key.split('>').map((i) => newIndex.get(Number(i))!) as [number, number];
      return { source, target, value };
    })
    .sort((a, b) => a.source - b.source || a.target - b.target);
  return { conversations: total, nodes: order.map(({ node }) => node), links };
}

/**
 * One row per (channel, group, agent) combination of the matching conversations, with how many:
 * at most a few thousand, whatever the volume. Counted in one scan of their columns
 * (conversation-columns.ts), in the order SQL's GROUP BY gives (no value first, then by code point).
 */
function flowCombinations(db: Db, filters: Filters): { channel: string | null; group: string | null; agent: string | null; n: number }[] {
  const { chunks, codes } = conversationColumns(db, filters);
  const counts = new Map<number, number>();
  const K = codes.size;
  for (const chunk of chunks) {
    const keep = matchingRows(chunk, filters, codes);
    const { channel, group, agent } = chunk;
    for (let i = 0; i < chunk.rows; i++) {
      if (keep[i] === 0) continue;
      const key = (channel[i]! * K + group[i]!) * K + agent[i]!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts]
    .map(([key, n]) => ({ channel: codes.text(Math.floor(key / K / K)), group: codes.text(Math.floor(key / K) % K), agent: codes.text(key % K), n }))
    .sort((a, b) => compareTexts(a.channel, b.channel) || compareTexts(a.group, b.group) || compareTexts(a.agent, b.agent));
}

// ─── reassignments and unassignments in the range ─────────────────────────────────────────────

export type AssignmentActivity = {
  /** Changes with `to_id` set: first assignments and reassignments. */
  assignments: number;
  /** Changes with `from_id` and `to_id` both set. */
  reassignments: number;
  /** Changes with `from_id` set and `to_id` null. */
  unassignments: number;
  /** Distinct conversations with at least one assignment in the range: the rate's denominator. */
  conversationsAssigned: number;
  /** Distinct conversations with at least one reassignment in the range: the rate's numerator. */
  conversationsReassigned: number;
};
export type AssignmentSummary = Record<AssignmentKind, AssignmentActivity>;

export type ReassignmentPath = { fromId: string; from: string; toId: string; to: string; changes: number };
export type Unassignment = { kind: AssignmentKind; fromId: string; from: string; changes: number };
export type AssignmentActivityFigures = { summary: AssignmentSummary; paths: Record<AssignmentKind, ReassignmentPath[]>; unassignments: Unassignment[] };

export const TOP_PATHS = 10;

/**
 * Assignment changes, column by column: when, kind, from and to (codes: range-cache/codes.ts;
 * kind too), channel and source, and the derived times of the conversation's previous assignment
 * and reassignment (NaN: none). The page's figures come from one scan of these: the figure
 * thread's cached days (range-cache/), or one read of the range when a filter needs the
 * conversations' current group, agent or status.
 */
export type AssignmentColumns = DayRows & {
  at: Float64Array;
  kind: Uint16Array;
  from: Uint16Array;
  to: Uint16Array;
  channel: Uint16Array;
  source: Uint16Array;
  previousAssigned: Float64Array;
  previousReassigned: Float64Array;
};

function assignmentColumnsOfSize(n: number): AssignmentColumns {
  return {
    rows: n,
    bytes: n * 44,
    at: new Float64Array(n),
    kind: new Uint16Array(n),
    from: new Uint16Array(n),
    to: new Uint16Array(n),
    channel: new Uint16Array(n),
    source: new Uint16Array(n),
    previousAssigned: new Float64Array(n),
    previousReassigned: new Float64Array(n),
  };
}

const a = assignmentChanges;

/** The columns as one row of JSON arrays (jsonArrayOf), read through the covering range index. */
const selectColumns = (db: Db) =>
  db
    .select({
      at: jsonArrayOf(a.at),
      kind: jsonArrayOf(a.kind),
      from: jsonArrayOf(a.fromId),
      to: jsonArrayOf(a.toId),
      channel: jsonArrayOf(a.channelId),
      source: jsonArrayOf(a.source),
      previousAssigned: jsonArrayOf(a.previousAssignedAt),
      previousReassigned: jsonArrayOf(a.previousReassignedAt),
    })
    .from(a)
    .$dynamic();

type ColumnsRow = Record<'at' | 'kind' | 'from' | 'to' | 'channel' | 'source' | 'previousAssigned' | 'previousReassigned', string> | undefined;

function columnsOf(row: ColumnsRow, codes: Codes): AssignmentColumns {
  const at = parseJsonArray<number>(row?.at);
  const columns = assignmentColumnsOfSize(at.length);
  columns.at.set(at);
  columns.kind.set(codes.encode(parseJsonArray(row?.kind)));
  columns.from.set(codes.encode(parseJsonArray(row?.from)));
  columns.to.set(codes.encode(parseJsonArray(row?.to)));
  columns.channel.set(codes.encode(parseJsonArray(row?.channel)));
  columns.source.set(codes.encode(parseJsonArray(row?.source)));
  columns.previousAssigned.set(numbersOf(parseJsonArray(row?.previousAssigned)));
  columns.previousReassigned.set(numbersOf(parseJsonArray(row?.previousReassigned)));
  return columns;
}

/** The assignment changes as figures read them: the figure thread's cached days, or one read (activity-filter.ts). */
const assignmentColumns = activityColumns({
  name: 'assignment_changes',
  table: a,
  read: (db, narrow, codes) => columnsOf(narrow(selectColumns(db)).get(), codes),
  ofSize: assignmentColumnsOfSize,
});

type Move = { kind: AssignmentKind; fromId: string | null; toId: string | null; changes: number; firstAssigned: number; firstReassigned: number };

/**
 * Every figure of assignment activity in the range (summary, most frequent reassignments,
 * unassignments) from one scan of the range's changes (those whose `at` is in the range, of
 * conversations matching the other filters):
 * - moves, the changes with a `from_id` (reassignments and unassignments), counted per kind, from
 *   and to: a few thousand, whatever the volume;
 * - first assignments (`from_id` null, `to_id` set), counted per kind.
 *
 * The reassignment rate of a kind is `conversationsReassigned / conversationsAssigned`: of the
 * conversations given to an agent (or group) in the range, the share that was moved to another at
 * least once in the range. Distinct conversations are counted as the changes that are their
 * conversation's first such in the range: the previous one (`previous_assigned_at`,
 * `previous_reassigned_at`, derived: see lib/projection/derived.ts) is before the range or absent.
 */
export function getAssignmentActivity(db: Db, filters: Filters, limit = TOP_PATHS): AssignmentActivityFigures {
  const { chunks, codes } = assignmentColumns(db, filters);
  const { startMs } = filters;
  const nobody = codes.find(null);
  const firstInRange = (previous: number) => (previous !== previous || previous < startMs ? 1 : 0);
  const movesByKey = new Map<number, Move>();
  const firsts = new Map<number, { changes: number; firstAssigned: number }>();
  const K = codes.size;
  for (const c of chunks) {
    const keep = activityRowsKept(c, filters, codes);
    const { kind, from, to, previousAssigned, previousReassigned } = c;
    for (let i = 0; i < c.rows; i++) {
      if (keep[i] === 0) continue;
      if (from[i] !== nobody) {
        const key = (kind[i]! * K + from[i]!) * K + to[i]!;
        let move = movesByKey.get(key);
        if (!move) {
          move = { kind: codes.text(kind[i]!) as AssignmentKind, fromId: codes.text(from[i]!), toId: codes.text(to[i]!), changes: 0, firstAssigned: 0, firstReassigned: 0 };
          movesByKey.set(key, move);
        }
        move.changes += 1;
        move.firstAssigned += firstInRange(previousAssigned[i]!);
        move.firstReassigned += firstInRange(previousReassigned[i]!);
      } else if (to[i] !== nobody) {
        let first = firsts.get(kind[i]!);
        if (!first) firsts.set(kind[i]!, (first = { changes: 0, firstAssigned: 0 }));
        first.changes += 1;
        first.firstAssigned += firstInRange(previousAssigned[i]!);
      }
    }
  }
  // Most frequent first, then by kind and ids (no id first, then by code point): the order the tables show, ties broken the same way every time.
  const moves = [...movesByKey.values()].sort((x, y) => y.changes - x.changes || compareTexts(x.kind, y.kind) || compareTexts(x.fromId, y.fromId) || compareTexts(x.toId, y.toId));

  const none: AssignmentActivity = { assignments: 0, reassignments: 0, unassignments: 0, conversationsAssigned: 0, conversationsReassigned: 0 };
  const summary: AssignmentSummary = { agent: { ...none }, group: { ...none } };
  for (const [kind, first] of firsts) {
    const activity = summary[codes.text(kind) as AssignmentKind];
    activity.assignments += first.changes;
    activity.conversationsAssigned += first.firstAssigned;
  }
  const topPaths: Record<AssignmentKind, typeof moves> = { agent: [], group: [] };
  const topUnassignments: typeof moves = [];
  for (const move of moves) {
    const activity = summary[move.kind];
    if (move.toId === null) {
      activity.unassignments += move.changes;
      if (topUnassignments.length < limit) topUnassignments.push(move);
    } else {
      activity.assignments += move.changes;
      activity.reassignments += move.changes;
      activity.conversationsAssigned += move.firstAssigned;
      activity.conversationsReassigned += move.firstReassigned;
      if (topPaths[move.kind].length < limit) topPaths[move.kind].push(move);
    }
  }

  // Names of the agents (groups) the tables show: one lookup per kind.
  const namesFor = (kind: AssignmentKind) => namesOf(db, kind, [...topPaths[kind], ...topUnassignments.filter((m) => m.kind === kind)].flatMap((m) => [m.fromId, m.toId]));
  const names = { agent: namesFor('agent'), group: namesFor('group') };
  const pathsOf = (kind: AssignmentKind): ReassignmentPath[] =>
    topPaths[kind].map((m) => ({ fromId: m.fromId!, from: names[kind].get(m.fromId!)!, toId: m.toId!, to: names[kind].get(m.toId!)!, changes: m.changes }));
  return {
    summary,
    paths: { agent: pathsOf('agent'), group: pathsOf('group') },
    unassignments: topUnassignments.map((m) => ({ kind: m.kind, fromId: m.fromId!, from: names[m.kind].get(m.fromId!)!, changes: m.changes })),
  };
}

/** Assignment changes in the range, per kind (see getAssignmentActivity). */
export const getAssignmentSummary = (db: Db, filters: Filters): AssignmentSummary => getAssignmentActivity(db, filters).summary;

/** The most frequent reassignments of a kind in the range: from whom to whom, most frequent first. */
export const getReassignmentPaths = (db: Db, filters: Filters, kind: AssignmentKind, limit = TOP_PATHS): ReassignmentPath[] =>
  getAssignmentActivity(db, filters, limit).paths[kind];

/** Who conversations were most often taken from, leaving nobody in their place, in the range. */
export const getUnassignments = (db: Db, filters: Filters, limit = TOP_PATHS): Unassignment[] => getAssignmentActivity(db, filters, limit).unassignments;
