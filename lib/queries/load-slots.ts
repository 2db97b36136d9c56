import type { Filters } from '../filters/parse-filters';
import type { IntervalColumns } from './load-interval-columns';
import { HOUR, sortTagged, type Bucket } from './load-timeline';
import type { Codes } from './range-cache/codes';
import { cacheBudget, DAY_MS, dropLeastRecent } from './range-cache/day-partitions';

/**
 * The load chart from per-day pre-aggregates, so that a request does not sweep every interval of
 * its range (a month at 1M: 115,000 intervals, 14.5 ms a request, the one figure whose cost grew
 * with the data after the range cache).
 *
 * Peaks do not add up (two agents' joint peak is not the sum of theirs), but they do combine by
 * taking the highest: the peak of an hour is the highest of its quarter hours' peaks, and every
 * bucket the chart draws (an hour or a day of the viewer's clock, whatever its zone) begins and
 * ends on a quarter hour of UTC. So each UTC day is kept as 96 quarter-hour "slots": for every
 * agent, how many of its conversations count at the slot's start and the most at once within it;
 * a request takes, for each hour, the highest of its slots. Only the intervals of the day go into
 * its slots: the ended intervals overlapping it, cut at its midnights ("pieces": an interval
 * across midnight ends at midnight on one day and starts there on the next, which changes no count
 * at any moment, as the sweep takes ends before starts at equal times).
 *
 * What the day's slots do not hold is added at each request: the intervals still counting (and
 * any ending after the cached days: load-interval-columns.ts, `rest`), a few thousand at most. One
 * that covers a whole slot adds one to its agent's count throughout the slot, so to its peak; a
 * slot where one of them starts or ends, or that `now` cuts short, is swept again from its start
 * count over the day's edges within it. The result is the same as the sweep over every interval
 * (peaksByAgent, peaksOfAgents), exactly: tests/queries/range-cache.test.ts and
 * tests/queries/load-slots.property.test.ts compare them.
 *
 * A day's pieces are valid as long as the cached days of ended intervals they were cut from are the
 * same reads (by serial: the range cache drops and reads again a day any change touches) and no other
 * cached day reaches back into it (an interval ended today that began on that day is on today's
 * cached day, read again after the change). A day's slots are kept per channel and source filter
 * (those change which intervals count; the agent filter only chooses agents); the other agents'
 * joint line per set of agents it joins, the last one asked for.
 */

export const SLOT_MS = 15 * 60_000;
const SLOTS = DAY_MS / SLOT_MS;

type Pieces = {
  day: number;
  /** The cached days of ended intervals it was cut from, in day order, by serial (not kept: the range cache may drop them). */
  sources: readonly number[];
  n: number;
  /** Starts and ends of the pieces, each sorted. */
  starts: Side;
  ends: Side;
  summaries: Map<string, Slots>;
  bytes: number;
  usedAt: number;
};

/** One side (starts or ends) of a day's pieces: the times in order, each with its agent, channel and source codes. */
type Side = {
  at: Float64Array;
  agent: Uint16Array;
  channel: Uint16Array;
  source: Uint16Array;
  /** Slot s's edges are at[slotAt[s] .. slotAt[s + 1]): at or after its start, before its end. */
  slotAt: Int32Array;
};

/** One day's slots for one channel and source filter. */
type Slots = {
  /** The codes there were when made: rows of `agents` numbers; an agent coded later has no piece here. */
  agents: number;
  /** Per slot and agent: the count at the slot's start (after every edge at it), and the most at once within it. */
  open: Int32Array;
  peak: Int32Array;
  /** Per UTC hour and agent: the most at once within it (its four slots' highest), for the hours a request takes whole. */
  hourPeak: Int32Array;
  /** Per agent: the milliseconds of the day counted. */
  ms: Float64Array;
  /** The joint line of a set of agents (`key`), per slot: the count at its start and the most within it. */
  joint: Joint | null;
  bytes: number;
};

