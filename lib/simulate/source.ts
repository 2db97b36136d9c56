/**
 * The live event stream: one or more generators ("shards", distinct seeds, one team), merged in
 * event-time order, renewed with new seeds when a window runs out.
 */
import { demoOrganisation, generateEvents, type DemoEnvelope } from '../demo/generator';
import { calibrate, eventTime, HOUR, memoryPerThousand, planShards, shardSeed, windowAt, type Calibration, type ShardPlan } from './calibrate';
import { CopiedSource } from './copies';
import type { PacedSource } from './pacer';
import { TEAM_SEED, teamRewriter } from './team';

type Shard = { events: Iterator<DemoEnvelope>; head: DemoEnvelope; time: number; toLine: (envelope: DemoEnvelope) => string };

/** Several generators' envelopes, by event time (each generator's own order kept: ties and late deliveries stay as delivered). */
export class MergedSource implements PacedSource {
  private heap: Shard[] = [];

  constructor(shards: { events: Iterable<DemoEnvelope>; toLine: (envelope: DemoEnvelope) => string }[]) {
    for (const { events, toLine } of shards) {
      const iterator = events[Symbol.iterator]();
      const first = iterator.next();
      if (!first.done) this.push({ events: iterator, head: first.value, time: eventTime(first.value), toLine });
    }
  }

  peekTime(): number | undefined {
    return this.heap[0]?.time;
  }

  skip(): void {
    this.advance();
  }

  take(): string {
    const top = this.heap[0];
    if (!top) throw new Error('take() on an exhausted source');
    const line = top.toLine(top.head);
    this.advance();
    return line;
  }

  private advance(): void {
    const top = this.heap[0];
    if (!top) return;
    const next = top.events.next();
    if (next.done) {
      const last = this.heap.pop()!;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.down(0);
      }
    } else {
      top.head = next.value;
      top.time = eventTime(next.value);
      this.down(0);
    }
  }

  private push(shard: Shard): void {
    const h = this.heap;
    h.push(shard);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.time <= h[i]!.time) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.time < h[m]!.time) m = l;
      if (r < h.length && h[r]!.time < h[m]!.time) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

export type WindowInfo = { index: number; now: number; start: number; end: number; calibration: Calibration; plan: ShardPlan; seeds: number[] };

/**
 * A generator window laid out for `rate` events a second at `now`: calibrated, split into shards,
 * every shard rewritten onto the first-run demo team, each event copied when the rate needs it.
 */
export function openWindow(options: { now: number; rate: number; seed: number; index: number; horizonMs: number; durationMs: number | null }): {
  source: PacedSource;
  info: WindowInfo;
} {
  const { now, rate, seed, index, horizonMs, durationMs } = options;
  const window = windowAt(now);
  const calibration = calibrate(now, horizonMs, shardSeed(seed, index, 999) ^ 0x5bd1e995);
  // How far into the window the generators will get: its age, the duration, a little for the start-up.
  const heldHours = (now - window.start + (durationMs ?? Infinity)) / HOUR + 0.1;
  const coversRun = durationMs !== null && durationMs <= calibration.horizonMs;
  const plan = planShards(rate, calibration, memoryPerThousand(calibration, coversRun, heldHours));
  const team = demoOrganisation({ seed: TEAM_SEED });
  const seeds = Array.from({ length: plan.shards }, (_, k) => {
    const s = shardSeed(seed, index, k);
    return s === TEAM_SEED ? s + 1 : s; // the demo history's own stream
  });
  const shards = seeds.map((s) => {
    const generator = { seed: s, days: window.days, end: window.end, conversationsPerDay: plan.conversationsPerDay };
    return { events: generateEvents(generator), toLine: teamRewriter(demoOrganisation({ seed: s }), team) };
  });
  const merged = new MergedSource(shards);
  const teamIds = new Set([team.appId, ...team.groups.map((g) => g.id), ...team.agents.map((a) => a.id), ...team.channels.map((c) => c.id)]);
  const source = plan.copies > 1 ? new CopiedSource(merged, plan.copies, teamIds, shardSeed(seed, index, 998)) : merged;
  return { source, info: { index, now, start: window.start, end: window.end, calibration, plan, seeds } };
}

/**
 * Windows one after another: when one runs out (its day is over), `renew()` opens the next at the
 * current time, with new seeds and a new calibration.
 */
export class WindowedSource implements PacedSource {
  private current: PacedSource;
  private index = 0;

  constructor(private readonly open: (index: number) => PacedSource) {
    this.current = open(0);
  }

  renew(): void {
    this.current = this.open(++this.index);
  }

  peekTime(): number | undefined {
    return this.current.peekTime();
  }

  skip(): void {
    this.current.skip();
  }

  take(): string {
    return this.current.take();
  }
}
