import { offsetMs, zonedParts, zonedTimeToMs } from '../time/zoned';

/**
 * Agent load over time, the rules without storage (agent-load.ts fetches the history).
 *
 * A conversation counts towards an agent from the moment it is assigned to them until it is
 * reassigned to someone else, unassigned or resolved; a reopen while it is still assigned to them
 * makes it count again. In states: it counts while (its agent is A) and (its status is not resolved).
 */

/** One change of a conversation's history: its agent (null: unassigned) or whether it is resolved. */
export type HistoryChange = { at: number; agentId?: string | null; resolved?: boolean };
export type LoadInterval = { conversationId: string; agentId: string; from: number; to: number };

/**
 * The intervals a conversation counts towards an agent, clipped to [start, end). `initialAgentId`
 * is who had it before its first recorded change (a conversation created already assigned),
 * `initialResolved` whether it was resolved then (its first recorded status change is a reopen:
 * the stream began after its resolution), and `since` when that state began. Changes at the same
 * moment are applied together.
 */
export function loadIntervals(
  conversationId: string,
  changes: readonly HistoryChange[],
  {
    start,
    end,
    initialAgentId = null,
    initialResolved = false,
    since = start,
  }: { start: number; end: number; initialAgentId?: string | null; initialResolved?: boolean; since?: number },
): LoadInterval[] {
  const sorted = [...changes].sort((a, b) => a.at - b.at);
  const intervals: LoadInterval[] = [];
  let agentId = initialAgentId;
  let resolved = initialResolved;
  let countingSince = since;
  const close = (at: number) => {
    if (agentId === null || resolved) return;
    const from = Math.max(countingSince, start);
    const to = Math.min(at, end);
    if (to > from) intervals.push({ conversationId, agentId, from, to });
  };
  for (let i = 0; i < sorted.length; ) {
    const at = sorted[i]!.at;
    let nextAgent: string | null = agentId;
    let nextResolved: boolean = resolved;
    for (; i < sorted.length && sorted[i]!.at === at; i++) {
      const change = sorted[i]!;
      if (change.agentId !== undefined) nextAgent = change.agentId;
      if (change.resolved !== undefined) nextResolved = change.resolved;
    }
    if (nextAgent === agentId && nextResolved === resolved) continue;
    close(at);
    agentId = nextAgent;
    resolved = nextResolved;
    countingSince = at;
  }
  close(end);
  return intervals;
}

/** A conversation as it stands now (its latest snapshot): where its recorded history must lead. */
export type CurrentState = { agentId: string | null; resolved: boolean; assignedAt: number | null; resolvedAt: number | null; reopenedAt: number | null };

/**
 * `changes` with those that were never recorded but must have happened, so that the history ends
 * where the conversation stands now: a conversation resolved before the stream began (or whose
 * resolve event was lost) that later gets an update with no status change is resolved now, yet its
 * recorded history left it open, and it counted towards its agent until now, weeks of load nobody
 * had. A missing change is placed at the time the snapshot gives for it (`resolved_time`,
 * `reopened_time`, `assigned_time`) when that is not before the last recorded change, else at the
 * last recorded change (the earliest it can have happened). With nothing recorded and no time
 * given, the conversation has been as it is since before its history: that is its initial state.
 * Added after the recorded changes, so at the same moment they stand (loadIntervals).
 */
export function reconciled(
  changes: readonly HistoryChange[],
  initial: { agentId: string | null; resolved: boolean },
  current: CurrentState,
): { changes: HistoryChange[]; initialAgentId: string | null; initialResolved: boolean } {
  // Where the recorded changes end, in one pass (loadIntervals sorts them; of changes at the same
  // moment the later in the list stands, as there): each field's latest change, and the last moment.
  let { agentId, resolved } = initial;
  let agentAt = -Infinity;
  let resolvedAt = -Infinity;
  let lastAt: number | null = null;
  for (const change of changes) {
    if (change.agentId !== undefined && change.at >= agentAt) [agentId, agentAt] = [change.agentId, change.at];
    if (change.resolved !== undefined && change.at >= resolvedAt) [resolved, resolvedAt] = [change.resolved, change.at];
    if (lastAt === null || change.at > lastAt) lastAt = change.at;
  }
  const result = { changes: [...changes], initialAgentId: initial.agentId, initialResolved: initial.resolved };
  const place = (given: number | null) => (given !== null && (lastAt === null || given >= lastAt) ? given : lastAt);
  if (resolved !== current.resolved) {
    const at = place(current.resolved ? current.resolvedAt : current.reopenedAt);
    if (at === null) result.initialResolved = current.resolved;
    else result.changes.push({ at, resolved: current.resolved });
  }
  if (agentId !== current.agentId) {
    const at = place(current.agentId === null ? null : current.assignedAt);
    if (at === null) result.initialAgentId = current.agentId;
    else result.changes.push({ at, agentId: current.agentId });
  }
  return result;
}

