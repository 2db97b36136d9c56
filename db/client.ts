import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { is, Param, Placeholder, sql, type SQL } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { config } from '../lib/config';
import { ensureDerived } from '../lib/projection/derived';
import * as schema from './schema';
import { foldName } from '../lib/fold-name';

/**
 * The SQLite connection: the one place that knows the database is SQLite (its driver, pragmas
 * and migrator). Queries elsewhere use drizzle's builder, which a PostgreSQL driver can run too.
 */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_FOLDER = path.join(process.cwd(), 'drizzle');

export function openDatabase(databasePath: string, options: { migrate?: boolean; busyTimeoutMs?: number } = {}): Db {
  if (databasePath !== ':memory:') fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  const sqlite = new Database(databasePath);
  // WAL: readers (the dashboard) never wait for the writer (ingest), and commits are cheap.
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives the process being killed; only an OS crash or power
  // loss can lose the last transactions (see README, "Durability").
  sqlite.pragma('synchronous = NORMAL');
  // Another process (npm run import) may hold the write lock briefly: wait rather than fail.
  sqlite.pragma(`busy_timeout = ${Math.floor(options.busyTimeoutMs ?? 5000)}`);
  sqlite.pragma('foreign_keys = ON');
  registerFunctions(sqlite);
  const db = drizzle(sqlite, { schema }) as Db;
  if (options.migrate ?? true) {
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    // Rows derived in TypeScript (not SQL) that a migration cannot fill: filled once after an upgrade.
    ensureDerived(db, (message) => console.log(message));
  }
  return db;
}

const globalForDb = globalThis as typeof globalThis & { __dashboardDb?: Db };

/**
 * The process's shared connection, opened (and migrated) on first use. Kept on globalThis
 * because Next.js may load this module once per route bundle; there must be one connection.
 */
export function getDb(): Db {
  if (!globalForDb.__dashboardDb) {
    const { databasePath } = config();
    try {
      globalForDb.__dashboardDb = openDatabase(databasePath);
    } catch (error) {
      // Not cached: the next call tries again, so the server recovers once the file can be opened.
      throw new DatabaseUnavailableError(`cannot open the database ${databasePath}: ${error instanceof Error ? error.message : error}`, {
        cause: error,
      });
    }
  }
  return globalForDb.__dashboardDb;
}

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
  readonly code = 'DATABASE_UNAVAILABLE';
}

/**
 * Runs `work` in one write transaction on `db`'s connection. IMMEDIATE takes the write lock up
 * front, so two writers (the server and an import) queue on busy_timeout instead of failing
 * half-way with SQLITE_BUSY. `work` keeps using `db` itself (and its prepared statements).
 */
export function writeTransaction<T>(db: Db, work: () => T): T {
  return db.$client.transaction(work).immediate();
}

/**
 * An aggregate of every value of `expression` in a group, as one JSON array text (SQLite's
 * json_group_array; PostgreSQL's json_agg). For figures over hundreds of thousands of values (exact
 * percentiles): the database builds one string per group and JSON.parse reads it several times
 * faster than the same values arrive as rows (measured: 276k durations, 283 → ~70 ms).
 */
export function jsonArrayOf(expression: SQL | AnySQLiteColumn): SQL<string> {
  return sql<string>`json_group_array(${expression})`;
}

/**
 * A name as people sort it: case and accents folded, so `Émile` sorts beside `Emile`, after
 * `Dalia` (SQLite's lower() folds ASCII only, and put every accented initial after `z`). A
 * function this module registers on each connection (registerFunctions); PostgreSQL would sort by
 * an ICU collation instead.
 */
export function nameSortKey(expression: SQL | AnySQLiteColumn): SQL {
  return sql`name_sort_key(${expression})`;
}

/** The SQL functions queries may call beyond SQLite's own (nameSortKey). Names repeat row after row: each is folded once. */
export function registerFunctions(sqlite: Database.Database): void {
  const folded = new Map<string, string>();
  sqlite.function('name_sort_key', { deterministic: true }, (name: unknown) => {
    if (typeof name !== 'string') return name;
    let key = folded.get(name);
    if (key === undefined) {
      if (folded.size >= 10_000) folded.clear();
      folded.set(name, (key = foldName(name)));
    }
    return key;
  });
}

/** The values of a jsonArrayOf aggregate, read back; none when the query found no row. */
export function parseJsonArray<T>(text: string | null | undefined): T[] {
  return text ? (JSON.parse(text) as T[]) : [];
}

/**
 * The texts of `expression` in a group joined by commas, as one text (SQLite's group_concat;
 * PostgreSQL's string_agg), in the order the group's other aggregates see its rows. NULLs are
 * left out, so the column must hold none where the texts are to line up with other arrays.
 */
export function concatenated(expression: SQL | AnySQLiteColumn): SQL<string | null> {
  return sql<string | null>`group_concat(${expression}, ',')`;
}

/**
 * `column` is one of the values of a JSON array given as one parameter (SQLite's json_each;
 * PostgreSQL: `= any(…)` of an array parameter). A statement over a varying set of ids can then be
 * prepared once, where an IN list needs new SQL for each length.
 */
export function inJsonArray(column: AnySQLiteColumn, jsonArray: unknown): SQL {
  return sql`${column} in (select value from json_each(${jsonArray}))`;
}

