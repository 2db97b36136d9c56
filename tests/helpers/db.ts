import Database from 'better-sqlite3';
import { getTableName } from 'drizzle-orm';
import { events, projectionTables } from '@/db/schema';

/** Reads a test server's database file directly (read-only), as a second process would. */
export function openReadOnly(databasePath: string): Database.Database {
  return new Database(databasePath, { readonly: true, fileMustExist: true });
}

export function rowCount(databasePath: string, table: string): number {
  const db = openReadOnly(databasePath);
  try {
    return (db.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Every projection table's rows, sorted, as comparable JSON. Event ids are replaced by the
 * event's dedupe key, so databases filled in different orders compare equal when their content is.
 */
export function projectionSnapshot(databasePath: string): Record<string, unknown[]> {
  const db = openReadOnly(databasePath);
  try {
    const keyOf = new Map<number, string>(
      (db.prepare('select id, dedupe_key from events').all() as { id: number; dedupe_key: string }[]).map((r) => [r.id, r.dedupe_key]),
    );
    const snapshot: Record<string, unknown[]> = {};
    for (const table of projectionTables) {
      const name = getTableName(table);
      const rows = (db.prepare(`select * from "${name}"`).all() as Record<string, unknown>[]).map((row) =>
        'event_id' in row ? { ...row, event_id: keyOf.get(row.event_id as number) } : row,
      );
      snapshot[name] = rows.map((row) => JSON.stringify(row)).sort().map((json) => JSON.parse(json));
    }
    return snapshot;
  } finally {
    db.close();
  }
}

/** A fingerprint of everything stored: raw events and projections. Equal before and after means "unchanged". */
export function storeFingerprint(databasePath: string): string {
  const db = openReadOnly(databasePath);
  try {
    const raw = db.prepare(`select dedupe_key from "${getTableName(events)}" order by id`).all();
    return JSON.stringify({ raw, projections: projectionSnapshot(databasePath) });
  } finally {
    db.close();
  }
}
