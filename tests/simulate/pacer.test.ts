import { describe, expect, it } from 'vitest';
import { CopiedSource } from '@/lib/simulate/copies';
import { DEFAULT_STALE_MS, Pacer, skipHistory, type PacedSource } from '@/lib/simulate/pacer';

/** Events at the given times, as lines "e<i>@<time>", in the given (delivery) order. */
class ListSource implements PacedSource {
  private i = 0;
  constructor(private readonly times: number[]) {}
  peekTime() {
    return this.times[this.i];
  }
  skip() {
    this.i++;
  }
  take() {
    const line = `e${this.i}@${this.times[this.i]}`;
    this.i++;
    return line;
  }
}

const T0 = 1_800_000_000_000;
/** `count` events evenly spread: one every 1000/perSecond ms from `from`. */
const steady = (from: number, perSecond: number, count: number) => Array.from({ length: count }, (_, i) => from + Math.floor((i * 1000) / perSecond));

/** Runs the pacer on a fake clock: a tick every `batchMs` from `from` to `to`; returns lines sent per tick. */
function drive(pacer: Pacer, from: number, to: number, batchMs = 200): number[] {
  const sent: number[] = [];
  for (let now = from + batchMs; now <= to; now += batchMs) sent.push(pacer.tick(now).lines.length);
  return sent;
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('pacer (fake clock)', () => {
  it('sends what is due, in source order, and waits while the source is ahead of the clock', () => {
    const source = new ListSource([T0 + 100, T0 + 150, T0 + 900, T0 + 5_000]);
    const pacer = new Pacer(source, { rate: 10, batchMs: 200, staleMs: DEFAULT_STALE_MS, startAt: T0 });
    expect(pacer.tick(T0 + 50)).toEqual({ lines: [], skipped: 0, stop: 'ahead', lagMs: 0 });
    expect(pacer.tick(T0 + 200).lines).toEqual([`e0@${T0 + 100}`, `e1@${T0 + 150}`]);
    expect(pacer.tick(T0 + 400)).toMatchObject({ lines: [], stop: 'ahead' });
    expect(pacer.tick(T0 + 1_000).lines).toEqual([`e2@${T0 + 900}`]);
    expect(pacer.tick(T0 + 4_999).lines).toEqual([]);
    expect(pacer.tick(T0 + 5_000)).toMatchObject({ lines: [`e3@${T0 + 5_000}`], stop: 'exhausted' });
  });

  it('never sends more than rate × interval × 2 in a tick, and catches up at that pace', () => {
    // 100 events all due at once, rate 10/s, a tick every 200 ms: at most 4 a tick.
    const source = new ListSource(Array.from({ length: 100 }, () => T0 + 10));
    const pacer = new Pacer(source, { rate: 10, batchMs: 200, staleMs: DEFAULT_STALE_MS, startAt: T0 });
    const first = pacer.tick(T0 + 200);
    expect(first.lines).toHaveLength(4);
    expect(first).toMatchObject({ stop: 'capped', lagMs: 190 });
    // Catching up: 20 events a second (twice the rate) until the backlog is gone.
    const perTick = drive(pacer, T0 + 200, T0 + 5_200);
    expect(perTick.every((n) => n <= 4)).toBe(true);
    expect(sum(perTick)).toBe(96);
    expect(perTick.slice(0, 10).every((n) => n === 4)).toBe(true);
  });

  it('widens the cap when a tick comes late (a slow request), never narrows it below one interval', () => {
    const pacer = new Pacer(new ListSource([]), { rate: 50, batchMs: 200, staleMs: DEFAULT_STALE_MS, startAt: T0 });
    expect(pacer.capFor(200)).toBe(20);
    expect(pacer.capFor(50)).toBe(20);
    expect(pacer.capFor(1_000)).toBe(100);
    expect(new Pacer(new ListSource([]), { rate: 0.5, batchMs: 200, staleMs: 1, startAt: T0 }).capFor(200)).toBe(1);
  });

  it('holds the requested rate over a simulated minute when the source runs at it', () => {
    const source = new ListSource(steady(T0, 50, 50 * 70));
    const pacer = new Pacer(source, { rate: 50, batchMs: 200, staleMs: DEFAULT_STALE_MS, startAt: T0 });
    const perTick = drive(pacer, T0, T0 + 60_000);
    expect(sum(perTick)).toBeGreaterThanOrEqual(2_999);
    expect(sum(perTick)).toBeLessThanOrEqual(3_001);
    expect(Math.max(...perTick)).toBeLessThanOrEqual(11);
  });

  it('limits a burst to twice the rate, then settles back', () => {
    // 10 s at five times the rate, then the rate: the burst goes out at 2× and the excess arrives late.
    const times = [...steady(T0, 250, 2_500), ...steady(T0 + 10_000, 50, 50 * 50)];
    const pacer = new Pacer(new ListSource(times), { rate: 50, batchMs: 200, staleMs: DEFAULT_STALE_MS, startAt: T0 });
    const perTick = drive(pacer, T0, T0 + 60_000);
    const perSecond = Array.from({ length: 60 }, (_, s) => sum(perTick.slice(s * 5, s * 5 + 5)));
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(100);
    expect(perSecond.slice(0, 10).every((n) => n === 100)).toBe(true);
    // The backlog (2,500 - 1,000 sent during the burst) drains at +50/s on top of the steady 50/s: 30 s.
    expect(sum(perSecond)).toBe(2_500 + 50 * 50);
    for (const n of perSecond.slice(45)) expect(Math.abs(n - 50)).toBeLessThanOrEqual(1);
  });

  it('skips events from before the start, and events more than staleMs behind the clock', () => {
    const source = new ListSource([T0 - 60_000, T0 - 1, T0 + 10, T0 + 20, T0 + 30]);
    const pacer = new Pacer(source, { rate: 1, batchMs: 200, staleMs: 1_000, startAt: T0 });
    // Rate 1: one event a tick; the last one falls more than 1 s behind and is dropped.
    expect(pacer.tick(T0 + 200)).toMatchObject({ lines: [`e2@${T0 + 10}`], skipped: 2, stop: 'capped' });
    expect(pacer.tick(T0 + 400)).toMatchObject({ lines: [`e3@${T0 + 20}`], skipped: 0 });
    expect(pacer.tick(T0 + 1_231)).toMatchObject({ lines: [], skipped: 1, stop: 'exhausted' });
  });

  it('does not send a new window’s history after resync', () => {
    const source = new ListSource([T0 + 100, T0 + 5_000, T0 + 9_000]);
    const pacer = new Pacer(source, { rate: 100, batchMs: 200, staleMs: DEFAULT_STALE_MS, startAt: T0 });
    pacer.resync(T0 + 8_000);
    expect(pacer.tick(T0 + 9_000)).toMatchObject({ lines: [`e2@${T0 + 9_000}`], skipped: 2 });
  });

  it('skipHistory drops everything before the clock, in slices', async () => {
    const source = new ListSource([...steady(T0 - 10_000, 100, 1_000), T0 + 1, T0 + 2]);
    let slices = 0;
    const skipped = await skipHistory(source, () => T0, { sliceMs: 0, onProgress: () => slices++ });
    expect(skipped).toBe(1_000);
    expect(source.peekTime()).toBe(T0 + 1);
    expect(slices).toBeGreaterThan(1);
    // Stopping early leaves the rest.
    const other = new ListSource(steady(T0 - 10_000, 100, 1_000));
    expect(await skipHistory(other, () => T0, { sliceMs: 0, stopped: () => true })).toBeLessThan(1_000);
  });
});

describe('copies', () => {
  const TEAM = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
  const CONV = '12345678-1234-4234-9234-123456789abc';
  class OneEvent implements PacedSource {
    private left = 2;
    peekTime() {
      return this.left > 0 ? T0 + (2 - this.left) : undefined;
    }
    skip() {
      this.left--;
    }
    take() {
      this.left--;
      return JSON.stringify({ conversation_id: CONV, agent: TEAM });
    }
  }

  it('sends each event as N lines: the original, then copies with fresh ids (team ids kept), all at its time', () => {
    const source = new CopiedSource(new OneEvent(), 3, new Set([TEAM]), 42);
    const pacer = new Pacer(source, { rate: 1_000, batchMs: 200, staleMs: DEFAULT_STALE_MS, startAt: T0 });
    const lines = pacer.tick(T0 + 10).lines.map((l) => JSON.parse(l));
    expect(lines).toHaveLength(6);
    expect(lines[0]).toEqual({ conversation_id: CONV, agent: TEAM });
    expect(lines.every((l) => l.agent === TEAM)).toBe(true);
    const ids = lines.map((l) => l.conversation_id);
    expect(new Set(ids.slice(0, 3)).size).toBe(3);
    // The same conversation gets the same copy ids in every event.
    expect(ids.slice(3)).toEqual(ids.slice(0, 3));
    for (const id of ids) expect(id).toMatch(/^12345678-1234-4234-9234-[0-9a-f]{12}$/);
  });

  it('skips all copies of a stale event without serialising it', () => {
    const source = new CopiedSource(new OneEvent(), 4, new Set([TEAM]), 1);
    const pacer = new Pacer(source, { rate: 1_000, batchMs: 200, staleMs: DEFAULT_STALE_MS, startAt: T0 + 1 });
    expect(pacer.tick(T0 + 10)).toMatchObject({ skipped: 4, stop: 'exhausted' });
  });
});
