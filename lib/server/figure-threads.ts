import { Worker } from 'node:worker_threads';
import { config } from '../config';
import type { Filters } from '../filters/parse-filters';
import { FIGURE_TABLES } from '../queries/figure-tables';
import type { FigureArgs, FigureName, FigureOf } from '../queries/figures';
import type { FigureRequest, FigureResponse } from './figure-worker';
import { appendTestMarker } from './test-markers';

/**
 * How many figure threads the server runs. Two: a page's heavy reads run side by side (the
 * Assignments page's two), and while a long range keeps one thread busy for seconds (a year at a
 * million conversations), the other still answers. More would not help on the two-core machines
 * this targets, where ingest's writer and the main thread want the CPU too.
 */
export const FIGURE_THREADS = 2;

/**
 * In `next dev`, a thread computes one figure and exits, and the next figure starts a new one: a
 * thread that lived on would keep running the code it loaded, not the code just edited.
 */
const ONE_FIGURE_PER_THREAD = process.env.NODE_ENV === 'development';

type Job = { request: FigureRequest; resolve: (value: unknown) => void; reject: (error: Error) => void };
type Thread = { worker: Worker; job: Job | null };
type Pool = {
  threads: (Thread | null)[];
  queue: Job[];
  nextId: number;
  /** Requests queued or being computed, by figure, filters and argument. */
  pending: Map<string, Promise<unknown>>;
  /**
   * The thread that last computed each figure (`figure:<name>`) and a figure reading each table
   * (FIGURE_TABLES): its cache holds that table's days.
   */
  lastSlot: Map<string, number>;
};

const globalForFigures = globalThis as typeof globalThis & { __figureThreads?: Pool };

/**
 * A figure (lib/queries/figures.ts) computed on one of the server's figure threads
 * (figure-worker.ts), each with a read-only connection of its own, instead of on the main thread,
 * which stays free for other pages, live tiles, health checks and ingest. Requests wait in one
 * queue, in order, and a thread takes the next when it is done with its own: one slow figure holds
 * up one thread, never the requests behind it while the other thread is free. The same figure
 * for the same filters, asked for again while the first request waits or runs (a reload, a second
 * viewer), shares its result instead of computing it twice. Threads start on first use; if one
 * dies, its request fails (the page says so) and a new thread takes its place.
 */
export function figure<N extends FigureName>(name: N, filters: Filters, ...args: FigureArgs<N>): Promise<FigureOf<N>> {
  const pool: Pool = (globalForFigures.__figureThreads ??= { threads: Array.from({ length: FIGURE_THREADS }, () => null), queue: [], nextId: 1, pending: new Map(), lastSlot: new Map() });
  const key = JSON.stringify([name, filters, args]);
  const pending = pool.pending.get(key);
  if (pending) {
    // Tests only: each request that shares a computation already asked for says so.
    appendTestMarker(`${config().databasePath}.figures-shared`, name);
    return pending as Promise<FigureOf<N>>;
  }
  const result = new Promise<FigureOf<N>>((resolve, reject) => {
    pool.queue.push({ request: { id: pool.nextId++, name, filters, args }, resolve: resolve as (value: unknown) => void, reject });
    dispatch(pool);
  });
  pool.pending.set(key, result);
  const settled = () => {
    if (pool.pending.get(key) === result) pool.pending.delete(key);
  };
  result.then(settled, settled);
  return result;
}

/**
 * Hands queued requests to idle threads, in order, starting threads as needed. A figure goes to
 * the thread that last computed it when that one is free, else to the thread that last computed a
 * figure reading the same table (FIGURE_TABLES), because that thread's cache
 * (lib/queries/range-cache/) holds the table's days (and what the figure made of them, such as
 * the Statistics page's orders of values); else to the first free thread (waiting for the warm one
 * would make a request wait behind another). By figure first: the Statistics page's two figures
 * both read conversations, and by table alone they swapped threads on every view, each thread
 * then ordering the other's statistics (a second of a year's first views at 1M).
 */
function dispatch(pool: Pool): void {
  const { lastSlot } = pool;
  const free = (slot: number) => !pool.threads[slot]?.job;
  const warm = (key: string) => {
    const last = lastSlot.get(key);
    return last !== undefined && free(last) ? last : undefined;
  };
  while (pool.queue.length > 0) {
    const job = pool.queue[0]!;
    const figure = `figure:${job.request.name}`;
    const table = FIGURE_TABLES[job.request.name];
    const slot = warm(figure) ?? warm(table) ?? pool.threads.findIndex((_, s) => free(s));
    if (slot < 0) return;
    pool.queue.shift();
    const thread = (pool.threads[slot] ??= startThread(pool, slot));
    thread.job = job;
    lastSlot.set(figure, slot);
    lastSlot.set(table, slot);
    thread.worker.postMessage(job.request);
  }
}

function startThread(pool: Pool, slot: number): Thread {
  const worker = new Worker(new URL('./figure-worker.ts', import.meta.url), { workerData: { databasePath: config().databasePath } });
  // Idle, it does not keep the process alive.
  worker.unref();
  const thread: Thread = { worker, job: null };
  worker.on('message', (response: FigureResponse) => {
    const job = thread.job;
    if (!job || job.request.id !== response.id) return;
    thread.job = null;
    if ('error' in response) job.reject(new Error(response.error));
    else job.resolve(response.value);
    if (ONE_FIGURE_PER_THREAD) {
      if (pool.threads[slot] === thread) pool.threads[slot] = null;
      void worker.terminate();
    }
    dispatch(pool);
  });
  let failed = false;
  const fail = (error: Error) => {
    if (failed) return;
    failed = true;
    if (pool.threads[slot] === thread) pool.threads[slot] = null;
    thread.job?.reject(new Error(`a figure thread failed: ${error.message}`));
    thread.job = null;
    dispatch(pool);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
  return thread;
}