/** The channel and source filters whose quarter hours a day keeps at most. */
export const FILTERS_KEPT = 4;

/** The joint line of a set of agents (`key`), per slot: the count at its start and the most within it; and per UTC hour, the most. */
type Joint = { key: string; open: Int32Array; peak: Int32Array; hourPeak: Int32Array };

const SLOTS_PER_HOUR = HOUR / SLOT_MS;

/** Each hour's highest of its slots' values (`values`: slot s, column c at s · columns + c). */
function byHour(values: Int32Array, columns: number): Int32Array {
  const hours = new Int32Array((SLOTS / SLOTS_PER_HOUR) * columns);
  for (let s = 0; s < SLOTS; s++) {
    const row = Math.floor(s / SLOTS_PER_HOUR) * columns;
    for (let c = 0; c < columns; c++) if (values[s * columns + c]! > hours[row + c]!) hours[row + c] = values[s * columns + c]!;
  }
  return hours;
}

type Store = { days: Map<number, Pieces>; bytes: number; clock: number };
/** Per dictionary of the cached intervals: a new one (the cache started over) starts this over too. */
const stores = new WeakMap<Codes, Store>();

const ALL = new Uint8Array(0x10000).fill(1);

/** The intervals counted at each request: those not on a cached day, kept and clipped to [start, end), their edges sorted. */
type Rest = { n: number; starts: Float64Array; startAgents: Uint16Array; ends: Float64Array; endAgents: Uint16Array; ms: Float64Array };

function restOf(rest: IntervalColumns, agents: number, start: number, end: number, keepAgent: Uint8Array, keepChannel: Uint8Array, keepSource: Uint8Array): Rest {
  const { rows, at, from, agent, channel, source } = rest;
  const starts = new Float64Array(rows);
  const startAgents = new Uint16Array(rows);
  const ends = new Float64Array(rows);
  const endAgents = new Uint16Array(rows);
  const ms = new Float64Array(agents);
  let n = 0;
  for (let k = 0; k < rows; k++) {
    const t = at[k]!;
    const f = from[k]!;
    if (!((t !== t || t > start) && (f !== f || f < end))) continue;
    if (!(keepAgent[agent[k]!]! & keepChannel[channel[k]!]! & keepSource[source[k]!]!)) continue;
    const s = f !== f || f < start ? start : f;
    const e = t !== t || t > end ? end : t;
    starts[n] = s;
    ends[n] = e;
    startAgents[n] = endAgents[n] = agent[k]!;
    ms[agent[k]!]! += e - s;
    n++;
  }
  const sorted = { n, starts: starts.subarray(0, n), startAgents: startAgents.subarray(0, n), ends: ends.subarray(0, n), endAgents: endAgents.subarray(0, n), ms };
  sortTagged(sorted.starts, sorted.startAgents);
  sortTagged(sorted.ends, sorted.endAgents);
  return sorted;
}

/** The cached days of ended intervals that reach into `day` (in `days`' order, which is by day), by serial. */
function sourcesOf(days: readonly IntervalColumns[], day: number): number[] {
  const dayEnd = (day + 1) * DAY_MS;
  const serials: number[] = [];
  for (const c of days) if (c.day >= day && c.minFrom < dayEnd) serials.push(c.serial);
  return serials;
}

const sameList = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((serial, i) => serial === b[i]);

/** The pieces of each day of [first, last], kept ones where still valid, the others cut now. */
function piecesOf(store: Store, days: readonly IntervalColumns[], first: number, last: number, usedAt: number): Pieces[] {
  const result: Pieces[] = new Array(last - first + 1);
  const missing: { day: number; sources: number[] }[] = [];
  for (let day = first; day <= last; day++) {
    const sources = sourcesOf(days, day);
    const kept = store.days.get(day);
    if (kept && sameList(kept.sources, sources)) {
      kept.usedAt = usedAt;
      result[day - first] = kept;
      continue;
    }
    if (kept) {
      store.bytes -= kept.bytes;
      store.days.delete(day);
    }
    missing.push({ day, sources });
  }
  if (missing.length > 0) {
    for (const pieces of cutIntoDays(days, missing)) {
      pieces.usedAt = usedAt;
      store.days.set(pieces.day, pieces);
      store.bytes += pieces.bytes;
      result[pieces.day - first] = pieces;
    }
  }
  return result;
}

