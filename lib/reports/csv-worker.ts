/**
 * One of a download's threads (csv-thread.ts). A row report's range is cut into EXPORT_WINDOWS
 * windows of time (export-windows.ts), dealt out in turn: thread `part` of `parts` reads windows
 * part, part + parts, … from a read-only connection of its own and writes each as CSV chunks of up
 * to 500 rows (csvChunk), running ahead of the main thread by at most CHUNKS_AHEAD chunks; the main
 * thread takes the windows back in order, so the file is the rows in the report's order. Every
 * thread reads the same snapshot (below), as one thread reading one cursor would.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { withCommitsPaused } from '../../db/read-connection';
import type { Filters } from '../filters/parse-filters';
import type { Cell } from './csv';
import { csvChunk } from './csv-stream';
import { ALONE, FAILED, GO, READY, STARTED } from './csv-sync';
import { exportWindows } from './export-windows';
import { openRowReader, type RowReader, type RowReportName } from './row-source';

export type CsvThreadData = { databasePath: string; name: RowReportName; filters: Filters; part: number; parts: number; sync: SharedArrayBuffer };
/** From the main thread: one more chunk may be written (it took one), or stop (the client went away, or the file is whole). */
export type CsvThreadRequest = 'more' | 'stop';
export type CsvThreadMessage =
  /** `alone`: the first thread reads every window (it could not pause commits for the others to start with it). */
  | { kind: 'opened'; alone: boolean }
  | { kind: 'failed'; error: string }
  /**
   * `windowEnd`: the last chunk of its window (the next chunk of the file comes from the next
   * thread); `last`: the file's last chunk; `final`: this thread's last chunk (it ends after it).
   */
  | { kind: 'chunk'; bytes: Uint8Array; windowEnd: boolean; last: boolean; final: boolean }
  | { kind: 'error'; error: string };

/** Chunks a thread may have written that the main thread has not taken yet. */
export const CHUNKS_AHEAD = 8;

const SYNC_TIMEOUT_MS = 30_000;
/**
 * How long the first thread waits for a write under way to commit before it pauses commits. Longer
 * than ingest's transactions take (a batch of 1,000 events: ~50–100 ms); past it (an import's big
 * transaction, say) it reads the whole download alone rather than make it wait.
 */
const COMMIT_WAIT_MS = 250;

const { databasePath, name, filters, part, parts, sync } = workerData as CsvThreadData;
const shared = new Int32Array(sync);
const port = parentPort!;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
// Tests only (DASHBOARD_FAULT_INJECTION=1), on the first thread: while `<database>.fail-csv` exists,
// the chunk in which it passes 1,000 rows of its own fails, as a disk error in the middle of a
// download would; while `<database>.hold-csv` exists, its second chunk waits until the test
// removes it, as a long export keeps its threads writing (the first chunk sent).
const faultInjection = process.env.DASHBOARD_FAULT_INJECTION === '1' && part === 0;
const failAfterRows = faultInjection && fs.existsSync(`${databasePath}.fail-csv`);
const holdSecondChunk = faultInjection && fs.existsSync(`${databasePath}.hold-csv`);
let chunks = 0;
let written = 0;

/** Wakes the threads waiting in waitUntil (all wait on the FAILED slot, whatever they wait for). */
const wake = () => Atomics.notify(shared, FAILED);

/** Waits until `done()` holds, or throws if another thread failed or it takes SYNC_TIMEOUT_MS. */
function waitUntil(done: () => boolean, what: string): void {
  const deadline = Date.now() + SYNC_TIMEOUT_MS;
  while (!done()) {
    if (Atomics.load(shared, FAILED) !== 0) throw new Error(`another thread of the download failed while this one waited for ${what}`);
    if (Date.now() > deadline) throw new Error(`the download's threads did not start together (waited ${SYNC_TIMEOUT_MS / 1000} s for ${what})`);
    Atomics.wait(shared, FAILED, 0, 2);
  }
}

/** Windows apart between one window of this thread and its next: every thread's, or 1 alone. */
let step = parts;
/** The first window this thread reads. */
let window = part;

