import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '@/db/client';
import { reprojectAll } from '@/lib/projection/reproject';
import { projectionSnapshot } from './db';
import { tempDir } from './temp';

/**
 * The projections a fresh reprojection of the raw events gives: a consistent copy of the live
 * database (SQLite's backup, safe while the server runs), rebuilt with lib/projection/reproject.ts.
 */
export async function reprojectedSnapshot(databasePath: string): Promise<Record<string, unknown[]>> {
  const copy = path.join(tempDir('reproject'), 'copy.db');
  const source = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    await source.backup(copy);
  } finally {
    source.close();
  }
  const db = openDatabase(copy, { migrate: false });
  try {
    const summary = reprojectAll(db);
    if (summary.unreadable.length > 0) throw new Error(`stored events that no longer validate: ${JSON.stringify(summary.unreadable.slice(0, 3))}`);
  } finally {
    db.$client.close();
  }
  return projectionSnapshot(copy);
}