/** Cuts the cached ended intervals into the pieces of the `missing` days (ascending). */
function cutIntoDays(days: readonly IntervalColumns[], missing: readonly { day: number; sources: number[] }[]): Pieces[] {
  const first = missing[0]!.day;
  const last = missing[missing.length - 1]!.day;
  const index = new Int32Array(last - first + 1).fill(-1);
  missing.forEach(({ day }, i) => (index[day - first] = i));
  const counts = new Int32Array(missing.length);
  type Raw = { from: Float64Array; to: Float64Array; agent: Uint16Array; channel: Uint16Array; source: Uint16Array; filled: number };
  let raw: Raw[] = [];
  // Two passes over the intervals: count each day's pieces, then fill them in.
  for (const pass of ['count', 'fill'] as const) {
    if (pass === 'fill') {
      raw = Array.from(counts, (n) => ({ from: new Float64Array(n), to: new Float64Array(n), agent: new Uint16Array(n), channel: new Uint16Array(n), source: new Uint16Array(n), filled: 0 }));
    }
    for (const c of days) {
      if (c.day < first) continue;
      const { rows, at, from, agent, channel, source } = c;
      for (let k = 0; k < rows; k++) {
        const f = from[k]!;
        const t = at[k]!;
        const lo = f !== f ? first : Math.max(first, Math.floor(f / DAY_MS));
        const hi = Math.min(c.day, last);
        for (let day = lo; day <= hi; day++) {
          const i = index[day - first]!;
          if (i < 0) continue;
          const dayStart = day * DAY_MS;
          const s = f !== f || f < dayStart ? dayStart : f;
          const e = t > dayStart + DAY_MS ? dayStart + DAY_MS : t;
          if (e <= s) continue;
          if (pass === 'count') {
            counts[i]! += 1;
            continue;
          }
          const r = raw[i]!;
          const j = r.filled++;
          r.from[j] = s;
          r.to[j] = e;
          r.agent[j] = agent[k]!;
          r.channel[j] = channel[k]!;
          r.source[j] = source[k]!;
        }
      }
    }
  }
  return missing.map(({ day, sources }, i) => {
    const r = raw[i]!;
    const n = r.filled;
    // Plain loops: with Uint16Array.from and a function per value, cutting a year took 1.7 s more.
    const side = (values: Float64Array): Side => {
      const order = new Uint32Array(n);
      for (let j = 0; j < n; j++) order[j] = j;
      const at = values.slice(0, n);
      sortTagged(at, order);
      const pick = (column: Uint16Array) => {
        const out = new Uint16Array(n);
        for (let j = 0; j < n; j++) out[j] = column[order[j]!]!;
        return out;
      };
      const slotAt = new Int32Array(SLOTS + 1);
      for (let slot = 0, j = 0; slot < SLOTS; slot++) {
        const slotStart = day * DAY_MS + slot * SLOT_MS;
        while (j < n && at[j]! < slotStart) j++;
        slotAt[slot] = j;
      }
      slotAt[SLOTS] = n;
      return { at, agent: pick(r.agent), channel: pick(r.channel), source: pick(r.source), slotAt };
    };
    return { day, sources, n, starts: side(r.from), ends: side(r.to), summaries: new Map(), bytes: n * 28 + 2 * 4 * (SLOTS + 1) + 200, usedAt: 0 };
  });
}