/**
 * One snapshot for every thread. Each holds a read transaction for the whole download, begun while
 * the first thread keeps commits paused (withCommitsPaused): it waits until the others are ready
 * (their threads started, their queries prepared), pauses commits, begins its own, lets the
 * others begin theirs, and resumes commits once they have. Writers wait for a millisecond or so.
 * If a write keeps the lock longer than COMMIT_WAIT_MS, the first thread reads every window alone
 * (one snapshot, trivially; `step` 1) and the others read none.
 */
function holdOneSnapshot(reader: RowReader): void {
  if (parts === 1) return reader.connection.holdSnapshot();
  if (part === 0) {
    waitUntil(() => Atomics.load(shared, READY) === parts - 1, 'the other threads to open the database');
    const paused = withCommitsPaused(databasePath, COMMIT_WAIT_MS, () => {
      reader.connection.holdSnapshot();
      Atomics.store(shared, GO, 1);
      wake();
      waitUntil(() => Atomics.load(shared, STARTED) === parts - 1, 'the other threads to begin reading');
    });
    if (paused) return;
    reader.connection.holdSnapshot();
    Atomics.store(shared, ALONE, 1);
    wake();
    step = 1;
    return;
  }
  Atomics.add(shared, READY, 1);
  wake();
  waitUntil(() => Atomics.load(shared, GO) === 1 || Atomics.load(shared, ALONE) === 1, 'the first thread to pause commits');
  if (Atomics.load(shared, ALONE) === 1) {
    // Nothing to read: its one chunk says so (final), and the main thread never takes it.
    window = Number.MAX_SAFE_INTEGER;
    return;
  }
  reader.connection.holdSnapshot();
  Atomics.add(shared, STARTED, 1);
  wake();
}

let reader: RowReader | null = null;
try {
  reader = openRowReader(name, filters, databasePath);
  holdOneSnapshot(reader);
  port.postMessage({ kind: 'opened', alone: step < parts } satisfies CsvThreadMessage);
} catch (error) {
  Atomics.store(shared, FAILED, 1);
  wake();
  port.postMessage({ kind: 'failed', error: message(error) } satisfies CsvThreadMessage);
  reader?.close();
  reader = null;
  port.close();
}

const windows = exportWindows(filters);
let rows: (() => Cell[] | undefined) | null = null;

/** The next chunk: csvChunk's of the current window (the BOM and header first, in the file's first). */
function nextChunk(): Extract<CsvThreadMessage, { kind: 'chunk' }> {
  chunks += 1;
  if (holdSecondChunk && chunks === 2) while (fs.existsSync(`${databasePath}.hold-csv`)) Atomics.wait(shared, FAILED, 0, 5);
  // More threads than windows: this one has none (never asked for a chunk, since the file ends before).
  if (window >= windows.length) return { kind: 'chunk', bytes: new Uint8Array(0), windowEnd: true, last: false, final: true };
  const { startMs, endMs } = windows[window]!;
  rows ??= reader!.rowsIn(startMs, endMs);
  const chunk = csvChunk({ header: reader!.header, next: rows }, window === 0 && chunks === 1);
  written += chunk.rows;
  if (failAfterRows && written > 1000) throw new Error('injected failure (<database>.fail-csv)');
  const windowEnd = chunk.last;
  const last = windowEnd && window === windows.length - 1;
  const final = windowEnd && window + step >= windows.length;
  if (windowEnd) {
    rows = null;
    window += step;
  }
  return { kind: 'chunk', bytes: chunk.bytes, windowEnd, last, final };
}

let credits = CHUNKS_AHEAD;
let scheduled = false;

function finish(): void {
  reader?.close();
  reader = null;
  port.close();
}

/** Writes chunks, one per turn of the event loop (so 'stop' and 'more' are heard), while credits last. */
function write(): void {
  scheduled = false;
  if (!reader || credits <= 0) return;
  try {
    const chunk = nextChunk();
    credits -= 1;
    // Transferred, not copied.
    port.postMessage(chunk satisfies CsvThreadMessage, [chunk.bytes.buffer as ArrayBuffer]);
    if (chunk.final) return finish();
  } catch (error) {
    port.postMessage({ kind: 'error', error: message(error) } satisfies CsvThreadMessage);
    return finish();
  }
  schedule();
}

function schedule(): void {
  if (scheduled || !reader || credits <= 0) return;
  scheduled = true;
  setImmediate(write);
}

port.on('message', (request: CsvThreadRequest) => {
  if (request === 'stop') return finish();
  credits += 1;
  schedule();
});
schedule();
