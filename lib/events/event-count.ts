import { eq, sql } from 'drizzle-orm';
import { prepareDirect, type Db, type DirectStatement } from '../../db/client';
import { counters } from '../../db/schema';

/**
 * How many events are stored, as a running total (`counters`, see db/schema.ts) rather than a
 * count: ingest adds what each transaction accepted, clearing the demo data subtracts what it
 * removed, both inside their own transactions, so the total is exact whenever they commit.
 * tests/health.test.ts checks it against count(*) after duplicates, rejections and a demo clear.
 */
const EVENTS = 'events';

export function storedEventCount(db: Db): number {
  return db.select({ value: counters.value }).from(counters).where(eq(counters.name, EVENTS)).get()?.value ?? 0;
}

const statements = new WeakMap<Db, DirectStatement<{ n: number }>>();

/** Adds `n` (negative to subtract) to the total, inside the caller's transaction (ingest's, on its hot path: prepareDirect). */
export function addToStoredEventCount(db: Db, n: number): void {
  if (n === 0) return;
  let statement = statements.get(db);
  if (!statement) {
    statement = prepareDirect(db, db.update(counters).set({ value: sql`${counters.value} + ${sql.placeholder('n')}` }).where(eq(counters.name, EVENTS)));
    statements.set(db, statement);
  }
  statement.run({ n });
}
