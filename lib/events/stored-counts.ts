import { eq, sql } from 'drizzle-orm';
import { prepareDirect, type Db, type DirectStatement } from '../../db/client';
import { counters, events } from '../../db/schema';

/**
 * What is stored, as running totals (`counters`, see db/schema.ts) rather than counts, for
 * /api/health. tests/health.test.ts checks both against count(*).
 * - events: ingest adds what each transaction accepted, clearing the demo data subtracts what it
 *   removed, both inside their own transactions, so the total is exact whenever they commit;
 * - conversations: kept by triggers on the table (drizzle/0013_conversation_count.sql).
 */
const EVENTS = 'events';
const CONVERSATIONS = 'conversations';

const counterValue = (db: Db, name: string) => db.select({ value: counters.value }).from(counters).where(eq(counters.name, name)).get()?.value ?? 0;

export const storedEventCount = (db: Db): number => counterValue(db, EVENTS);
export const storedConversationCount = (db: Db): number => counterValue(db, CONVERSATIONS);

/**
 * How many times projections were rebuilt without new events (`npm run db:reproject`, clearing the
 * demo data, derived rows brought up to date after an upgrade): a rebuild writes no event but new
 * rows (new rowids), which the figure caches must not mistake for the ones they read. Counted
 * inside the rebuild's transaction.
 */
const REBUILDS = 'projection-rebuilds';

export function countProjectionRebuild(db: Db): void {
  db.insert(counters)
    .values({ name: REBUILDS, value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .run();
}

/**
 * The greatest event id, the stored event count and the projection rebuilds, read in one statement
 * so all three describe the same commit (the figure caches' watermark:
 * lib/queries/range-cache/changed-conversations.ts).
 */
export function storedEventsMark(db: Db): { lastId: number; count: number; rebuilds: number } {
  const row = db
    .select({
      count: counters.value,
      lastId: sql<number | null>`(select max(${events.id}) from ${events})`,
      rebuilds: sql<number | null>`(select ${counters.value} from ${counters} where ${counters.name} = ${REBUILDS})`,
    })
    .from(counters)
    .where(eq(counters.name, EVENTS))
    .get();
  return { lastId: row?.lastId ?? 0, count: row?.count ?? 0, rebuilds: row?.rebuilds ?? 0 };
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
