/**
 * The writer thread's entry point: stores prepared batches through `storeBatches` on its own
 * connection, so the server's main thread never waits for SQLite writes and commits, and pages
 * stay responsive while a 10,000-event batch is written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type Db } from '../../db/client';
import { storeBatches, type PreparedBatch } from './ingest-envelopes';

export type WriterRequest = { id: number; batches: PreparedBatch[] };
export type WriterResponse =
  | { id: number; summaries: ReturnType<typeof storeBatches> }
  | { id: number; error: { message: string; code?: string } };

const { databasePath } = workerData as { databasePath: string };
let db: Db | null = null;

parentPort!.on('message', ({ id, batches }: WriterRequest) => {
  try {
    if (!db) {
      try {
        db = openDatabase(databasePath);
      } catch (error) {
        // Reported to the request; the next request tries to open it again.
        throw Object.assign(new Error(`cannot open the database ${databasePath}: ${(error as Error).message}`), { code: 'DATABASE_UNAVAILABLE' });
      }
    }
    parentPort!.postMessage({ id, summaries: storeBatches(db, batches) } satisfies WriterResponse);
  } catch (error) {
    const { message, code } = error as { message?: string; code?: unknown };
    parentPort!.postMessage({ id, error: { message: message ?? String(error), code: typeof code === 'string' ? code : undefined } } satisfies WriterResponse);
  }
});
