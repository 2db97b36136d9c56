/**
 * A figure thread (figure-threads.ts): computes the figures of lib/queries/figures.ts on a
 * read-only connection of its own, kept open for the thread's life. Each request reads the latest
 * committed data (WAL: a snapshot per query, while ingest keeps writing).
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openReadConnection, type ReadConnection } from '../../db/read-connection';
import type { Filters } from '../filters/parse-filters';
import { computeFigure, isFigureName, type FigureArgs, type FigureName } from '../queries/figures';
import { readAhead } from '../queries/range-cache/day-partitions';
import { appendTestMarker } from './test-markers';

export type FigureRequest = { id: number; name: FigureName; filters: Filters; args: unknown[] };
export type FigureResponse = { id: number; value: unknown } | { id: number; error: string };

const { databasePath } = workerData as { databasePath: string };
const faultInjection = process.env.DASHBOARD_FAULT_INJECTION === '1';
let connection: ReadConnection | null = null;

/**
 * While no request comes for a while, the thread reads ahead (day-partitions.ts: readAhead), a
 * week of one table a step, each step a task of its own so a request that arrives meanwhile waits
 * at most one step (about 0.1 s at a million conversations).
 */
const IDLE_MS = 2_000;
let idle: NodeJS.Timeout | undefined;
function readAheadWhenIdle(delay: number): void {
  clearTimeout(idle);
  idle = setTimeout(() => {
    try {
      if (connection && readAhead(connection.db)) readAheadWhenIdle(0);
    } catch {
      // Reading ahead is an optimisation: a failure here waits for the next request to show.
    }
  }, delay);
  idle.unref();
}

parentPort!.on('message', ({ id, name, filters, args }: FigureRequest) => {
  clearTimeout(idle);
  let response: FigureResponse;
  try {
    if (!isFigureName(name)) throw new Error(`no figure named ${String(name)}`);
    // Tests only: while `<database>.crash-figure-thread` exists, this thread dies on a request.
    if (faultInjection && fs.existsSync(`${databasePath}.crash-figure-thread`)) process.exit(70);
    // Tests only: while `<database>.figures-started` exists, each figure this thread takes adds its
    // name to it, before any wait below: the test knows the request has reached a thread.
    appendTestMarker(`${databasePath}.figures-started`, name);
    // Tests only (DASHBOARD_FAULT_INJECTION=1): `<database>.slow-<figure>` holds milliseconds this
    // thread stays busy before computing that figure, as a year of a million conversations keeps it,
    // or `hold`: busy until the test removes the file.
    const slow = `${databasePath}.slow-${name}`;
    if (faultInjection && fs.existsSync(slow)) {
      const content = fs.readFileSync(slow, 'utf8');
      if (content === 'hold') while (fs.existsSync(slow));
      else for (const until = Date.now() + Number(content); Date.now() < until; );
    }
    connection ??= openReadConnection(databasePath);
    // Tests only: while `<database>.figures-computed` exists, each figure computed adds its name to it.
    appendTestMarker(`${databasePath}.figures-computed`, name);
    response = { id, value: computeFigure(connection.db, name, filters, args as FigureArgs<typeof name>) };
  } catch (error) {
    // A connection that failed is opened again for the next request.
    connection?.close();
    connection = null;
    response = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(response);
  readAheadWhenIdle(IDLE_MS);
});
