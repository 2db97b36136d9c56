import { Worker } from 'node:worker_threads';
import type { RawBody } from './read-body';
import type { BodyOutcome, WriterResponse } from './writer-worker';

/**
 * The server's side of the writer thread (writer-worker.ts): hands it raw request bodies and
 * resolves with what became of each once their events are committed. If the thread dies, the requests it
 * held fail (503 upstream) and the next request starts a new one.
 */
export class IngestWriter {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (outcomes: BodyOutcome[]) => void; reject: (e: unknown) => void }>();

  constructor(private readonly databasePath: string) {}

  ingest(bodies: RawBody[]): Promise<BodyOutcome[]> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, bodies }, transferable(bodies));
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./writer-worker.ts', import.meta.url), { workerData: { databasePath: this.databasePath } });
    worker.unref();
    worker.on('message', (response: WriterResponse) => {
      const waiter = this.waiting.get(response.id);
      if (!waiter) return;
      this.waiting.delete(response.id);
      if ('error' in response) waiter.reject(Object.assign(new Error(response.error.message), { code: response.error.code }));
      else waiter.resolve(response.outcomes);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const waiter of this.waiting.values()) waiter.reject(Object.assign(error, { code: 'DATABASE_UNAVAILABLE' }));
      this.waiting.clear();
    };
    worker.on('error', (error) => fail(new Error(`the ingest writer thread failed: ${error.message}`)));
    worker.on('exit', (code) => fail(new Error(`the ingest writer thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}

/**
 * The buffers of bodies that own theirs whole (as readRawBody's do): moved to the writer thread
 * instead of copied, a few MB for a large batch, and this thread no longer holds them. A body
 * that is a view into a larger buffer is copied as before.
 */
function transferable(bodies: RawBody[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const { bytes } of bodies) {
    const buffer = bytes.buffer;
    if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) buffers.add(buffer);
  }
  return [...buffers];
}
