/**
 * Which cached days held a changed conversation, for tables whose rows can move to other days: each
 * day keeps, per row, a 32-bit hash of its conversation id (or the conversation's rowid), searched
 * for those of the changed conversations. Two ids with one hash only make a day be read again for
 * nothing.
 */

/** FNV-1a over the id's UTF-16 code units. */
export function hashId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

export function hashIds(ids: readonly string[]): Int32Array {
  const out = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = hashId(ids[i]!);
  return out;
}

const sortedCopies = new WeakMap<Int32Array | Float64Array, Int32Array | Float64Array>();

/**
 * Whether `column` (a day's column of conversation hashes or rowids, one per row) holds any of
 * `wanted`: binary search in a sorted copy made once per day.
 */
function holdsAny<T extends Int32Array | Float64Array>(column: T, wanted: ArrayLike<number>): boolean {
  let sorted = sortedCopies.get(column);
  if (!sorted) sortedCopies.set(column, (sorted = column.slice().sort()));
  const list = sorted;
  for (let w = 0; w < wanted.length; w++) {
    const value = wanted[w]!;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] === value) return true;
      if (list[mid]! < value) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return false;
}

/** Beyond this many changed conversations, a table drops every cached day rather than search them. */
export const SEARCHED = 2_000;

/**
 * The days a table whose rows can move must drop (CachedTable.daysOf): `now`, the days the changed
 * conversations' rows are on now, and every cached day whose `column` (hashes or rowids) holds one
 * of `wanted`, theirs.
 */
export function withDaysHolding<P>(now: Iterable<number>, cached: ReadonlyMap<number, P>, column: (rows: P) => Int32Array | Float64Array, wanted: ArrayLike<number>): Set<number> {
  const days = new Set(now);
  for (const [day, rows] of cached) if (!days.has(day) && holdsAny(column(rows), wanted)) days.add(day);
  return days;
}
