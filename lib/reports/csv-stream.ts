import { csvLines, UTF8_BOM, type Cell } from './csv';

/** Rows read per `pull`: enough that a chunk is worth a network write (~100–300 KB), few enough to stay small. */
const ROWS_PER_CHUNK = 500;

export type CsvSource = {
  header: readonly string[];
  /** The next row's cells, or undefined after the last row. */
  next: () => Cell[] | undefined;
  /** Releases what the rows are read from (a cursor, a connection); called once, whatever happens. */
  close: () => void;
};

const encoder = new TextEncoder();

/** A piece of a CSV file as UTF-8, whether the source had no rows left, and how many rows it holds. */
export type CsvChunk = { bytes: Uint8Array; last: boolean; rows: number };

/**
 * The next piece of a CSV file: up to ROWS_PER_CHUNK rows as UTF-8 (after the BOM and the header
 * when `first`), and whether the source has no rows left. Where a download's CPU goes: reading the
 * rows and writing them, on whichever thread calls this (csv-worker.ts: not the server's main one).
 */
export function csvChunk(source: Pick<CsvSource, 'header' | 'next'>, first: boolean): CsvChunk {
  const rows: Cell[][] = [];
  let row: Cell[] | undefined;
  while (rows.length < ROWS_PER_CHUNK && (row = source.next()) !== undefined) rows.push(row);
  const text = (first ? UTF8_BOM + csvLines([source.header as Cell[]]) : '') + csvLines(rows);
  return { bytes: encoder.encode(text), last: row === undefined, rows: rows.length };
}

/**
 * A CSV file as a pull-based byte stream: rows are read only when the consumer asks for more, so
 * memory stays flat whatever the row count (backpressure), and the header leaves at once. The
 * source is closed at the end, on error, when the consumer cancels, or when `signal` aborts (the
 * client went away).
 */
export function csvStream(source: CsvSource, signal?: AbortSignal): ReadableStream<Uint8Array> {
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    signal?.removeEventListener('abort', finish);
    source.close();
  };
  signal?.addEventListener('abort', finish);
  if (signal?.aborted) finish();
  let first = true;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (closed) {
          // Aborted: there is nobody to write to any more.
          controller.close();
          return;
        }
        try {
          const chunk = csvChunk(source, first);
          first = false;
          if (chunk.bytes.length > 0) controller.enqueue(chunk.bytes);
          if (chunk.last) {
            finish();
            controller.close();
          }
        } catch (error) {
          finish();
          controller.error(error);
        }
      },
      cancel() {
        finish();
      },
    },
    // One chunk ahead at most: nothing is read before the consumer is ready for it.
    { highWaterMark: 1 },
  );
}

/** A source over rows already in memory (the small per-team reports). */
export function arraySource(header: readonly string[], rows: Cell[][]): CsvSource {
  let index = 0;
  return { header, next: () => rows[index++], close: () => {} };
}
