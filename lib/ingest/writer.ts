import { MessageChannel, Worker, type ResourceLimits } from 'node:worker_threads';
import { SPLIT_MIN_BYTES, splitNdjson, wholeBody, type BodyPart } from './body-parts';
import { GroupCommit } from './group-commit';
import type { PreparerRequest } from './preparer-worker';
import type { RawBody } from './read-body';
import type { BodyOutcome, SubmittedBody, WriterRequest, WriterResponse } from './writer-worker';

/**
 * Where a large body is cut when the writer thread is free: in the middle, the two halves take
 * about as long (the writer thread's is cheaper to hand over, the preparer thread's is prepared
 * by a thread with nothing else to do).
 */
const SPLIT_AT = 0.5;

/**
 * A request that finds the writer idle waits this long for others to share its transaction. A
 * transaction of one event costs the writer ~265 µs (mostly the WAL pages it dirties: about 21
 * of them), of five ~700 µs; gathering for 1 ms lowered the server CPU of a single-event POST by
 * about 5 % under the benchmark's 8 connections (README, "Benchmarks"), for at most 1 ms of latency.
 */
const GATHER_MS = 1;

/**
 * The ingest threads' young generation: 192 MB (V8's semi-spaces of 64 MB, against 16 by
 * default). A 1,000-event body becomes tens of MB of short-lived objects (parsed envelopes,
 * validated copies, rows, the prepared piece in transit); with the default, much of it outlived
 * a scavenge and was promoted, then marked and swept by V8's helper threads. Measured with NDJSON
 * batches of 1,000 by 2 clients: V8's helper threads 36–44 → 11–17 µs of CPU an event, the
 * server 195–226 → 168–198 µs, 7.3–8.4k → 8.2–9.5k events/s; the process's resident memory under
 * that load about 100 MB higher (540–565 MB against 440–460). Only while a body is being prepared
 * does the space fill.
 */
const THREAD_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 192 };

type Threads = {
  writer: Worker;
  /** Started with the first large body; replaced if it fails. */
  preparer: Worker | null;
  waiting: Map<number, { resolve: (outcomes: BodyOutcome[]) => void; reject: (e: unknown) => void }>;
};

/** What a body was planned with: the threads its pieces were handed to, to be stored by the same. */
type Planned = { body: SubmittedBody; writer: Worker | null; preparer: Worker | null };

/**
 * The server's side of ingest's threads. Request bodies go to the writer thread
 * (writer-worker.ts), those that arrive together in one transaction (group commit), and each
 * request is answered with what became of its body once its events are committed. A large NDJSON
 * body is prepared partly or wholly by the preparer thread (body-parts.ts): half of it while the
 * writer thread prepares the other half, or all of it while the writer thread stores earlier
 * requests. If the writer thread dies, the requests it held fail (503 upstream) and the next
 * request starts a new one; if the preparer thread dies, so do the requests waiting for a piece
 * from it, and the next large body starts a new one.
 */
export class IngestWriter {
  private threads: Threads | null = null;
  private nextId = 1;
  private nextTicket = 1;
  private readonly commit = new GroupCommit<Planned, BodyOutcome>((group) => this.write(group), GATHER_MS);
  /** Why a thread died, for the requests planned with it that had not reached it yet. */
  private readonly failures = new WeakMap<Worker, string>();

  constructor(private readonly databasePath: string) {}

  submit(raw: RawBody): Promise<BodyOutcome> {
    const receivedAt = Date.now();
    const body: SubmittedBody = { format: raw.format, receivedAt, parts: [] };
    const large = raw.format === 'ndjson' && raw.bytes.byteLength >= SPLIT_MIN_BYTES;
    if (!large) {
      body.parts.push({ inline: wholeBody(raw) });
      return this.commit.submit({ body, writer: null, preparer: null });
    }
    const threads = this.ensureThreads();
    const preparer = this.ensurePreparer(threads);
    const halves = this.commit.storing ? null : splitNdjson(raw.bytes, SPLIT_AT);
    if (halves) {
      // The writer thread is free: it prepares one half while the preparer thread prepares the other.
      body.parts.push({ inline: halves[0] }, { ticket: this.prepare(preparer, halves[1], receivedAt) });
    } else {
      // The writer thread is storing earlier requests: the preparer thread prepares the whole body meanwhile.
      body.parts.push({ ticket: this.prepare(preparer, wholeBody(raw), receivedAt) });
    }
    return this.commit.submit({ body, writer: threads.writer, preparer });
  }

