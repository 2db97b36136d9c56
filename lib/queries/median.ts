import { and, asc, count, isNotNull, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client';
import { conversations } from '../../db/schema';

/**
 * The exact median of a conversation column over the matching rows (the mean of the two middle
 * values when their number is even), or null when no row has a value.
 */
export function medianOf(db: Db, column: AnySQLiteColumn, where: SQL | undefined): number | null {
  const condition = and(where, isNotNull(column));
  const n = db.select({ n: count() }).from(conversations).where(condition).get()?.n ?? 0;
  if (n === 0) return null;
  const middle = db
    .select({ value: column })
    .from(conversations)
    .where(condition)
    .orderBy(asc(column))
    .limit(n % 2 === 0 ? 2 : 1)
    .offset(Math.floor((n - 1) / 2))
    .all()
    .map((row) => Number(row.value));
  return middle.reduce((sum, value) => sum + value, 0) / middle.length;
}