/** The day's slots for a channel and source filter: made once, by one sweep of its pieces. */
function slotsOf(pieces: Pieces, store: Store, key: string, everyone: Int32Array, keepChannel: Uint8Array, keepSource: Uint8Array): Slots {
  const kept = pieces.summaries.get(key);
  if (kept) {
    // Most recently used last.
    pieces.summaries.delete(key);
    pieces.summaries.set(key, kept);
    return kept;
  }
  // A day in use is never dropped, so each filter viewed would add its quarter hours to it for
  // good: the least recently used beyond FILTERS_KEPT go.
  while (pieces.summaries.size >= FILTERS_KEPT) {
    const [oldest, dropped] = pieces.summaries.entries().next().value!;
    pieces.summaries.delete(oldest);
    pieces.bytes -= dropped.bytes;
    store.bytes -= dropped.bytes;
  }
  // Each agent counted apart: its own column.
  const agents = everyone.length;
  const groups = keptGroups(pieces, everyone, keepChannel, keepSource);
  const { open, peak } = sweepDay(pieces, groups, agents);
  const ms = new Float64Array(agents);
  addMs(pieces, -Infinity, Infinity, groups, ms);
  const bytes = (SLOTS * 8 + (SLOTS / SLOTS_PER_HOUR) * 4 + 8) * agents + 100;
  const slots: Slots = { agents, open, peak, hourPeak: byHour(peak, agents), ms, joint: null, bytes };
  pieces.summaries.set(key, slots);
  pieces.bytes += bytes;
  store.bytes += bytes;
  return slots;
}

/** Per start and per end of the day's pieces, its agent's group (`group[agent]`: a column, -1 for none), or -1 where the channel and source filters leave it out. */
function keptGroups(pieces: Pieces, group: Int32Array, keepChannel: Uint8Array, keepSource: Uint8Array): { starts: Int32Array; ends: Int32Array } {
  const side = ({ agent, channel, source }: Side) => {
    const out = new Int32Array(agent.length);
    for (let k = 0; k < out.length; k++) out[k] = keepChannel[channel[k]!]! & keepSource[source[k]!]! ? group[agent[k]!]! : -1;
    return out;
  };
  return { starts: side(pieces.starts), ends: side(pieces.ends) };
}

/**
 * One sweep over a day's pieces, each group of agents (`groups`, keptGroups) counted in its own
 * column: per slot and column, the count at the slot's start (after every edge at it) and the
 * most at once within it; ends before starts at equal times.
 */
function sweepDay(pieces: Pieces, groups: { starts: Int32Array; ends: Int32Array }, columns: number): { open: Int32Array; peak: Int32Array } {
  const { n } = pieces;
  const [starts, ends] = [pieces.starts.at, pieces.ends.at];
  const count = new Int32Array(columns);
  const open = new Int32Array(SLOTS * columns);
  const peak = new Int32Array(SLOTS * columns);
  let i = 0;
  let j = 0;
  for (let s = 0; s < SLOTS; s++) {
    const slotStart = pieces.day * DAY_MS + s * SLOT_MS;
    const slotEnd = slotStart + SLOT_MS;
    for (;;) {
      if (j < n && ends[j]! <= slotStart && (i >= n || ends[j]! <= starts[i]!)) {
        const g = groups.ends[j++]!;
        if (g >= 0) count[g]! -= 1;
      } else if (i < n && starts[i]! <= slotStart) {
        const g = groups.starts[i++]!;
        if (g >= 0) count[g]! += 1;
      } else break;
    }
    const row = s * columns;
    open.set(count, row);
    peak.set(count, row);
    for (;;) {
      if (j < n && ends[j]! < slotEnd && (i >= n || ends[j]! <= starts[i]!)) {
        const g = groups.ends[j++]!;
        if (g >= 0) count[g]! -= 1;
      } else if (i < n && starts[i]! < slotEnd) {
        const g = groups.starts[i++]!;
        if (g >= 0 && (count[g]! += 1) > peak[row + g]!) peak[row + g] = count[g]!;
      } else break;
    }
  }
  return { open, peak };
}

/**
 * Adds each agent's milliseconds of the kept pieces (`groups`: each agent its own column) within
 * [from, to) to `ms`: its ends less its starts, clipped, as offsets from the day's start (below
 * 2^27, so every sum is an exact integer).
 */