  private prepare(preparer: Worker, part: BodyPart, receivedAt: number): number {
    const ticket = this.nextTicket++;
    preparer.postMessage({ ticket, part, receivedAt } satisfies PreparerRequest, transferable([part]));
    return ticket;
  }

  private write(group: Planned[]): Promise<BodyOutcome[]> {
    // Pieces prepared for threads that have died since can no longer be stored.
    for (const { writer, preparer } of group) {
      const failure = (writer && this.failures.get(writer)) ?? (preparer && this.failures.get(preparer));
      if (failure) return Promise.reject(unavailable(failure));
    }
    const threads = this.ensureThreads();
    const id = this.nextId++;
    const bodies = group.map((planned) => planned.body);
    return new Promise((resolve, reject) => {
      threads.waiting.set(id, { resolve, reject });
      const inline = bodies.flatMap((body) => body.parts.flatMap((part) => ('inline' in part ? [part.inline] : [])));
      threads.writer.postMessage({ id, bodies } satisfies WriterRequest, transferable(inline));
    });
  }

  private ensureThreads(): Threads {
    if (this.threads) return this.threads;
    const writer = new Worker(new URL('./writer-worker.ts', import.meta.url), {
      workerData: { databasePath: this.databasePath },
      resourceLimits: THREAD_LIMITS,
    });
    writer.unref();
    const threads: Threads = { writer, preparer: null, waiting: new Map() };
    writer.on('message', (response: WriterResponse) => {
      const waiter = threads.waiting.get(response.id);
      if (!waiter) return;
      threads.waiting.delete(response.id);
      if ('error' in response) waiter.reject(Object.assign(new Error(response.error.message), { code: response.error.code }));
      else waiter.resolve(response.outcomes);
    });
    const fail = (error: Error) => {
      this.failures.set(writer, error.message);
      if (this.threads === threads) this.threads = null;
      for (const waiter of threads.waiting.values()) waiter.reject(Object.assign(error, { code: 'DATABASE_UNAVAILABLE' }));
      threads.waiting.clear();
      // It prepares for this writer thread only.
      void threads.preparer?.terminate();
    };
    writer.on('error', (error) => fail(new Error(`the ingest writer thread failed: ${error.message}`)));
    writer.on('exit', (code) => fail(new Error(`the ingest writer thread exited (${code})`)));
    this.threads = threads;
    return threads;
  }

  private ensurePreparer(threads: Threads): Worker {
    if (threads.preparer) return threads.preparer;
    // A port of their own: prepared pieces go from the preparer thread to the writer thread directly.
    const { port1, port2 } = new MessageChannel();
    threads.writer.postMessage({ preparerPort: port1 } satisfies WriterRequest, [port1]);
    const preparer = new Worker(new URL('./preparer-worker.ts', import.meta.url), {
      workerData: { writerPort: port2, databasePath: this.databasePath },
      transferList: [port2],
      resourceLimits: THREAD_LIMITS,
    });
    preparer.unref();
    const fail = (error: Error) => {
      if (threads.preparer !== preparer) return;
      this.failures.set(preparer, error.message);
      threads.preparer = null;
      // The writer thread stops waiting for its pieces: those requests fail (503), the others go on.
      threads.writer.postMessage({ preparerFailed: error.message } satisfies WriterRequest);
    };
    preparer.on('error', (error) => fail(new Error(`the ingest preparer thread failed: ${error.message}`)));
    preparer.on('exit', (code) => fail(new Error(`the ingest preparer thread exited (${code})`)));
    threads.preparer = preparer;
    return preparer;
  }
}

function unavailable(message: string): Error {
  return Object.assign(new Error(message), { code: 'DATABASE_UNAVAILABLE' });
}

/**
 * The buffers of bodies that own theirs whole (as readRawBody's do): moved to the other thread
 * instead of copied, and this thread no longer holds them. Shared memory (large bodies) is shared,
 * not moved; a body that is a view into a larger buffer is copied.
 */
function transferable(bodies: RawBody[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const { bytes } of bodies) {
    const buffer = bytes.buffer;
    if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) buffers.add(buffer);
  }
  return [...buffers];
}
