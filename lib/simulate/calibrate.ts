/**
 * How many generators, each with how many conversations a day, make about N events a second now,
 * and how many copies of each event that takes.
 *
 * The generator's volume follows weekday and hour-of-day patterns, and the events happening now
 * come from conversations created over the preceding hours, so the rate is measured rather than
 * computed: sample generators laid out exactly like the live ones (same window) are run, and
 * their events between now and now + horizon counted (and those before now: the history the live
 * generators will have to skip).
 *
 * Two limits of the generator shape the plan:
 * - at most 100,000 conversations a day each (its options schema), hence several generators;
 * - memory: a generator builds every envelope of a conversation's life when the conversation
 *   starts and keeps the future ones until they are due: up to ~8.5 KB per conversation created
 *   in the first hours; with 100,000 conversations a day, 65 MB one hour into a weekday window,
 *   156 MB after 3 h, 375 MB after 12 h, 310–470 MB from then on;
 * - time: history before now has to be generated to be skipped (about 10,000 events a second on
 *   one core, counting the future envelopes built on the way).
 * Beyond those budgets each event is sent as several copies with fresh conversation ids
 * (copies.ts) rather than generating more conversations.
 */
import { generateEvents } from '../demo/generator';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** generatorOptionsSchema's upper bound for conversationsPerDay. */
export const MAX_CONVERSATIONS_PER_DAY = 100_000;
/** Heap the generators may fill (Node's default limit is about 4 GB on a 64-bit machine with enough memory). */
export const MEMORY_BUDGET_MB = 1_900;
/** History events the start-up may generate to skip (well under 10 s on one core). */
export const WARMUP_BUDGET_EVENTS = 100_000;
/** Most generators (each costs a little per event in the merge). */
export const MAX_SHARDS = 100;
/** Generators start their window at least this long before now, so the first minutes are not only new conversations. */
export const MIN_LEAD_MS = 10 * 60_000;
/** Heap a generator holds per conversation created, in its first hours (measured: 5.5–8.3 KB). */
export const KB_PER_CONVERSATION = 8.5;
/** Most copies of an event (the quietest hours of a weekend night need many). */
export const MAX_COPIES = 2_000;

/**
 * The generator window for `now`: conversations are created from the last whole UTC hour at
 * least MIN_LEAD_MS before now (the generator starts its history on a whole hour, `days` before
 * `end`; a later `end` would mean a day of history to skip), for one day.
 */
export function windowAt(now: number): { start: number; end: number; days: number } {
  const start = Math.floor((now - MIN_LEAD_MS) / HOUR) * HOUR;
  return { start, end: start + DAY, days: 1 };
}

/** Heap (MB) a generator holds per 1,000 conversations a day, `hours` into its window, busy hours included: a bound fitted to the measurements above. */
export function generatorMemoryMb(hours: number): number {
  return Math.min(4.7, 0.5 + 0.35 * Math.max(0, hours));
}

export type Calibration = {
  /** Events a second in [now, now + horizon), per conversation a day of generator volume. */
  perConversationPerDay: number;
  /** Events before now (history to skip), per conversation a day. */
  historyPerConversationPerDay: number;
  /** Conversations created from the window's start to now + horizon, per conversation a day. */
  createdPerConversationPerDay: number;
  /** Events counted in the horizon, over all samples. */
  sampleEvents: number;
  samples: number;
  horizonMs: number;
};

type Sample = { live: number; history: number; created: number; conversationsPerDay: number };

function sample(now: number, until: number, seed: number, conversationsPerDay: number): Sample {
  const window = windowAt(now);
  let live = 0;
  let history = 0;
  let created = 0;
  for (const envelope of generateEvents({ seed, days: window.days, end: window.end, conversationsPerDay })) {
    const time = eventTime(envelope);
    // Deliveries are in time order but for a few late ones: stop well past the horizon.
    if (time >= until + 10 * 60_000) break;
    if (time < now) history++;
    else if (time < until) live++;
    if (time < until && envelope.event === 'onConversationCreate') created++;
  }
  return { live, history, created, conversationsPerDay };
}

/**
 * Measures the rate in [now, now + horizon): one sample at a live generator's size, then more (other
 * seeds) while fewer than `minEvents` were counted, up to `maxSamples`.
 */
