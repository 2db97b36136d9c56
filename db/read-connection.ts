import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { config } from '../lib/config';
import { registerFunctions, type Db } from './client';
import * as schema from './schema';

/**
 * A connection of its own for a long read (a streamed CSV export), and a cursor over a query's
 * rows. Why not the shared connection: a better-sqlite3 statement that is being iterated keeps its
 * connection busy, and every other query on it throws "This database connection is busy executing
 * a query" until the iteration ends; with one shared connection, a download would block every page.
 * A second, read-only connection reads a consistent snapshot (WAL) while ingest keeps writing.
 *
 * This is the SQLite-specific half of streaming: with PostgreSQL, a cursor on a pooled client
 * takes its place behind the same `RowCursor` interface.
 */
export type ReadConnection = {
  /** Drizzle over the read-only connection: build queries here, run small ones with `.all()`. */
  db: Db;
  /**
   * Rows of `query`, one array a row in the order of its select list, read as they are asked for.
   * The statement is prepared once per SQL text and connection: an export reads its range as a few
   * hundred windows (csv-worker.ts), each the same query with other bounds.
   */
  cursor: (query: { toSQL: () => { sql: string; params: unknown[] } }) => RowCursor;
  /**
   * Begins a read transaction and reads, so that every later query on this connection reads the
   * same snapshot, until `close`. Without it, each query reads the database as it is when it starts.
   */
  holdSnapshot: () => void;
  /** Closes the connection (and any cursor still open). Safe to call more than once. */
  close: () => void;
};

export type RowCursor = {
  /** The next row, or undefined after the last one. */
  next: () => unknown[] | undefined;
  /** Stops reading (the statement is reset); safe to call more than once. */
  close: () => void;
};

export function openReadConnection(databasePath = config().databasePath): ReadConnection {
  if (databasePath === ':memory:') throw new Error('an in-memory database cannot be read from a second connection');
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  registerFunctions(sqlite);
  const db = drizzle(sqlite, { schema }) as Db;
  const open = new Set<RowCursor>();
  const statements = new Map<string, Database.Statement>();
  let closed = false;
  return {
    db,
    cursor(query) {
      const { sql, params } = query.toSQL();
      // raw(): arrays rather than objects, the cheapest form per row for a million rows.
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = sqlite.prepare(sql).raw(true)));
      const iterator = statement.iterate(...params) as IterableIterator<unknown[]>;
      let done = false;
      const cursor: RowCursor = {
        next() {
          if (done) return undefined;
          const step = iterator.next();
          if (step.done) cursor.close();
          return step.done ? undefined : step.value;
        },
        close() {
          if (done) return;
          done = true;
          open.delete(cursor);
          iterator.return?.();
        },
      };
      open.add(cursor);
      return cursor;
    },
    holdSnapshot() {
      // A deferred transaction takes its snapshot at its first read.
      sqlite.exec('BEGIN');
      sqlite.prepare('SELECT count(*) FROM sqlite_schema').get();
    },
    close() {
      if (closed) return;
      closed = true;
      for (const cursor of [...open]) cursor.close();
      if (sqlite.inTransaction) sqlite.exec('COMMIT');
      sqlite.close();
    },
  };
}

/**
 * Runs `begin` while no write can commit: it holds the database's write lock, waiting up to
 * `waitMs` for a write under way to commit. Read transactions begun inside `begin` on other
 * connections, in this thread or others (holdSnapshot), all read the same snapshot: in WAL mode a
 * read transaction reads everything committed when it began, and nothing can commit until this
 * returns. Writers wait meanwhile (their busy_timeout), so `begin` must be quick. Returns null,
 * without running `begin`, when a write keeps the lock longer than `waitMs`.
 */
export function withCommitsPaused<T>(databasePath: string, waitMs: number, begin: () => T): { value: T } | null {
  const lock = new Database(databasePath, { fileMustExist: true });
  try {
    lock.pragma(`busy_timeout = ${Math.floor(waitMs)}`);
    try {
      lock.exec('BEGIN IMMEDIATE');
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return null;
      throw error;
    }
    try {
      return { value: begin() };
    } finally {
      lock.exec('ROLLBACK');
    }
  } finally {
    lock.close();
  }
}