function addMs(pieces: Pieces, from: number, to: number, groups: { starts: Int32Array; ends: Int32Array }, ms: Float64Array): void {
  const dayStart = pieces.day * DAY_MS;
  const clip = (at: number) => (at < from ? from : at > to ? to : at) - dayStart;
  const sums = new Float64Array(ms.length);
  for (let k = 0; k < pieces.n; k++) {
    if (groups.starts[k]! >= 0) sums[groups.starts[k]!]! -= clip(pieces.starts.at[k]!);
    if (groups.ends[k]! >= 0) sums[groups.ends[k]!]! += clip(pieces.ends.at[k]!);
  }
  for (let a = 0; a < ms.length; a++) ms[a]! += sums[a]!;
}

export type SlotLoad = {
  /** Per hour bucket and code (h · codes + code): each agent's peak. */
  hourly: Int32Array;
  /** Per code: milliseconds counted in the range. */
  ms: Float64Array;
  /** The joint peak of these agents (codes) in each of `buckets`. */
  joint: (agents: readonly number[]) => number[];
};

/**
 * Each agent's hourly peaks, milliseconds and the joint line of some, for [filters.startMs, end)
 * (`end`: the range's end or now, the earlier), from the cached days of ended intervals (`days`) and
 * those read each time (`rest`); null when a bucket does not begin on a quarter hour (no zone in
 * use does), for the sweep over every interval to answer instead.
 */
