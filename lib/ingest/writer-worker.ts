/**
 * The writer thread's entry point. The server's main thread only checks auth, content type and
 * size, and hands the raw bodies here; parsing, validation, projection and the SQLite
 * transaction all happen on this thread, on its own connection. So the main thread's cost of an
 * ingest request stays close to that of any request, and pages stay responsive while a
 * 10,000-event batch is written.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type Db } from '../../db/client';
import { prepareBatch, storeBatches, type IngestSummary, type PreparedBatch } from './ingest-envelopes';
import { parseEventsBody, type BodyError, type RawBody } from './read-body';

export type BodyOutcome = { ok: true; summary: IngestSummary } | ({ ok: false } & BodyError);
export type WriterRequest = { id: number; bodies: RawBody[] };
export type WriterResponse = { id: number; outcomes: BodyOutcome[] } | { id: number; error: { message: string; code?: string } };

const { databasePath } = workerData as { databasePath: string };
let db: Db | null = null;

function ingestBodies(bodies: RawBody[]): BodyOutcome[] {
  const receivedAt = Date.now();
  const parsed = bodies.map(parseEventsBody);
  const prepared: PreparedBatch[] = parsed.flatMap((body) => (body.ok ? [prepareBatch(body.items, receivedAt)] : []));
  if (!db) {
    try {
      db = openDatabase(databasePath);
    } catch (error) {
      // Reported to the requests; the next request tries to open it again.
      throw Object.assign(new Error(`cannot open the database ${databasePath}: ${(error as Error).message}`), { code: 'DATABASE_UNAVAILABLE' });
    }
  }
  if (faultInjection) applyInjectedFaults(db);
  const summaries = storeBatches(db, prepared);
  let next = 0;
  return parsed.map((body) => (body.ok ? { ok: true, summary: summaries[next++]! } : body));
}

/**
 * Tests only (DASHBOARD_FAULT_INJECTION=1): storage failures, portably and without root (as root,
 * chmod stops nothing). While `<database>.max-pages` exists, this connection may not grow the
 * database past the page count in it, so SQLite fails the write with SQLITE_FULL exactly as on a
 * full disk; while `<database>.read-only` exists, the connection is query-only and writes fail with
 * SQLITE_READONLY. Removing the file clears the condition.
 */
const faultInjection = process.env.DASHBOARD_FAULT_INJECTION === '1';
const DEFAULT_MAX_PAGE_COUNT = 4294967294;

function applyInjectedFaults(connection: Db): void {
  let limit = DEFAULT_MAX_PAGE_COUNT;
  try {
    limit = Number(fs.readFileSync(`${databasePath}.max-pages`, 'utf8').trim()) || DEFAULT_MAX_PAGE_COUNT;
  } catch {
    // no limit file: the default
  }
  connection.$client.pragma(`max_page_count = ${Math.floor(limit)}`);
  connection.$client.pragma(`query_only = ${fs.existsSync(`${databasePath}.read-only`) ? 1 : 0}`);
}

parentPort!.on('message', ({ id, bodies }: WriterRequest) => {
  try {
    parentPort!.postMessage({ id, outcomes: ingestBodies(bodies) } satisfies WriterResponse);
  } catch (error) {
    const { message, code } = error as { message?: string; code?: unknown };
    parentPort!.postMessage({ id, error: { message: message ?? String(error), code: typeof code === 'string' ? code : undefined } } satisfies WriterResponse);
  }
});
