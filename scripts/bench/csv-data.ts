/**
 * A large database for the CSV export benchmark (and the HTTP tests of exports in progress),
 * made fast: a base of generated conversations through the real ingest path, then copies of their
 * `conversations` rows under new ids until the wanted count is reached. Ingesting a million
 * conversations event by event would take the better part of an hour on a small machine; the
 * conversations report reads only the `conversations` row and three names, so copies are
 * equivalent for it (same column values, same channels, groups and agents).
 *
 * Bench tooling: the copy is one SQLite statement (a recursive CTE), not app code.
 */
import { performance } from 'node:perf_hooks';
import { getTableColumns } from 'drizzle-orm';
import { openDatabase, type Db } from '../../db/client';
import { conversations } from '../../db/schema';
import { loadDemoData } from '../../lib/demo/demo-data';

export const BASE_END = Date.parse('2026-10-29T00:00:00Z');

/** Inserts `copies` copies of every conversation row, each with the id `<id>~<n>`. Returns the rows added. */
export function copyConversations(db: Db, copies: number): number {
  if (copies <= 0) return 0;
  const columns = Object.values(getTableColumns(conversations)).map((column) => `"${column.name}"`);
  const select = columns.map((name) => (name === '"conversation_id"' ? `"conversation_id" || '~' || copy.n` : name));
  return db.$client
    .prepare(
      `with recursive copy(n) as (select 1 union all select n + 1 from copy where n < ?)
       insert into conversations (${columns.join(', ')}) select ${select.join(', ')} from conversations, copy`,
    )
    .run(copies).changes;
}

export type FillResult = { conversations: number; generated: number; events: number; generateSeconds: number; copySeconds: number };

/**
 * About `total` conversations (exactly `total` when it is a multiple of the generated base), in
 * four weeks ending 2026-10-29: a generated base of up to `base` conversations, then copies.
 */
export function fillReportDatabase(databasePath: string, total: number, options: { base?: number; log?: (line: string) => void } = {}): FillResult {
  const db = openDatabase(databasePath);
  try {
    const days = 28;
    const base = Math.min(total, options.base ?? 10_000);
    let started = performance.now();
    const loaded = loadDemoData(db, { seed: 5, days, conversationsPerDay: base / days, end: BASE_END }, undefined);
    const generateSeconds = (performance.now() - started) / 1000;
    options.log?.(`generated ${loaded.conversations} conversations (${loaded.accepted} events) in ${generateSeconds.toFixed(1)} s`);
    started = performance.now();
    const copies = Math.max(0, Math.round(total / loaded.conversations) - 1);
    const added = copyConversations(db, copies);
    const copySeconds = (performance.now() - started) / 1000;
    options.log?.(`copied them ${copies} times (${added} rows) in ${copySeconds.toFixed(1)} s`);
    return { conversations: loaded.conversations + added, generated: loaded.conversations, events: loaded.accepted, generateSeconds, copySeconds };
  } finally {
    db.$client.close();
  }
}
