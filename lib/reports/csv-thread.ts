import { Worker } from 'node:worker_threads';
import { config } from '../config';
import type { Filters } from '../filters/parse-filters';
import type { CsvChunk } from './csv-stream';
import type { CsvThreadData, CsvThreadMessage, CsvThreadRequest } from './csv-worker';
import type { RowReportName } from './row-source';
import { appendTestMarker } from '../server/test-markers';

/**
 * A row report's CSV as a byte stream written on a thread of the download's own (csv-worker.ts).
 * Why a thread: reading and writing a row costs ~8 µs, which on the main thread would hold up every
 * other request for seconds of a million-row download (in 500-row slices) and leave the server's
 * second core idle; on its own thread it runs beside the main thread's compression and sending,
 * and a download is then as fast as the slower of the two (figures in the README, "CSV reports").
 *
 * Resolves once the report is open (its query prepared on its connection), or rejects with why
 * not, before any byte: the route can still answer with an error status. Pull-based like
 * csv-stream.ts: a chunk is asked for only when the response wants one, and the thread keeps one
 * more ready, so memory stays flat whatever the size. A failure after that errors the stream (the
 * download ends incomplete, never cut short as if it were whole). When the stream ends, fails, is
 * cancelled or `signal` aborts, the thread closes its connection and ends.
 */
export async function csvThreadBody(name: RowReportName, filters: Filters, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const release = await threadSlot(signal);
  try {
    return await startThread(name, filters, signal, release);
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * Downloads written at once, each on its thread; more wait, in order, for one to end. Two: on the
 * two-core machines this targets, a third thread would only share their cores, and each costs its
 * own heap (45–85 MB at a million rows).
 */
export const CSV_THREADS = 2;

type Slots = { busy: number; waiting: (() => void)[] };
const globalForCsv = globalThis as typeof globalThis & { __csvThreadSlots?: Slots };

/**
 * Waits for one of the CSV_THREADS slots; resolves to its release (safe to call more than once).
 * Rejects if `signal` aborts while waiting (the client went away).
 */
function threadSlot(signal?: AbortSignal): Promise<() => void> {
  const slots = (globalForCsv.__csvThreadSlots ??= { busy: 0, waiting: [] });
  const releaser = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes to the next download waiting, if any.
      const next = slots.waiting.shift();
      if (next) next();
      else slots.busy -= 1;
    };
  };
  if (signal?.aborted) return Promise.reject(new Error('the client went away'));
  if (slots.busy < CSV_THREADS) {
    slots.busy += 1;
    return Promise.resolve(releaser());
  }
  return new Promise((resolve, reject) => {
    const wake = () => {
      signal?.removeEventListener('abort', gone);
      resolve(releaser());
    };
    const gone = () => {
      const at = slots.waiting.indexOf(wake);
      if (at >= 0) slots.waiting.splice(at, 1);
      reject(new Error('the client went away while the download waited for a thread'));
    };
    slots.waiting.push(wake);
    signal?.addEventListener('abort', gone, { once: true });
    // Tests only: each download that waits for a thread says so, so a test knows it got that far.
    appendTestMarker(`${config().databasePath}.csv-waiting`, 'waiting');
  });
}

function startThread(name: RowReportName, filters: Filters, signal: AbortSignal | undefined, release: () => void): Promise<ReadableStream<Uint8Array>> {
  const data: CsvThreadData = { databasePath: config().databasePath, name, filters };
  const worker = new Worker(new URL('./csv-worker.ts', import.meta.url), { workerData: data });
  // The slot is free once the thread has ended (its connection closed, its heap gone).
  worker.once('exit', release);
  let waiting: { resolve: (chunk: CsvChunk) => void; reject: (error: Error) => void } | null = null;
  /** The last chunk was received, or the download was stopped. */
  let ended = false;
  let failure: Error | null = null;

  const stop = () => {
    signal?.removeEventListener('abort', stop);
    if (ended || failure) return;
    ended = true;
    worker.postMessage('stop' satisfies CsvThreadRequest);
    // The response is going nowhere: end the body quietly rather than fail it.
    waiting?.resolve({ bytes: new Uint8Array(0), last: true });
    waiting = null;
  };

  return new Promise((resolveOpened, rejectOpened) => {
    const fail = (error: Error) => {
      signal?.removeEventListener('abort', stop);
      if (ended || failure) return;
      failure = error;
      rejectOpened(error);
      waiting?.reject(error);
      waiting = null;
    };
    worker.on('message', (message: CsvThreadMessage) => {
      if (message.kind === 'opened') resolveOpened(body);
      else if (message.kind === 'failed' || message.kind === 'error') fail(new Error(message.error));
      else {
        if (message.last) {
          ended = true;
          signal?.removeEventListener('abort', stop);
        }
        waiting?.resolve(message);
        waiting = null;
      }
    });
    worker.on('error', (error) => fail(new Error(`the download's thread failed: ${error.message}`)));
    worker.on('exit', (code) => fail(new Error(`the download's thread exited with code ${code}`)));
    signal?.addEventListener('abort', stop);
    if (signal?.aborted) stop();

    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (failure) throw failure;
          if (ended) return closeQuietly(controller);
          const chunk = await new Promise<CsvChunk>((resolve, reject) => {
            waiting = { resolve, reject };
            worker.postMessage('next' satisfies CsvThreadRequest);
          });
          if (chunk.bytes.length > 0) controller.enqueue(chunk.bytes);
          // After a cancel (stop() while this waited) the stream is closed already, and closing throws.
          if (chunk.last) closeQuietly(controller);
        },
        cancel: stop,
      },
      // One chunk ahead here, one more on the thread.
      { highWaterMark: 1 },
    );
  });
}

function closeQuietly(controller: ReadableStreamDefaultController<Uint8Array>): void {
  try {
    controller.close();
  } catch {
    // closed or cancelled already
  }
}
