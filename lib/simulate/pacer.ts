/**
 * Wall-clock pacing. Pure: the caller passes the time in, so tests drive it with a fake clock.
 *
 * Each tick sends, in source order, the events that are due (event time <= now), at most
 * 2 × rate × (time since the previous tick) of them: when the source is ahead of the clock the
 * tick sends nothing more and waits; when it is behind (a burst, a slow server) it catches up at
 * up to twice the rate. Events more than `staleMs` behind the clock, or from before the start,
 * are skipped: they are history, not live.
 */

/** Events in time order (mostly: a few late deliveries come out of order). */
export interface PacedSource {
  /** The next event's time (epoch ms), or undefined when there is none. */
  peekTime(): number | undefined;
  /** Drops the next event. */
  skip(): void;
  /** Removes the next event and returns it as an NDJSON line. */
  take(): string;
}

export type PacerOptions = {
  /** Events per second. */
  rate: number;
  /** The tick interval; the per-tick cap never uses less than this. */
  batchMs: number;
  /** Events this far behind the clock are skipped rather than sent late. */
  staleMs: number;
  /** Events from before this moment are never sent. */
  startAt: number;
};

export type Tick = {
  lines: string[];
  /** Events dropped as stale during this tick. */
  skipped: number;
  /** Why the tick stopped: the next event is in the future, the cap was reached, or nothing is left. */
  stop: 'ahead' | 'capped' | 'exhausted';
  /** How far behind the clock the next event is when capped (ms), else 0. */
  lagMs: number;
};

export const DEFAULT_STALE_MS = 3 * 60_000;

export class Pacer {
  private lastTick: number;
  private startAt: number;

  constructor(
    private readonly source: PacedSource,
    private readonly options: PacerOptions,
  ) {
    this.lastTick = options.startAt;
    this.startAt = options.startAt;
  }

  /** Nothing from before `at` is sent from now on (a new window's history). */
  resync(at: number): void {
    this.startAt = Math.max(this.startAt, at);
  }

  /** The most a tick `elapsedMs` after the previous one may send: twice the rate. */
  capFor(elapsedMs: number): number {
    return Math.max(1, Math.ceil(this.options.rate * (Math.max(elapsedMs, this.options.batchMs) / 1000) * 2));
  }

  tick(now: number): Tick {
    const cap = this.capFor(now - this.lastTick);
    this.lastTick = now;
    const staleBefore = Math.max(this.startAt, now - this.options.staleMs);
    const lines: string[] = [];
    let skipped = 0;
    for (;;) {
      const time = this.source.peekTime();
      if (time === undefined) return { lines, skipped, stop: 'exhausted', lagMs: 0 };
      if (time > now) return { lines, skipped, stop: 'ahead', lagMs: 0 };
      if (time < staleBefore) {
        this.source.skip();
        skipped++;
        continue;
      }
      if (lines.length >= cap) return { lines, skipped, stop: 'capped', lagMs: now - time };
      lines.push(this.source.take());
    }
  }
}

/**
 * Skips the source's history (events before `until`), yielding to the event loop every
 * `sliceMs` so signals are handled; stops early when `stopped()` says so. Returns the count.
 */
export async function skipHistory(
  source: PacedSource,
  until: () => number,
  options: { sliceMs?: number; stopped?: () => boolean; onProgress?: (skipped: number) => void } = {},
): Promise<number> {
  const sliceMs = options.sliceMs ?? 50;
  let skipped = 0;
  for (;;) {
    const limit = until();
    const sliceEnd = performance.now() + sliceMs;
    let time: number | undefined;
    // At least 100 events a slice, whatever the clock says: progress is guaranteed.
    do {
      for (let i = 0; i < 100 && (time = source.peekTime()) !== undefined && time < limit; i++) {
        source.skip();
        skipped++;
      }
      time = source.peekTime();
    } while (time !== undefined && time < limit && performance.now() < sliceEnd);
    options.onProgress?.(skipped);
    if (time === undefined || time >= limit || options.stopped?.()) return skipped;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
