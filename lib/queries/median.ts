/**
 * Exact percentiles, one definition everywhere: linear interpolation
 * between the closest ranks (Hyndman & Fan type 7, numpy's and Excel PERCENTILE.INC's default).
 * Over n sorted values x[0..n-1], the p-th percentile sits at position h = (n − 1)·p and is
 * x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). The median (p = 0.5) is the middle value, or the mean of
 * the two middle values when n is even. Missing values are left out.
 */

/** Percentiles are handled as whole per-mille so the rank arithmetic is exact integer arithmetic. */
const perMille = (p: number) => {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile ${p} is outside 0…1`);
  return Math.round(p * 1000);
};

/** Where the p-th percentile of n values sits: the 0-based rank below it and how far towards the next. */
export function percentileRank(n: number, p: number): { lower: number; fraction: number } {
  const scaled = (n - 1) * perMille(p);
  const lower = Math.floor(scaled / 1000);
  return { lower, fraction: (scaled - lower * 1000) / 1000 };
}

/** The value `fraction` of the way from a to b; halfway is written (a + b) / 2, the median's usual form. */
export function interpolate(a: number, b: number | undefined, fraction: number): number {
  if (fraction === 0 || b === undefined) return a;
  return fraction === 0.5 ? (a + b) / 2 : a + fraction * (b - a);
}

/** The p-th percentile of values already sorted ascending, or null when there are none. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const { lower, fraction } = percentileRank(sorted.length, p);
  return interpolate(sorted[lower]!, sorted[lower + 1], fraction);
}

export type Summary = { n: number; mean: number | null; median: number | null; p90: number | null };
export const EMPTY_SUMMARY: Summary = { n: 0, mean: null, median: null, p90: null };

/**
 * Count, mean, median and p90 of values read in one scan (nulls left out): a page that needs
 * fourteen summaries reads the rows once and computes them here, rather than asking the database
 * for a sorted pass per figure.
 */
export function summariseValues(values: readonly (number | null | undefined)[]): Summary {
  return summariseNumbers(numbersOf(values));
}

/**
 * Values as a typed array, missing ones (null, undefined) as NaN. A plain loop: `Float64Array.from`
 * with a mapping function calls it per element and cost a page 100 ms per million values.
 */
export function numbersOf(values: readonly (number | null | undefined)[]): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    out[i] = value === null || value === undefined ? NaN : value;
  }
  return out;
}

/** The indexes 0 … n−1 grouped by `keyOf(index)`, in order within each group: the rows of each key, for summariseAt. */
export function indexesByKey<K>(n: number, keyOf: (index: number) => K): Map<K, number[]> {
  const grouped = new Map<K, number[]>();
  for (let i = 0; i < n; i++) {
    const k = keyOf(i);
    const list = grouped.get(k);
    if (list) list.push(i);
    else grouped.set(k, [i]);
  }
  return grouped;
}

/** summariseNumbers of `values[indexes[0]], values[indexes[1]], …`, gathering the present ones once (no second copy). */
export function summariseAt(values: Float64Array, indexes: ArrayLike<number>): Summary {
  const present = new Float64Array(indexes.length);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < indexes.length; i++) {
    const value = values[indexes[i]!]!;
    if (value !== value) continue;
    present[n++] = value;
    sum += value;
  }
  return summarisePresent(present.subarray(0, n), sum);
}

/**
 * The same over a typed array, where NaN marks a missing value. The two percentiles need only the
 * values at four ranks, found by selection (linear time) rather than a full sort: a page computes
 * dozens of these over up to a hundred thousand values.
 */
export function summariseNumbers(values: Float64Array): Summary {
  const present = new Float64Array(values.length);
  let n = 0;
  let sum = 0;
  for (const value of values) {
    if (Number.isNaN(value)) continue;
    present[n++] = value;
    sum += value;
  }
  return summarisePresent(present.subarray(0, n), sum);
}

/** The summary of values without NaN whose sum is `sum` (in their order), reordering them in place: a caller's own scratch array. */
export function summarisePresent(values: Float64Array, sum: number): Summary {
  const n = values.length;
  if (n === 0) return EMPTY_SUMMARY;
  const [median, p90] = percentilesOf(values, [0.5, 0.9]);
  return { n, mean: sum / n, median: median!, p90: p90! };
}

/** The median of values without NaN, reordered in place (the caller's own scratch array); null when empty. */
export function medianInPlace(values: Float64Array): number | null {
  return values.length === 0 ? null : percentilesOf(values, [0.5])[0]!;
}

/**
 * Percentiles of values without NaN (reordered in place). Large arrays are first counted into
 * 65,536 buckets by the top 16 bits of each value's order-preserving bit pattern (sign, exponent
 * and 4 bits of mantissa: buckets a sixteenth of an octave wide), which places every rank wanted in
 * a bucket; only those buckets' values are then selected among. Two passes of plain arithmetic,
 * where selection over the whole array reorders it once per percentile (a month of a large team:
 * 14 summaries of 82k values each). Exact either way; small arrays go straight to selection.
 */
function percentilesOf(values: Float64Array, ps: readonly number[]): number[] {
  const n = values.length;
  if (n < BUCKETED_FROM) return ps.map((p) => percentileBySelection(values, p));
  // Counters are all zero between calls; only the buckets met (from `low` to `high`: a few hundred
  // for times spread over a few decades) are read and cleared again, not all 65,536.
  const counts = bucketCounts;
  let low = 0xffff;
  let high = 0;
  for (let i = 0; i < n; i++) {
    const b = bucketOf(values[i]!);
    counts[b]! += 1;
    if (b < low) low = b;
    if (b > high) high = b;
  }
  // Per percentile, the ranks it needs (lower, and lower + 1 to interpolate towards), and their buckets.
  const needs = ps.map((p) => {
    const { lower, fraction } = percentileRank(n, p);
    return { lower, fraction, ranks: fraction === 0 || lower + 1 >= n ? [lower] : [lower, lower + 1] };
  });
  const ranks = [...new Set(needs.flatMap((need) => need.ranks))].sort((a, b) => a - b);
  const bucketStart = new Map<number, number>(); // bucket → rank of its first value
  let r = 0;
  for (let b = low, before = 0; b <= high && r < ranks.length; b++) {
    const c = counts[b]!;
    while (r < ranks.length && ranks[r]! < before + c) {
      bucketStart.set(b, before);
      r++;
    }
    before += c;
  }
  // The wanted buckets' values, bucket by bucket in order, each run selected in on its own.
  const wanted = [...bucketStart.keys()].sort((a, b) => a - b);
  const offsets = new Map<number, number>();
  let size = 0;
  for (const b of wanted) {
    offsets.set(b, size);
    size += counts[b]!;
  }
  const gathered = new Float64Array(size);
  // Where the next value of each bucket goes: counts is reused (the wanted buckets' write
  // positions, -1 elsewhere), so the pass over the values looks up no Map.
  counts.fill(-1, low, high + 1);
  for (const b of wanted) counts[b] = offsets.get(b)!;
  for (let i = 0; i < n; i++) {
    const b = bucketOf(values[i]!);
    const at = counts[b]!;
    if (at < 0) continue;
    gathered[at] = values[i]!;
    counts[b] = at + 1;
  }
  const sizes = new Map(wanted.map((b) => [b, counts[b]! - offsets.get(b)!]));
  counts.fill(0, low, high + 1);
  const valueAt = (rank: number): number => {
    const b = wanted.findLast((bucket) => bucketStart.get(bucket)! <= rank)!;
    const run = gathered.subarray(offsets.get(b)!, offsets.get(b)! + sizes.get(b)!);
    return select(run, rank - bucketStart.get(b)!);
  };
  return needs.map(({ lower, fraction, ranks: [a, b] }) => interpolate(valueAt(a!), b === undefined ? undefined : valueAt(b), fraction));
}

const BUCKETED_FROM = 4_096;
const bucketCounts = new Int32Array(0x10000);
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // the word holding sign and exponent

/** The top 16 bits of the value's bits made to sort as the numbers do (negatives flipped, positives' sign set). */
function bucketOf(value: number): number {
  bits[0] = value;
  const high = words[HIGH]!;
  return (high & 0x80000000 ? ~high : high | 0x80000000) >>> 16;
}

/** percentileOfSorted's value, from unsorted values (reordered in place). */
function percentileBySelection(values: Float64Array, p: number): number {
  const { lower, fraction } = percentileRank(values.length, p);
  const a = select(values, lower);
  if (fraction === 0 || lower + 1 >= values.length) return a;
  // After selection everything right of `lower` is ≥ it: the next rank is their minimum.
  let b = Infinity;
  for (let i = lower + 1; i < values.length; i++) if (values[i]! < b) b = values[i]!;
  return interpolate(a, b, fraction);
}

/** The k-th smallest value (0-based); `values` is partitioned around it (Hoare's quickselect, median-of-three pivots). */
function select(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const middle = (left + right) >> 1;
    const [x, y, z] = [values[left]!, values[middle]!, values[right]!];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k]!;
}
