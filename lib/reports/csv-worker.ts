/**
 * A download's thread (csv-thread.ts): reads a row report from a read-only connection of its own
 * and writes it as CSV, one chunk per request of the main thread, keeping the next chunk ready
 * meanwhile, so the two threads work side by side: this one reads and writes rows, the main one
 * compresses and sends.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { Filters } from '../filters/parse-filters';
import { csvChunk, type CsvChunk, type CsvSource } from './csv-stream';
import { openRowSource, type RowReportName } from './row-source';

export type CsvThreadData = { databasePath: string; name: RowReportName; filters: Filters };
/** From the main thread: the next chunk, or stop (the client went away). */
export type CsvThreadRequest = 'next' | 'stop';
export type CsvThreadMessage =
  | { kind: 'opened' }
  | { kind: 'failed'; error: string }
  | ({ kind: 'chunk' } & CsvChunk)
  | { kind: 'error'; error: string };

const { databasePath, name, filters } = workerData as CsvThreadData;
const port = parentPort!;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
// Tests only (DASHBOARD_FAULT_INJECTION=1): while `<database>.fail-csv` exists, the third chunk fails,
// as a disk error in the middle of a download would; while `<database>.hold-csv` exists, the second
// chunk waits until the test removes it, as a long export keeps its thread writing (its first chunk
// sent).
const faultInjection = process.env.DASHBOARD_FAULT_INJECTION === '1';
const failThirdChunk = faultInjection && fs.existsSync(`${databasePath}.fail-csv`);
const holdSecondChunk = faultInjection && fs.existsSync(`${databasePath}.hold-csv`);
let chunks = 0;

let source: CsvSource | null = null;
try {
  source = openRowSource(name, filters, databasePath);
  port.postMessage({ kind: 'opened' } satisfies CsvThreadMessage);
} catch (error) {
  port.postMessage({ kind: 'failed', error: message(error) } satisfies CsvThreadMessage);
  port.close();
}

let first = true;
let ready: CsvChunk | null = null;
const next = (): CsvChunk => {
  chunks += 1;
  if (failThirdChunk && chunks === 3) throw new Error('injected failure (<database>.fail-csv)');
  if (holdSecondChunk && chunks === 2) while (fs.existsSync(`${databasePath}.hold-csv`)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  const chunk = csvChunk(source!, first);
  first = false;
  return chunk;
};

function finish(): void {
  source?.close();
  source = null;
  port.close();
}

port.on('message', (request: CsvThreadRequest) => {
  if (!source) return;
  if (request === 'stop') return finish();
  try {
    const chunk = ready ?? next();
    ready = null;
    // Transferred, not copied.
    port.postMessage({ kind: 'chunk', bytes: chunk.bytes, last: chunk.last } satisfies CsvThreadMessage, [chunk.bytes.buffer as ArrayBuffer]);
    if (chunk.last) return finish();
    // The next chunk, written while the main thread sends this one.
    ready = next();
  } catch (error) {
    port.postMessage({ kind: 'error', error: message(error) } satisfies CsvThreadMessage);
    finish();
  }
});