export function calibrate(now: number, horizonMs: number, seed: number, options: { minEvents?: number; maxSamples?: number } = {}): Calibration {
  const minEvents = options.minEvents ?? 1_000;
  const maxSamples = options.maxSamples ?? 5;
  const until = Math.min(now + horizonMs, windowAt(now).end);
  const samples = [sample(now, until, seed, MAX_CONVERSATIONS_PER_DAY)];
  const total = () =>
    samples.reduce(
      (sum, s) => ({ live: sum.live + s.live, history: sum.history + s.history, created: sum.created + s.created, cpd: sum.cpd + s.conversationsPerDay }),
      { live: 0, history: 0, created: 0, cpd: 0 },
    );
  while (total().live < minEvents && samples.length < maxSamples) samples.push(sample(now, until, seed + samples.length, MAX_CONVERSATIONS_PER_DAY));
  const { live, history, created, cpd } = total();
  return {
    perConversationPerDay: live / ((until - now) / 1000) / cpd,
    historyPerConversationPerDay: history / cpd,
    createdPerConversationPerDay: created / cpd,
    sampleEvents: live,
    samples: samples.length,
    horizonMs: until - now,
  };
}

export type ShardPlan = {
  /** Generators, with distinct seeds. */
  shards: number;
  /** Conversations a day of each generator. */
  conversationsPerDay: number;
  /** Lines sent per generated event: 1, or more when the rate needs more than the budgets allow. */
  copies: number;
  /** The rate the plan should give (below the requested one when MAX_COPIES caps it). */
  expectedRate: number;
  /** Which budget set the generated volume. */
  limitedBy: 'rate' | 'memory' | 'start-up' | 'generators';
};

/**
 * The heap (MB) the generators will hold per 1,000 conversations a day: from the conversations
 * the sample created when it covered the whole run, else the bound for `heldHours` into the
 * window (the window's age plus the duration; Infinity when unbounded).
 */
export function memoryPerThousand(calibration: Pick<Calibration, 'createdPerConversationPerDay'>, coversRun: boolean, heldHours: number): number {
  return coversRun ? calibration.createdPerConversationPerDay * KB_PER_CONVERSATION : generatorMemoryMb(heldHours);
}

/** The plan for `rate` events a second, given the heap (MB) generators hold per 1,000 conversations a day. */
export function planShards(rate: number, calibration: Pick<Calibration, 'perConversationPerDay' | 'historyPerConversationPerDay'>, memoryMbPerThousand: number): ShardPlan {
  // A sample without a single event: as quiet as it gets.
  const per = Math.max(calibration.perConversationPerDay, 1e-9);
  const needed = rate / per;
  const budgets: [ShardPlan['limitedBy'], number][] = [
    ['memory', memoryMbPerThousand > 0 ? (MEMORY_BUDGET_MB / memoryMbPerThousand) * 1_000 : Infinity],
    ['start-up', calibration.historyPerConversationPerDay > 0 ? WARMUP_BUDGET_EVENTS / calibration.historyPerConversationPerDay : Infinity],
    ['generators', MAX_SHARDS * MAX_CONVERSATIONS_PER_DAY],
  ];
  const [limit, budget] = budgets.reduce((a, b) => (b[1] < a[1] ? b : a));
  const copies = Math.min(MAX_COPIES, Math.max(1, Math.ceil(needed / budget)));
  const generated = Math.min(budget, needed / copies);
  const shards = Math.max(1, Math.ceil(generated / MAX_CONVERSATIONS_PER_DAY));
  const conversationsPerDay = generated / shards;
  const expectedRate = shards * conversationsPerDay * copies * calibration.perConversationPerDay;
  return { shards, conversationsPerDay, copies, expectedRate, limitedBy: copies > 1 ? limit : 'rate' };
}

/** The seed of shard `shard` in window `window`: distinct for every pair (distinct seeds give unrelated streams). */
export function shardSeed(seed: number, window: number, shard: number): number {
  return (seed + (window * 1_000 + shard) * 1_000_003) % 2_147_483_647;
}

/** When an event happened: conversation.updated_time (the envelope timestamp when absent). */
export function eventTime(envelope: { timestamp: number; data: { conversation: Record<string, unknown> } }): number {
  const updated = envelope.data.conversation.updated_time;
  const parsed = typeof updated === 'string' ? Date.parse(updated) : NaN;
  return Number.isNaN(parsed) ? envelope.timestamp : parsed;
}
