/**
 * `npm run db:compact`: rewrites DATABASE_URL's file with its tables and indexes each in one run
 * of pages (db/client.ts: compactDatabase), so that the first view of a long range after a restart
 * reads them from disk in long runs instead of page by page. Run it with the dashboard stopped:
 * while anything else has the database open it says so and changes nothing (exit 1).
 */
import fs from 'node:fs';
import path from 'node:path';
import { compactDatabase, setBusyTimeout } from '../db/client';
import { configOrExit, databaseMustExist, openDatabaseOrExit } from './config-or-exit';

const { databasePath } = configOrExit();
// Before the free space is measured from its size.
databaseMustExist(databasePath);
const sizeOf = () => ['', '-wal'].reduce((sum, suffix) => sum + (fs.statSync(databasePath + suffix, { throwIfNoEntry: false })?.size ?? 0), 0);
const before = sizeOf();
// VACUUM writes a compacted copy to the temporary folder, then copies it back under a rollback
// journal beside the database: up to the database's size in each, twice that on one disk.
const temporary = process.env.SQLITE_TMPDIR ?? process.env.TMPDIR ?? '/tmp';
const needs = new Map<number, { folder: string; bytes: number }>();
for (const folder of [path.dirname(databasePath), temporary]) {
  const device = fs.statSync(folder).dev;
  needs.set(device, { folder, bytes: (needs.get(device)?.bytes ?? 0) + before });
}
for (const { folder, bytes } of needs.values()) {
  const { bavail, bsize } = fs.statfsSync(folder);
  if (bavail * bsize < bytes) {
    console.error(`not enough free space for ${folder}: ${mb(bavail * bsize)} free, compacting a database of ${mb(before)} needs about ${mb(bytes)} there (a copy in the temporary folder, a journal beside the database); nothing was changed`);
    process.exit(1);
  }
}
const db = openDatabaseOrExit(databasePath);
// Fail at once rather than after the usual 5 s when the dashboard holds the database.
setBusyTimeout(db, 100);
const started = performance.now();
console.log(`compacting ${databasePath} (${mb(before)})…`);
const done = compactDatabase(db);
db.$client.close();
if (!done) {
  console.error('the database is open elsewhere (is the dashboard running?): stop it, then run this again; nothing was changed');
  process.exit(1);
}
console.log(`compacted in ${((performance.now() - started) / 1000).toFixed(1)} s: ${mb(before)} → ${mb(sizeOf())}`);

function mb(bytes: number): string {
  if (bytes < 1e6) return `${Math.ceil(bytes / 1e3).toLocaleString('en')} kB`;
  return `${(bytes / 1e6).toLocaleString('en', { maximumFractionDigits: 0 })} MB`;
}
