/**
 * The writer thread's entry point. The server's main thread only checks auth, content type and
 * size, and hands the raw bodies here; parsing, validation, projection and the SQLite
 * transaction all happen on this thread, on its own connection, except for pieces of large
 * bodies, which the preparer thread prepares meanwhile (body-parts.ts, preparer-worker.ts). So
 * the main thread's cost of an ingest request stays close to that of any request, and pages stay
 * responsive while a 10,000-event batch is written.
 */
import fs from 'node:fs';
import { parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { limitWrites, openDatabase, setAutoCheckpoint, type Db } from '../../db/client';
import { combineParts, preparePart, type BodyPart, type PreparedPart } from './body-parts';
import { storeBatches, type IngestSummary, type PreparedBatch } from './ingest-envelopes';
import type { PreparedMessage } from './preparer-worker';
import type { BodyError, RawBody } from './read-body';

export type BodyOutcome = { ok: true; summary: IngestSummary } | ({ ok: false } & BodyError);
/** A request's body: its pieces, each to prepare here (`inline`) or prepared by the preparer thread (`ticket`). */
export type SubmittedBody = { format: RawBody['format']; receivedAt: number; parts: ({ inline: BodyPart } | { ticket: number })[] };
export type WriterRequest = { id: number; bodies: SubmittedBody[] } | { preparerPort: MessagePort } | { preparerFailed: string };
export type WriterResponse = { id: number; outcomes: BodyOutcome[] } | { id: number; error: { message: string; code?: string } };

const { databasePath } = workerData as { databasePath: string };
let db: Db | null = null;

async function ingestBodies(bodies: SubmittedBody[]): Promise<BodyOutcome[]> {
  // Claimed first, so that whatever fails below, no prepared piece is left behind.
  const tickets = bodies.map((body) => body.parts.map((part) => ('ticket' in part ? preparedPart(part.ticket) : null)));
  const settled = Promise.allSettled(tickets.flat());
  // The pieces for this thread, while the preparer thread works on the others.
  let inline: (PreparedPart | null)[][];
  try {
    inline = bodies.map((body) => body.parts.map((part) => ('inline' in part ? preparePart(part.inline, body.receivedAt) : null)));
  } finally {
    await settled;
  }
  const parts: PreparedPart[][] = [];
  for (const [i, body] of bodies.entries()) parts.push(await Promise.all(body.parts.map((_, j) => tickets[i]![j] ?? inline[i]![j]!)));
  const parsed = bodies.map((body, i) => combineParts(parts[i]!, body.format));
  const prepared: PreparedBatch[] = parsed.flatMap((body) => (body.ok ? [body.batch] : []));
  if (!db) {
    try {
      db = openDatabase(databasePath);
    } catch (error) {
      // Reported to the requests; the next request tries to open it again.
      throw Object.assign(new Error(`cannot open the database ${databasePath}: ${(error as Error).message}`), { code: 'DATABASE_UNAVAILABLE' });
    }
    startCheckpointer(db);
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
  limitWrites(connection, { maxPages: limit, readOnly: fs.existsSync(`${databasePath}.read-only`) });
}

/**
 * Checkpoints are the checkpointer thread's (checkpointer-worker.ts): this connection checkpoints
 * only when the log has grown past what the other thread lets it reach (it can only start the log
 * over after a checkpoint that copied all of it), or again as SQLite does by default if that
 * thread fails.
 */
const CHECKPOINT_BACKSTOP_PAGES = 25_000;
const DEFAULT_CHECKPOINT_PAGES = 1000;
let checkpointer: Worker | null = null;

function startCheckpointer(connection: Db): void {
  const worker = new Worker(new URL('./checkpointer-worker.ts', import.meta.url), { workerData: { databasePath } });
  worker.unref();
  const fail = () => {
    if (checkpointer !== worker) return;
    checkpointer = null;
    setAutoCheckpoint(connection, DEFAULT_CHECKPOINT_PAGES);
  };
  worker.on('error', fail);
  worker.on('exit', fail);
  checkpointer = worker;
  setAutoCheckpoint(connection, CHECKPOINT_BACKSTOP_PAGES);
}

// Pieces prepared by the preparer thread, by ticket: arrived ones, and the waits for the others.
const arrived = new Map<number, PreparedMessage>();
const waiting = new Map<number, (message: PreparedMessage) => void>();

function preparedPart(ticket: number): Promise<PreparedPart> {
  const message = arrived.get(ticket);
  arrived.delete(ticket);
  const settle = (message: PreparedMessage) => {
    if ('error' in message) throw Object.assign(new Error(message.error), { code: message.code });
    return message.part;
  };
  if (message) return Promise.resolve().then(() => settle(message));
  return new Promise((resolve) => waiting.set(ticket, resolve)).then((message) => settle(message as PreparedMessage));
}

let preparerPort: MessagePort | null = null;

/**
 * The preparer thread died: the pieces still awaited from it will not come, and those that came
 * but are not claimed yet belong to requests the main thread fails (writer.ts).
 */
function preparerFailed(reason: string): void {
  for (const [ticket, wait] of waiting) wait({ ticket, error: reason, code: 'DATABASE_UNAVAILABLE' });
  waiting.clear();
  arrived.clear();
  preparerPort?.close();
  preparerPort = null;
}

function listenToPreparer(port: MessagePort): void {
  preparerPort = port;
  port.on('message', (message: PreparedMessage) => {
    const wait = waiting.get(message.ticket);
    waiting.delete(message.ticket);
    if (wait) wait(message);
    else arrived.set(message.ticket, message);
  });
}

parentPort!.on('message', async (request: WriterRequest) => {
  if ('preparerPort' in request) return listenToPreparer(request.preparerPort);
  if ('preparerFailed' in request) return preparerFailed(request.preparerFailed);
  const { id, bodies } = request;
  // Tests only (DASHBOARD_FAULT_INJECTION=1): while `<database>.crash-writer` exists, this thread dies on a request.
  if (faultInjection && fs.existsSync(`${databasePath}.crash-writer`)) process.exit(70);
  try {
    parentPort!.postMessage({ id, outcomes: await ingestBodies(bodies) } satisfies WriterResponse);
  } catch (error) {
    const { message, code } = error as { message?: string; code?: unknown };
    parentPort!.postMessage({ id, error: { message: message ?? String(error), code: typeof code === 'string' ? code : undefined } } satisfies WriterResponse);
  }
});