/**
 * After a commit that leaves at least `pages` pages in the write-ahead log, the connection copies
 * them into the database file itself (a checkpoint; SQLite's default is 1000 pages). Which
 * connection checkpoints, and when, changes nothing of what a commit guarantees.
 */
export function setAutoCheckpoint(db: Db, pages: number): void {
  db.$client.pragma(`wal_autocheckpoint = ${Math.floor(pages)}`);
}

/**
 * A number that changes whenever another connection commits to the database (SQLite's
 * data_version; this connection's own commits and checkpoints leave it as it is).
 */
export function dataVersion(db: Db): number {
  return Number(db.$client.pragma('data_version', { simple: true }));
}

/** A checkpoint that waits for nobody (PASSIVE): copies as much of the log as readers allow. */
export function checkpoint(db: Db): void {
  db.$client.pragma('wal_checkpoint(PASSIVE)');
}

/**
 * Tests' storage faults (lib/ingest/writer-worker.ts): the database may not grow past `maxPages`
 * pages (writes then fail as on a full disk), and `readOnly` makes the connection refuse writes.
 * With PostgreSQL, a tablespace quota and a read-only role would stand in for them.
 */
export function limitWrites(db: Db, limits: { maxPages: number; readOnly: boolean }): void {
  db.$client.pragma(`max_page_count = ${Math.floor(limits.maxPages)}`);
  db.$client.pragma(`query_only = ${limits.readOnly ? 1 : 0}`);
}

/**
 * Rewrites the database file with each table and index in one run of pages (SQLite's VACUUM).
 * A database grown by ingest has its index pages spread through the file: at a million
 * conversations, the first view of a year after a restart read its 350–420 MB of index pages from
 * disk in 11–15 s, and in 3.0–3.6 s once compacted (README, "Benchmarks"). Needs the database to
 * itself: leaving WAL mode, which a rollback-journal VACUUM needs to rewrite the file in place,
 * is refused while any other connection has it open. Then returns false and changes nothing.
 * (PostgreSQL: VACUUM FULL, or pg_repack without the exclusive lock.)
 */
export function compactDatabase(db: Db): boolean {
  const sqlite = db.$client;
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  try {
    if (String(sqlite.pragma('journal_mode = DELETE', { simple: true })).toLowerCase() !== 'delete') return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
    throw error;
  }
  try {
    sqlite.exec('VACUUM');
  } finally {
    sqlite.pragma('journal_mode = WAL');
  }
  return true;
}

/** How long a connection waits for another one's write lock before it fails with SQLITE_BUSY. */
export function setBusyTimeout(db: Db, ms: number): void {
  db.$client.pragma(`busy_timeout = ${Math.floor(ms)}`);
}

/**
 * A write statement for the hot path of ingest: its SQL comes from drizzle's builder (the one,
 * portable source of it), but it runs on the driver directly with positional parameters, bound by
 * a column order worked out once. drizzle's prepared queries look every placeholder up by name
 * through generic checks on each call, which at thousands of rows a second was about 15% of the
 * ingest CPU. Values go through each column's encoder as drizzle's would (a boolean column stores
 * true as 1, false as 0), except null, which stays null as it does in drizzle's builder with
 * literal values: its prepared statements pass null through the encoder too, and a boolean column
 * then stored an absent flag as false. A value left out is bound as null.
 */
export type DirectStatement<Row> = {
  run(row: Row): void;
  /** The first column of the first row the statement returns (`RETURNING id`), or undefined. */
  firstValue(row: Row): unknown;
  /** Every row a query returns, as arrays of column values. */
  rows(row: Row): unknown[][];
};

/**
 * `read(name)` says where a placeholder's value comes from in a row; by default the row's
 * property of that name. A caller whose rows are assembled from parts passes its own.
 */
export function prepareDirect<Row>(
  db: Db,
  query: { toSQL: () => { sql: string; params: unknown[] } },
  read: (name: string) => (row: Row) => unknown = (name) => (row) => (row as Record<string, unknown>)[name],
): DirectStatement<Row> {
  const { sql, params } = query.toSQL();
  const slots = params.map((param): ((row: Row) => unknown) => {
    if (is(param, Param) && is(param.value, Placeholder)) {
      const value = read(param.value.name);
      const encoder = param.encoder;
      return (row) => {
        const v = value(row);
        return v === null || v === undefined ? null : encoder.mapToDriverValue(v);
      };
    }
    if (is(param, Placeholder)) {
      const value = read(param.name);
      return (row) => value(row) ?? null;
    }
    return () => param; // a constant of the statement, already encoded
  });
  const bind = (row: Row): unknown[] => {
    const values = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) values[i] = slots[i]!(row);
    return values;
  };
  const statement = db.$client.prepare(sql);
  const rowsOf = statement.reader ? db.$client.prepare(sql).raw() : null;
  if (statement.reader) statement.pluck();
  return {
    run: (row) => void statement.run(bind(row)),
    firstValue: (row) => statement.get(bind(row)),
    rows: (row) => {
      if (!rowsOf) throw new Error('rows() of a statement that returns none');
      return rowsOf.all(bind(row)) as unknown[][];
    },
  };
}