export function loadBySlots(
  source: { days: readonly IntervalColumns[]; rest: IntervalColumns; codes: Codes },
  filters: Filters,
  end: number,
  hours: readonly Bucket[],
  buckets: readonly Bucket[],
): SlotLoad | null {
  const start = filters.startMs;
  const onGrid = (at: number) => at % SLOT_MS === 0;
  if (end <= start || !onGrid(start) || !onGrid(filters.endMs) || !hours.every((b) => onGrid(b.start)) || !buckets.every((b) => onGrid(b.start))) return null;
  const { codes } = source;
  const agents = codes.size;
  let store = stores.get(codes);
  if (!store) stores.set(codes, (store = { days: new Map(), bytes: 0, clock: 0 }));
  const usedAt = ++store.clock;
  const keepChannel = codes.table(filters.channels) ?? ALL;
  const keepSource = codes.table(filters.sources) ?? ALL;
  const keepAgent = codes.table(filters.agents) ?? ALL;
  const key = JSON.stringify([[...filters.channels].sort(), [...filters.sources].sort()]);
  const rest = restOf(source.rest, agents, start, end, keepAgent, keepChannel, keepSource);
  const firstDay = Math.floor(start / DAY_MS);
  const lastDay = Math.floor((end - 1) / DAY_MS);
  // Each agent its own column (keptGroups).
  const everyone = Int32Array.from({ length: agents }, (_, a) => a);
  const pieces = piecesOf(store, source.days, firstDay, lastDay, usedAt);
  const days = pieces.map((p) => ({ pieces: p, slots: slotsOf(p, store, key, everyone, keepChannel, keepSource) }));
  evict(store, usedAt);

  // Milliseconds: the intervals read each time, whole days' sums, the range's cut days clipped.
  const ms = rest.ms;
  for (const { pieces: p, slots } of days) {
    const dayStart = p.day * DAY_MS;
    if (dayStart >= start && dayStart + DAY_MS <= end) for (let a = 0; a < slots.agents; a++) ms[a]! += slots.ms[a]!;
    else addMs(p, start, end, keptGroups(p, everyone, keepChannel, keepSource), ms);
  }
  for (let a = 0; a < agents; a++) if (!keepAgent[a]) ms[a] = 0;

  // Hourly peaks: each slot's (or UTC hour's), plus the intervals read each time counting at its
  // start. Where one of those begins or ends within a slot, its agent's peak there is swept again
  // (the others' are unchanged: each agent is counted apart); in the slot `now` cuts short, every agent's.
  const hourly = new Int32Array(hours.length * agents);
  // Agents swept in the current slot: group[a] = a, else -1; their counts and peaks.
  const group = new Int32Array(agents).fill(-1);
  const count = new Int32Array(agents);
  const peak = new Int32Array(agents);
  const affected: number[] = [];
  walkSlots(days, rest, agents, start, end, hours, (slot, slotStart, limit, clean, restOpen, bucket) => {
    const row = bucket * agents;
    const { slots, s } = slot;
    const counts = restOpen.counts;
    if (!clean) {
      if (limit < slotStart + SLOT_MS) for (let a = 0; a < agents; a++) affected.push(a);
      else affected.push(...agentsWithin(rest, restOpen.s, restOpen.e, limit));
      for (const a of affected) {
        group[a] = a;
        count[a] = peak[a] = (a < slots.agents ? slots.open[s * slots.agents + a]! : 0) + counts[a]!;
      }
    }
    const [values, at] = slot.hour ? [slots.hourPeak, (s / SLOTS_PER_HOUR) * slots.agents] : [slots.peak, s * slots.agents];
    for (let a = 0; a < slots.agents; a++) {
      const v = values[at + a]! + counts[a]!;
      if (v > hourly[row + a]! && group[a]! < 0) hourly[row + a] = v;
    }
    for (let a = slots.agents; a < agents; a++) if (counts[a]! > hourly[row + a]! && group[a]! < 0) hourly[row + a] = counts[a]!;
    if (clean) return;
    sweepSlot(slot.pieces, s, slotStart, limit, rest, restOpen.s, restOpen.e, keepChannel, keepSource, group, count, peak);
    for (const a of affected) {
      if (peak[a]! > hourly[row + a]!) hourly[row + a] = peak[a]!;
      group[a] = -1;
    }
    affected.length = 0;
  });

  const joint = (chosen: readonly number[]): number[] => {
    const weight = new Uint8Array(agents);
    for (const a of chosen) weight[a] = 1;
    const jointKey = chosen.join(',');
    // The chosen agents counted together, as one (sweepSlot).
    const together = Int32Array.from(weight, (w) => (w ? 0 : -1));
    const [jointCount, jointPeak] = [new Int32Array(1), new Int32Array(1)];
    const out: number[] = new Array(buckets.length).fill(0);
    walkSlots(
      days,
      rest,
      agents,
      start,
      end,
      buckets,
      (slot, slotStart, limit, clean, restOpen, bucket) => {
        const line = jointOf(slot.pieces, slot.slots, jointKey, together, keepChannel, keepSource);
        const { s } = slot;
        let v: number;
        if (clean) {
          v = (slot.hour ? line.hourPeak[s / SLOTS_PER_HOUR]! : line.peak[s]!) + restOpen.joint;
        } else {
          jointCount[0] = jointPeak[0] = line.open[s]! + restOpen.joint;
          sweepSlot(slot.pieces, s, slotStart, limit, rest, restOpen.s, restOpen.e, keepChannel, keepSource, together, jointCount, jointPeak);
          v = jointPeak[0]!;
        }
        if (v > out[bucket]!) out[bucket] = v;
      },
      weight,
    );
    return out;
  };
  return { hourly, ms, joint };
}

type Day = { pieces: Pieces; slots: Slots };
type RestOpen = { counts: Int32Array; joint: number; s: number; e: number };

/**
 * Calls `visit` for every slot of [start, end) in order, with the bucket it falls in, whether it is
 * clean (no interval read each time begins or ends inside it, of the agents of `weight` when
 * given, and `end` does not cut it), and the intervals read each time counting at its start: per
 * agent, or those of `weight` together.
 */
