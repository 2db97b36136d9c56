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
 * The greatest event id and the stored event count, read in one statement so both describe the
 * same commit (the figure caches' watermark: lib/queries/range-cache/changed-conversations.ts).
 */
export function storedEventsMark(db: Db): { lastId: number; count: number } {
  const row = db
    .select({ count: counters.value, lastId: sql<number | null>`(select max(${events.id}) from ${events})` })
    .from(counters)
    .where(eq(counters.name, EVENTS))
    .get();
  return { lastId: row?.lastId ?? 0, count: row?.count ?? 0 };
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
