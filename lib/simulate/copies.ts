/**
 * Copies of each generated event, with fresh conversation, user and message ids: the same idea
 * as the benchmark's envelope factory (scripts/bench/events.ts).
 *
 * Needed for rates above what the generators can hold in memory, or build quickly enough at the
 * start (calibrate.ts: a generator builds every envelope of a conversation's life when the
 * conversation starts and keeps the future ones until they are due). Copy k > 0 of a
 * conversation is a different conversation (every id that is not the team's is rewritten, the
 * same way in all its events) with the same life, at the same times.
 */
import type { PacedSource } from './pacer';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * Copy `k` of an id: the last 48 bits XORed with a per-copy mask. One-to-one for each copy, and
 * different copies of one id differ, so copies never collide with each other or with originals
 * (short of two ids sharing their first 80 bits).
 */
export function copyId(id: string, mask: readonly [number, number]): string {
  const hi = (parseInt(id.slice(24, 30), 16) ^ mask[0]) >>> 0;
  const lo = (parseInt(id.slice(30, 36), 16) ^ mask[1]) >>> 0;
  return `${id.slice(0, 24)}${hi.toString(16).padStart(6, '0')}${lo.toString(16).padStart(6, '0')}`;
}

/** The masks of copies 1…count-1 (copy 0 is the original), distinct and non-zero, from `seed`. */
export function copyMasks(count: number, seed: number): [number, number][] {
  const masks: [number, number][] = [[0, 0]];
  const seen = new Set<string>(['0:0']);
  let state = seed >>> 0 || 1;
  const next = () => {
    // xorshift32: enough to spread masks; distinctness is checked.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state & 0xffffff;
  };
  while (masks.length < count) {
    const mask: [number, number] = [next(), next()];
    const key = `${mask[0]}:${mask[1]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    masks.push(mask);
  }
  return masks;
}

/** Every event of `inner` as `count` lines: the original, then copies with fresh ids (ids in `keep` stay). */
export class CopiedSource implements PacedSource {
  private readonly masks: [number, number][];
  /** The event being copied (already taken from `inner`), or null. */
  private base: { line: string; time: number } | null = null;
  /** Which copy of the current event comes next. */
  private next = 0;

  constructor(
    private readonly inner: PacedSource,
    readonly count: number,
    private readonly keep: ReadonlySet<string>,
    seed: number,
  ) {
    this.masks = copyMasks(count, seed);
  }

  peekTime(): number | undefined {
    return this.base ? this.base.time : this.inner.peekTime();
  }

  skip(): void {
    // Skipping needs no serialising: the event stays in `inner` until its last copy is gone.
    if (!this.base && this.next === this.count - 1) {
      this.inner.skip();
      this.next = 0;
      return;
    }
    this.advance();
  }

  take(): string {
    if (!this.base) {
      const time = this.inner.peekTime()!;
      const line = this.inner.take();
      if (this.count === 1) return line;
      this.base = { line, time };
    }
    const mask = this.masks[this.next]!;
    const line = this.next === 0 ? this.base.line : this.base.line.replace(UUID, (id) => (this.keep.has(id) ? id : copyId(id, mask)));
    this.advance();
    return line;
  }

  private advance(): void {
    this.next++;
    if (this.next >= this.count) {
      this.next = 0;
      this.base = null;
    }
  }
}