function walkSlots(
  days: readonly Day[],
  rest: Rest,
  agents: number,
  start: number,
  end: number,
  buckets: readonly Bucket[],
  visit: (slot: { pieces: Pieces; slots: Slots; s: number; hour: boolean }, slotStart: number, limit: number, clean: boolean, restOpen: RestOpen, bucket: number) => void,
  weight?: Uint8Array,
): void {
  const { n, starts, startAgents, ends, endAgents } = rest;
  const restOpen: RestOpen = { counts: new Int32Array(weight ? 0 : agents), joint: 0, s: 0, e: 0 };
  let bucket = 0;
  for (const { pieces, slots } of days) {
    const dayStart = pieces.day * DAY_MS;
    for (let s = 0; s < SLOTS; s++) {
      const slotStart = dayStart + s * SLOT_MS;
      if (slotStart < start) continue;
      if (slotStart >= end) return;
      // The intervals read each time, up to the slot's start (ends first at equal times).
      for (;;) {
        if (restOpen.e < n && ends[restOpen.e]! <= slotStart && (restOpen.s >= n || ends[restOpen.e]! <= starts[restOpen.s]!)) {
          const agent = endAgents[restOpen.e++]!;
          if (weight) restOpen.joint -= weight[agent]!;
          else restOpen.counts[agent]! -= 1;
        } else if (restOpen.s < n && starts[restOpen.s]! <= slotStart) {
          const agent = startAgents[restOpen.s++]!;
          if (weight) restOpen.joint += weight[agent]!;
          else restOpen.counts[agent]! += 1;
        } else break;
      }
      while (buckets[bucket]!.end <= slotStart) bucket++;
      const slotEnd = slotStart + SLOT_MS;
      const limit = slotEnd < end ? slotEnd : end;
      // (An interval read each time ends after every cached one, so its end within a slot lowers no
      // peak of the cached pieces; the test keeps the rule whole all the same.)
      const clean = limit === slotEnd && !restEdgeBefore(rest, restOpen.s, restOpen.e, limit, weight);
      // A whole UTC hour at once where nothing of the above happens within it, and it lies in one bucket.
      const hourEnd = slotStart + HOUR;
      const hour =
        clean &&
        s % SLOTS_PER_HOUR === 0 &&
        hourEnd <= end &&
        buckets[bucket]!.end >= hourEnd &&
        !restEdgeBefore(rest, restOpen.s, restOpen.e, hourEnd, weight);
      visit({ pieces, slots, s, hour }, slotStart, limit, clean, restOpen, bucket);
      if (hour) s += SLOTS_PER_HOUR - 1;
    }
  }
}

/**
 * Whether an interval read each time (of the agents of `weight`, when given) begins or ends before
 * `limit`, from `rs`, `re` (the first after a slot's start).
 */
function restEdgeBefore(rest: Rest, rs: number, re: number, limit: number, weight: Uint8Array | undefined): boolean {
  for (let k = rs; k < rest.n && rest.starts[k]! < limit; k++) if (!weight || weight[rest.startAgents[k]!]) return true;
  for (let k = re; k < rest.n && rest.ends[k]! < limit; k++) if (!weight || weight[rest.endAgents[k]!]) return true;
  return false;
}

/** The agents of the intervals read each time that begin or end within the slot (from `rs`, `re`, the first after its start, to `limit`). */
function agentsWithin(rest: Rest, rs: number, re: number, limit: number): number[] {
  const agents: number[] = [];
  for (let k = rs; k < rest.n && rest.starts[k]! < limit; k++) agents.push(rest.startAgents[k]!);
  for (let k = re; k < rest.n && rest.ends[k]! < limit; k++) agents.push(rest.endAgents[k]!);
  return agents.length > 1 ? [...new Set(agents)] : agents;
}

/**
 * The most at once within a slot, for each group of agents (`group[agent]`: its group's index in
 * `count` and `peak`, -1 for an agent not counted), from `count` (each group's count at the slot's
 * start, `peak` the same): the edges within (slotStart, limit), the day's kept pieces' and the
 * intervals read each time (from their places `rs`, `re`, the first after slotStart), in order,
 * ends before starts at equal times.
 */