export type Bucket = { start: number; end: number; label: string };

export const HOUR = 3_600_000;
/** Up to this many days the chart shows each hour; longer ranges show each day's peak. */
export const HOURLY_MAX_DAYS = 7;

/**
 * The hours of [start, end) on the clock of `tz`, each labelled `MM-DD HH:MM` as that clock shows
 * its start: a bucket begins wherever the clock shows a whole hour, and where it jumps. Where a
 * clock moves by a whole hour (every DST change but Lord Howe's) the buckets are whole hours. Lord
 * Howe moves by half an hour: the hour of the change is half an hour long (01:00, then 02:30 or
 * 01:30), and every hour after it begins on the hour again. (Until 2026-11-27 the buckets were
 * hours of UTC from the range's start, so after Lord Howe's change each began at half past, and
 * the hour labelled 23:30 held half an hour of the next day.)
 */
export function hourBuckets(start: number, end: number, tz: string): Bucket[] {
  const starts: number[] = [start];
  const labels: string[] = [];
  const label = (p: { month: number; day: number; hour: number; minute: number }) => `${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
  // Reading the clock of `tz` (Intl) costs ~5 µs, and a year has 8,760 hours: it is read once a
  // day, and in between the clock is UTC shifted by the offset, unless the offset at the day's
  // first and last moment differ (a DST change: then the day is read every quarter of an hour,
  // the step every zone's changes and whole hours fall on). Clocks change at most once a day.
  for (let from = start; from < end; ) {
    const to = Math.min(from + 24 * HOUR, end);
    const offset = offsetMs(from, tz);
    if (offset === offsetMs(to - 1, tz)) {
      if (from === start) labels.push(label(utcParts(start + offset)));
      for (let at = from + ((HOUR - modulo(from + offset, HOUR)) % HOUR); at < to; at += HOUR) {
        if (at === start) continue;
        starts.push(at);
        labels.push(label(utcParts(at + offset)));
      }
    } else {
      if (from === start) labels.push(label(zonedParts(start, tz)));
      let before = offsetMs(ceilTo(from, QUARTER) - QUARTER, tz);
      for (let at = ceilTo(from, QUARTER); at < to; at += QUARTER) {
        const now = offsetMs(at, tz);
        if (at !== start && (modulo(at + now, HOUR) === 0 || now !== before)) {
          starts.push(at);
          labels.push(label(zonedParts(at, tz)));
        }
        before = now;
      }
    }
    from = to;
  }
  // The hour a clock going back shows twice, one after the other: each named with its UTC offset
  // ("11-01 01:00 UTC−4", "11-01 01:00 UTC−5"), where both read "11-01 01:00" in the axis, the
  // tooltip and the table.
  const named = labels.map((text, i) =>
    text === labels[i - 1] || text === labels[i + 1] ? `${text} ${utcOffsetLabel(offsetMs(starts[i]!, tz))}` : text,
  );
  return starts.map((at, i) => ({ start: at, end: starts[i + 1] ?? end, label: named[i]! }));
}

const QUARTER = 15 * 60_000;
/** An offset as `UTC+2`, `UTC−5`, `UTC+10:30` (a true minus sign). */
const utcOffsetLabel = (offset: number) => {
  const minutes = Math.abs(offset) / 60_000;
  return `UTC${offset < 0 ? '−' : '+'}${Math.floor(minutes / 60)}${minutes % 60 ? `:${pad(minutes % 60)}` : ''}`;
};
const modulo = (n: number, m: number) => ((n % m) + m) % m;
const ceilTo = (n: number, step: number) => n + ((step - modulo(n, step)) % step);

function utcParts(ms: number): { month: number; day: number; hour: number; minute: number } {
  const d = new Date(ms);
  return { month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

/** The calendar days of [start, end) in `tz` (23 or 25 hours long across a DST change), labelled YYYY-MM-DD. */
export function dayBucketsOf(start: number, end: number, tz: string): Bucket[] {
  const buckets: Bucket[] = [];
  for (let at = start; at < end; ) {
    const p = zonedParts(at, tz);
    const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
    const nextStart = Math.min(zonedTimeToMs(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, tz), end);
    buckets.push({ start: at, end: nextStart, label: `${p.year}-${pad(p.month)}-${pad(p.day)}` });
    at = nextStart;
  }
  return buckets;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Many agents' intervals, their starts and their ends each sorted once, with the agent of each edge
 * (an index into `agentIds`). Every agent's peaks are then one sweep (`peaksByAgent`), and several
 * agents' joint load another that skips the others' edges (`peaksOfAgents`): no sort per agent,
 * nor for the agents combined.
 */
export type AgentEdges = {
  agentIds: readonly string[];
  starts: Float64Array;
  startAgents: Uint16Array;
  ends: Float64Array;
  endAgents: Uint16Array;
};

/** Sorts both sides of tagged edges in place, each edge keeping its agent. */
export function sortAgentEdges(edges: AgentEdges): AgentEdges {
  sortTagged(edges.starts, edges.startAgents);
  sortTagged(edges.ends, edges.endAgents);
  return edges;
}

/**
 * Two sorted runs of tagged values merged into `into` and `intoTags` (as long as both together),
 * in order; at equal values `a`'s first. Linear: the load chart's starts come mostly in order
 * already (agent-load.ts), and only the rest is sorted, then merged in.
 */
export function mergeSorted(a: Float64Array, aTags: Uint16Array, b: Float64Array, bTags: Uint16Array, into: Float64Array, intoTags: Uint16Array): void {
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    if (b[j]! < a[i]!) {
      into[k] = b[j]!;
      intoTags[k++] = bTags[j++]!;
    } else {
      into[k] = a[i]!;
      intoTags[k++] = aTags[i++]!;
    }
  }
  into.set(a.subarray(i), k);
  intoTags.set(aTags.subarray(i), k);
  k += a.length - i;
  into.set(b.subarray(j), k);
  intoTags.set(bTags.subarray(j), k);
}

/**
 * Every agent's peaks at once: one sweep over the tagged edges, each agent's count kept apart
 * (index b · agents + a holds bucket b's peak for agent a, agents as in `agentIds`). The same peaks as
 * a sweep over each agent's own edges alone: the sweep meets an agent's edges in their order, ends
 * before starts at equal times, so its count goes through the same values.
 */
export function peaksByAgent({ agentIds, starts, startAgents, ends, endAgents }: AgentEdges, buckets: readonly Bucket[]): Int32Array {
  const agents = agentIds.length;
  const n = starts.length;
  const open = new Int32Array(agents);
  const peaks = new Int32Array(buckets.length * agents);
  let s = 0;
  let e = 0;
  // A plain loop, not forEach: a callback would keep s and e in its closure, not in registers.
  for (let b = 0; b < buckets.length; b++) {
    const bucket = buckets[b]!;
    for (;;) {
      if (e < n && ends[e]! <= bucket.start && (s >= n || ends[e]! <= starts[s]!)) open[endAgents[e++]!]! -= 1;
      else if (s < n && starts[s]! <= bucket.start) open[startAgents[s++]!]! += 1;
      else break;
    }
    const row = b * agents;
    peaks.set(open, row);
    for (;;) {
      if (e < n && ends[e]! < bucket.end && (s >= n || ends[e]! <= starts[s]!)) open[endAgents[e++]!]! -= 1;
      else if (s < n && starts[s]! < bucket.end) {
        const agent = startAgents[s++]!;
        const count = (open[agent]! += 1);
        if (count > peaks[row + agent]!) peaks[row + agent] = count;
      } else break;
    }
  }
  return peaks;
}

/**
 * Sorted in place; `tags[i]` (an agent) moves with `values[i]`.
 *
 * Input already in order (the cached intervals' ends, read in order of their end) costs one pass:
 * insertion first, giving up after n/8 moves. Then counting passes: edges are epoch milliseconds
 * within one range, integers, so their offsets from the smallest are integers below 2^32 for
 * ranges up to 49 days (below 2^35 for a year), and byte digits (16-bit ones for large arrays) sort
 * them in linear time: measured alone, 256 arrays of 940 edges in 8 ms against 12 for the built-in
 * sort. Anything else (fractions, spans beyond 2^48 ms), a comparison sort.
 */
export function sortTagged(values: Float64Array, tags: Column): Float64Array {
  const n = values.length;
  if (insertionSort(values, tags, n < 64 ? Infinity : n / 8)) return values;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v)) return comparisonSort(values, tags);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  if (span >= 2 ** 48) return comparisonSort(values, tags);
  // Offsets from the smallest: their low 32 bits, and above 2^32 (ranges over 49 days) the high
  // ones, sorted by after the low ones (counting passes are stable).
  const low = new Uint32Array(n);
  const high = span >= 2 ** 32 ? new Uint32Array(n) : null;
  for (let i = 0; i < n; i++) {
    const offset = values[i]! - min;
    low[i] = offset >>> 0;
    if (high) high[i] = (offset - low[i]!) / 2 ** 32;
  }
  let [l, t, h] = countingPasses(low, high ? 2 ** 32 - 1 : span, tags, high);
  if (h) {
    const [byHigh, lowAlong, tagsAlong] = countingPasses(h, Math.floor(span / 2 ** 32), l, t);
    [h, l, t] = [byHigh, lowAlong!, tagsAlong];
  }
  for (let i = 0; i < n; i++) values[i] = min + (h ? h[i]! * 2 ** 32 : 0) + l[i]!;
  if (t !== tags) tags.set(t!);
  return values;
}

type Column = Uint16Array | Uint32Array;

const like = (column: Column): Column => (column instanceof Uint16Array ? new Uint16Array(column.length) : new Uint32Array(column.length));

/**
 * Least significant digit first counting passes over `keys` (at most `span`), moving `a[i]` and
 * `b[i]` along with `keys[i]`; the arrays that hold the result, in that order (the inputs or their
 * scratch copies). Small arrays take byte digits: clearing and summing 65,536 counters would cost
 * more than the values.
 */
function countingPasses(keys: Column, span: number, a: Column | null, b: Column | null): [Column, Column | null, Column | null] {
  const n = keys.length;
  const width = n < 0x10000 ? 8 : 16;
  const mask = (1 << width) - 1;
  const counts = new Int32Array(mask + 1);
  let [keys0, a0, b0] = [keys, a, b];
  let [keys1, a1, b1] = [like(keys), a && like(a), b && like(b)];
  for (let shift = 0; shift < 32 && span >>> shift > 0; shift += width) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys0[i]! >>> shift) & mask]! += 1;
    for (let d = 0, position = 0; d <= mask; d++) {
      const c = counts[d]!;
      counts[d] = position;
      position += c;
    }
    for (let i = 0; i < n; i++) {
      const at = counts[(keys0[i]! >>> shift) & mask]!++;
      keys1[at] = keys0[i]!;
      if (a0) a1![at] = a0[i]!;
      if (b0) b1![at] = b0[i]!;
    }
    [keys0, keys1, a0, a1, b0, b1] = [keys1, keys0, a1, a0, b1, b0];
  }
  return [keys0, a0, b0];
}

/** Insertion sort that gives up after `budget` moves (the array is then still a permutation of itself); whether it finished. */
function insertionSort(values: Float64Array, tags: Column, budget: number): boolean {
  let moves = 0;
  for (let i = 1; i < values.length; i++) {
    const v = values[i]!;
    if (values[i - 1]! <= v) continue;
    const tag = tags[i]!;
    let j = i - 1;
    while (j >= 0 && values[j]! > v) {
      values[j + 1] = values[j]!;
      tags[j + 1] = tags[j]!;
      j -= 1;
    }
    values[j + 1] = v;
    tags[j + 1] = tag;
    moves += i - 1 - j;
    if (moves > budget) return false;
  }
  return true;
}

function comparisonSort(values: Float64Array, tags: Column): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  const copy = values.slice();
  const tagCopy = tags.slice();
  order.forEach((from, to) => {
    values[to] = copy[from]!;
    tags[to] = tagCopy[from]!;
  });
  return values;
}

/**
 * The joint load of the chosen agents: the peak number of their intervals open at the same moment
 * within each bucket (an interval is open on [from, to)). One sweep over the tagged edges that
 * skips the other agents' edges, in the same order as peaksByAgent: the chosen edges are met in
 * their sorted order, ends before starts at equal times (a hand-over at 10:00 is not two at once).
 * O(edges + buckets), and no copy of the chosen edges.
 */
export function peaksOfAgents({ agentIds, starts, startAgents, ends, endAgents }: AgentEdges, chosen: ReadonlySet<string>, buckets: readonly Bucket[]): number[] {
  const keep = Uint8Array.from(agentIds, (id) => (chosen.has(id) ? 1 : 0));
  const n = starts.length;
  let s = 0;
  let e = 0;
  let open = 0;
  const peaks: number[] = new Array(buckets.length);
  for (let b = 0; b < buckets.length; b++) {
    const bucket = buckets[b]!;
    for (;;) {
      if (e < n && ends[e]! <= bucket.start && (s >= n || ends[e]! <= starts[s]!)) open -= keep[endAgents[e++]!]!;
      else if (s < n && starts[s]! <= bucket.start) open += keep[startAgents[s++]!]!;
      else break;
    }
    let peak = open;
    for (;;) {
      if (e < n && ends[e]! < bucket.end && (s >= n || ends[e]! <= starts[s]!)) open -= keep[endAgents[e++]!]!;
      else if (s < n && starts[s]! < bucket.end) {
        open += keep[startAgents[s++]!]!;
        if (open > peak) peak = open;
      } else break;
    }
    peaks[b] = peak;
  }
  return peaks;
}
