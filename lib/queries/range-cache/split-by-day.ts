import { DAY_MS, type DayRows } from './day-partitions';

type Column = Float64Array | Float32Array | Int32Array | Uint16Array | Uint8Array;
type Columns = DayRows & { at: Float64Array };

/**
 * Rows read for a run of days, split into one set of columns per UTC day of `at` (each row's time
 * in the table's range column), in their order. `ofSize(n)` makes empty columns for n rows: every
 * set then has the same shape, which keeps the scans over them fast.
 */
export function splitByDay<C extends Columns>(read: C, ofSize: (n: number) => C): Map<number, C> {
  const { at } = read;
  const n = at.length;
  const dayOf = new Int32Array(n);
  const sizes = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const day = Math.floor(at[i]! / DAY_MS);
    dayOf[i] = day;
    sizes.set(day, (sizes.get(day) ?? 0) + 1);
  }
  const names = (Object.keys(read) as (keyof C & string)[]).filter((name) => ArrayBuffer.isView(read[name]));
  const sources = names.map((name) => read[name] as unknown as Column);
  const byDay = new Map<number, { columns: C; targets: Column[]; filled: number }>();
  for (const [day, size] of sizes) {
    const columns = ofSize(size);
    byDay.set(day, { columns, targets: names.map((name) => columns[name] as unknown as Column), filled: 0 });
  }
  for (let i = 0; i < n; i++) {
    const target = byDay.get(dayOf[i]!)!;
    const j = target.filled++;
    for (let k = 0; k < sources.length; k++) target.targets[k]![j] = sources[k]![i]!;
  }
  return new Map([...byDay].map(([day, { columns }]) => [day, columns]));
}
