import type { IngestSummary, Rejection } from '../ingest/ingest-envelopes';
import { errorMessage } from './errors';
import type { ProgressReporter } from './progress';
import type { EnvelopeSource, SourceFormat } from './read-envelopes';
import type { Sink } from './sinks';

/** How many problems (malformed lines, rejections) the summary lists; all of them are counted. */
export const MAX_PROBLEMS = 10;

/** A line (or array item) that was not imported, and why. `position` as in SourceRecord. */
export type Problem = { kind: 'malformed'; position: number; error: string } | ({ kind: 'rejected'; position: number } & Pick<Rejection, 'issues'>);

/** What became of a file: POST /api/events's counts, summed over the batches, plus what never reached a batch. */
export type ImportSummary = Pick<IngestSummary, 'accepted' | 'duplicates'> & {
  file: string;
  format: SourceFormat;
  gzip: boolean;
  /** The database file or the dashboard's endpoint. */
  target: string;
  /** Items that failed validation (each one also in `problems`, up to MAX_PROBLEMS). */
  rejected: number;
  /** NDJSON lines that were not JSON. */
  malformed: number;
  /** The first MAX_PROBLEMS problems, in file order. */
  problems: Problem[];
  /** Set when the import ended before the end of the file: what was imported until then stays imported. */
  stopped: { reason: 'fatal' | 'interrupted'; message: string; error?: unknown } | null;
  elapsedMs: number;
};

export type ImportOptions<T> = {
  source: EnvelopeSource;
  sink: Sink<T>;
  /** Items a batch (one transaction, or one request). */
  batchSize: number;
  progress?: ProgressReporter;
  /** Aborting stops reading: the batch in flight is finished, the one being filled is dropped. */
  signal?: AbortSignal;
};

type Batch<T> = { values: T[]; positions: number[]; bytes: number };

/**
 * Reads `source` and sends it to `sink` batch by batch. While one batch is in flight the next is
 * filled, and no further: at most two batches are in memory, whatever the size of the file.
 * Malformed lines and rejected items are counted and the import goes on; a fatal error (the
 * sink's, or a file that cannot be read on) stops it, and the summary says so.
 */
export async function importFile<T>({ source, sink, batchSize, progress, signal }: ImportOptions<T>): Promise<ImportSummary> {
  const started = performance.now();
  const summary: ImportSummary = {
    file: source.file,
    format: source.format,
    gzip: source.gzip,
    target: sink.target,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    malformed: 0,
    problems: [],
    stopped: null,
    elapsedMs: 0,
  };
  const problems = new FirstProblems(MAX_PROBLEMS);
  const handled = () => summary.accepted + summary.duplicates + summary.rejected;
  const report = () => progress?.update({ events: handled(), bytesRead: source.bytesRead() });

  let batch = emptyBatch<T>();
  let inFlight: Promise<void> = Promise.resolve();
  let sinkError: unknown = null;

  const record = (sent: Batch<T>, answer: IngestSummary) => {
    summary.accepted += answer.accepted;
    summary.duplicates += answer.duplicates;
    summary.rejected += answer.rejected.length;
    for (const { index, issues } of answer.rejected) problems.add({ kind: 'rejected', position: sent.positions[index]!, issues });
    report();
  };

  /** Sends the batch being filled, once the one in flight is done. */
  const flush = async () => {
    await inFlight;
    if (batch.values.length === 0 || sinkError !== null) return;
    const full = batch;
    batch = emptyBatch<T>();
    // Never rejects: a failure is kept and ends the reading loop.
    inFlight = sink.send(full.values).then(
      (answer) => record(full, answer),
      (error: unknown) => {
        sinkError = error;
      },
    );
  };

  try {
    for await (const item of source.records()) {
      if (sinkError !== null || signal?.aborted) break;
      if ('error' in item) {
        if (item.fatal) {
          summary.stopped = { reason: 'fatal', message: item.error };
          break;
        }
        summary.malformed += 1;
        problems.add({ kind: 'malformed', position: item.position, error: item.error });
        continue;
      }
      const { value, bytes } = sink.encode(item.item);
      if (bytes > sink.maxBatchBytes) {
        // Alone it would still be over the server's request limit: it can never be sent.
        summary.rejected += 1;
        problems.add({ kind: 'rejected', position: item.position, issues: [{ path: '(envelope)', message: `${bytes} bytes, more than a request may carry (${sink.maxBatchBytes})` }] });
        continue;
      }
      if (batch.bytes + bytes > sink.maxBatchBytes) await flush();
      batch.values.push(value);
      batch.positions.push(item.position);
      batch.bytes += bytes;
      if (batch.values.length >= batchSize) await flush();
    }
    if (sinkError === null && !signal?.aborted) await flush(); // the last, partial batch
    await inFlight;
  } catch (error) {
    // Reading failed in a way the source did not turn into a record: still report what was imported.
    await inFlight;
    summary.stopped = { reason: 'fatal', message: errorMessage(error), error };
  }

  if (sinkError !== null) summary.stopped = { reason: 'fatal', message: errorMessage(sinkError), error: sinkError };
  else if (signal?.aborted && summary.stopped === null) summary.stopped = { reason: 'interrupted', message: 'interrupted' };
  summary.problems = problems.list();
  summary.elapsedMs = performance.now() - started;
  report();
  return summary;
}

function emptyBatch<T>(): Batch<T> {
  return { values: [], positions: [], bytes: 0 };
}

/** Keeps the `limit` problems that come first in the file (rejections arrive a batch late, so not always in order). */
class FirstProblems {
  private readonly kept: Problem[] = [];
  constructor(private readonly limit: number) {}

  add(problem: Problem): void {
    if (this.kept.length >= this.limit && problem.position > this.kept[this.kept.length - 1]!.position) return;
    let at = this.kept.length;
    while (at > 0 && this.kept[at - 1]!.position > problem.position) at--;
    this.kept.splice(at, 0, problem);
    if (this.kept.length > this.limit) this.kept.pop();
  }

  list(): Problem[] {
    return [...this.kept];
  }
}