function sweepSlot(
  pieces: Pieces,
  s: number,
  slotStart: number,
  limit: number,
  rest: Rest,
  rs: number,
  re: number,
  keepChannel: Uint8Array,
  keepSource: Uint8Array,
  group: Int32Array,
  count: Int32Array,
  peak: Int32Array,
): void {
  const { at: starts, agent: startAgent, channel: startChannel, source: startSource, slotAt: startAt } = pieces.starts;
  const { at: ends, agent: endAgent, channel: endChannel, source: endSource, slotAt: endAt } = pieces.ends;
  let i = startAt[s]!;
  let j = endAt[s]!;
  const iEnd = startAt[s + 1]!;
  const jEnd = endAt[s + 1]!;
  while (i < iEnd && starts[i]! <= slotStart) i++;
  while (j < jEnd && ends[j]! <= slotStart) j++;
  for (;;) {
    while (i < iEnd && (group[startAgent[i]!]! < 0 || !(keepChannel[startChannel[i]!]! & keepSource[startSource[i]!]!))) i++;
    while (j < jEnd && (group[endAgent[j]!]! < 0 || !(keepChannel[endChannel[j]!]! & keepSource[endSource[j]!]!))) j++;
    while (rs < rest.n && rest.starts[rs]! < limit && group[rest.startAgents[rs]!]! < 0) rs++;
    while (re < rest.n && rest.ends[re]! < limit && group[rest.endAgents[re]!]! < 0) re++;
    const pieceStart = i < iEnd && starts[i]! < limit ? starts[i]! : Infinity;
    const pieceEnd = j < jEnd && ends[j]! < limit ? ends[j]! : Infinity;
    const restStart = rs < rest.n && rest.starts[rs]! < limit ? rest.starts[rs]! : Infinity;
    const restEnd = re < rest.n && rest.ends[re]! < limit ? rest.ends[re]! : Infinity;
    const nextEnd = pieceEnd < restEnd ? pieceEnd : restEnd;
    const nextStart = pieceStart < restStart ? pieceStart : restStart;
    if (nextEnd === Infinity && nextStart === Infinity) return;
    if (nextEnd <= nextStart) {
      const g = group[pieceEnd <= restEnd ? endAgent[j++]! : rest.endAgents[re++]!]!;
      count[g]! -= 1;
    } else {
      const g = group[pieceStart <= restStart ? startAgent[i++]! : rest.startAgents[rs++]!]!;
      if ((count[g]! += 1) > peak[g]!) peak[g] = count[g]!;
    }
  }
}

/** The joint line of the agents of `together` (column 0; the others -1) over a day's slots: made by one sweep, kept for the last set asked for. */
function jointOf(pieces: Pieces, slots: Slots, key: string, together: Int32Array, keepChannel: Uint8Array, keepSource: Uint8Array): Joint {
  if (slots.joint?.key === key) return slots.joint;
  const { open, peak } = sweepDay(pieces, keptGroups(pieces, together, keepChannel, keepSource), 1);
  slots.joint = { key, open, peak, hourPeak: byHour(peak, 1) };
  return slots.joint;
}

/** What a figure thread keeps for the load chart of a table cache's codes (tests): days, bytes, and the most filters one day keeps. */
export function slotStats(codes: Codes): { days: number; bytes: number; mostFilters: number } {
  const store = stores.get(codes);
  if (!store) return { days: 0, bytes: 0, mostFilters: 0 };
  return { days: store.days.size, bytes: store.bytes, mostFilters: Math.max(0, ...[...store.days.values()].map((p) => p.summaries.size)) };
}

/** Keeps what is derived within a quarter of the figure cache's budget: least recently used days go first, never the request's. */
function evict(store: Store, current: number): void {
  const limit = cacheBudget() / 4;
  dropLeastRecent(store.days.values(), current, () => store.bytes <= limit, (p) => {
    store.days.delete(p.day);
    store.bytes -= p.bytes;
  });
}
