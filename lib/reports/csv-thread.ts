import { Worker } from 'node:worker_threads';
import { config } from '../config';
import type { Filters } from '../filters/parse-filters';
import { SYNC_SLOTS } from './csv-sync';
import type { CsvThreadData, CsvThreadMessage, CsvThreadRequest } from './csv-worker';
import type { RowReportName } from './row-source';
import { appendTestMarker } from '../server/test-markers';

/**
 * A row report's CSV as a byte stream written on threads of the download's own (csv-worker.ts).
 * Why threads: reading and writing a row costs 8–15 µs, which on the main thread would hold up
 * every other request for seconds of a million-row download; on threads of their own, rows are
 * read and written beside the main thread's compression and sending. Why two: one thread was the
 * download's bottleneck (the main thread's part is 2–4 µs a row), and with two each reads every
 * other window of the range (export-windows.ts) on its own connection, the same snapshot for both
 * (figures in the README, "CSV reports").
 *
 * Resolves once the report is open (its query prepared and its snapshot taken on every thread),
 * or rejects with why not, before any byte: the route can still answer with an error status.
 * Memory stays flat whatever the size: each thread writes at most CHUNKS_AHEAD chunks that the
 * response has not taken. A failure after that errors the stream (the download ends incomplete,
 * never cut short as if it were whole). When the stream ends, fails, is cancelled or `signal`
 * aborts, the threads close their connections and end.
 */
export async function csvThreadBody(name: RowReportName, filters: Filters, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const release = await threadSlot(signal);
  try {
    return await startThreads(name, filters, signal, release);
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * Downloads written at once; more wait, in order, for one to end. Two, each on
 * THREADS_PER_DOWNLOAD threads: on the two-core machines this targets, more would only share
 * their cores, and each thread costs its own heap (README, "CSV reports", has the figures).
 */
export const CSV_THREADS = 2;

/** Threads that read and write one download, each every other window of its range. */
export const THREADS_PER_DOWNLOAD = 2;

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

type Part = {
  worker: Worker;
  /** Chunks received and not yet taken, and a failure, in the order the thread sent them. */
  queue: (Extract<CsvThreadMessage, { kind: 'chunk' }> | Error)[];
  /** The body waiting for this thread's next chunk. */
  waiting: (() => void) | null;
  /** Its last chunk was received: its thread ends normally. */
  final: boolean;
};

function startThreads(name: RowReportName, filters: Filters, signal: AbortSignal | undefined, release: () => void): Promise<ReadableStream<Uint8Array>> {
  const sync = new SharedArrayBuffer(SYNC_SLOTS * Int32Array.BYTES_PER_ELEMENT);
  const parts: Part[] = Array.from({ length: THREADS_PER_DOWNLOAD }, (_, part) => {
    const data: CsvThreadData = { databasePath: config().databasePath, name, filters, part, parts: THREADS_PER_DOWNLOAD, sync };
    return { worker: new Worker(new URL('./csv-worker.ts', import.meta.url), { workerData: data }), queue: [], waiting: null, final: false };
  });
  // The slot is free once every thread has ended (its connection closed, its heap gone).
  let running = parts.length;
  for (const { worker } of parts) worker.once('exit', () => (running -= 1) === 0 && release());
  /** The file is whole, or the download was stopped: nothing more is read. */
  let ended = false;
  let opened = 0;
  /** Whose window the file goes on with. */
  let current = 0;
  /** The first thread reads every window (it could not pause commits for the others). */
  let alone = false;

  /** Nothing more is read: the threads are told to stop and the abort is no longer listened to. */
  const end = () => {
    signal?.removeEventListener('abort', stop);
    ended = true;
    for (const { worker } of parts) worker.postMessage('stop' satisfies CsvThreadRequest);
  };
  const stop = () => {
    if (ended) return;
    end();
    // The response is going nowhere: the body waiting for a chunk ends quietly.
    for (const part of parts) part.waiting?.();
  };
  const push = (part: Part, item: Part['queue'][number]) => {
    part.queue.push(item);
    part.waiting?.();
    part.waiting = null;
  };

  return new Promise((resolveOpened, rejectOpened) => {
    parts.forEach((part) => {
      const fail = (error: Error) => {
        if (opened < parts.length) {
          rejectOpened(error);
          end();
        }
        push(part, error);
      };
      part.worker.on('message', (message: CsvThreadMessage) => {
        if (message.kind === 'opened') {
          if (message.alone) alone = true;
          if ((opened += 1) === parts.length) resolveOpened(body);
        } else if (message.kind === 'failed' || message.kind === 'error') fail(new Error(message.error));
        else {
          if (message.final) part.final = true;
          push(part, message);
        }
      });
      part.worker.on('error', (error) => fail(new Error(`the download's thread failed: ${error.message}`)));
      part.worker.on('exit', (code) => {
        if (!part.final) fail(new Error(`the download's thread exited with code ${code}`));
      });
    });
    signal?.addEventListener('abort', stop);
    if (signal?.aborted) stop();

    /** The next chunk of the file, from the thread whose window it is in; null once stopped. */
    const next = async (): Promise<Extract<CsvThreadMessage, { kind: 'chunk' }> | null> => {
      const part = parts[current]!;
      while (part.queue.length === 0 && !ended) await new Promise<void>((resolve) => (part.waiting = resolve));
      if (ended) return null;
      const item = part.queue.shift()!;
      if (item instanceof Error) throw item;
      if (!item.final) part.worker.postMessage('more' satisfies CsvThreadRequest);
      if (item.windowEnd) current = alone ? 0 : (current + 1) % parts.length;
      return item;
    };

    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            // Windows without rows give empty chunks: go on until there are bytes to send.
            for (;;) {
              const chunk = await next();
              // Stopped (a cancel while this waited): the stream is closed already, and closing throws.
              if (!chunk) return closeQuietly(controller);
              if (chunk.bytes.length > 0) controller.enqueue(chunk.bytes);
              if (chunk.last) {
                end();
                return closeQuietly(controller);
              }
              if (chunk.bytes.length > 0) return;
            }
          } catch (error) {
            end();
            throw error;
          }
        },
        cancel: stop,
      },
      // One chunk ahead here; CHUNKS_AHEAD more on each thread.
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
