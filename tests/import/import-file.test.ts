/** The orchestration with stand-in sources and sinks: batching, the one batch in flight, problems, stopping. */
import { describe, expect, it } from 'vitest';
import type { IngestSummary } from '@/lib/ingest/ingest-envelopes';
import { FatalImportError } from '@/lib/import/errors';
import { importFile, MAX_PROBLEMS } from '@/lib/import/import-file';
import type { EnvelopeSource, SourceRecord } from '@/lib/import/read-envelopes';
import type { Sink } from '@/lib/import/sinks';
import { exitCodeOf, formatSummary } from '@/lib/import/summary';

type Item = { n: number; bad?: boolean; big?: boolean };

/** NDJSON-like records: item n on line n + 1. `read()` says how many the importer has pulled so far. */
function fakeSource(records: SourceRecord[]): EnvelopeSource & { read: () => number } {
  let read = 0;
  return {
    file: 'fake.ndjson',
    format: 'ndjson',
    gzip: false,
    sizeBytes: records.length,
    bytesRead: () => read,
    read: () => read,
    async *records() {
      for (const record of records) {
        read += 1;
        yield record;
      }
    },
  };
}

const items = (count: number, bad: number[] = []): SourceRecord[] =>
  Array.from({ length: count }, (_, n) => ({ position: n + 1, item: { n, ...(bad.includes(n) ? { bad: true } : {}) } }));

/**
 * Accepts every item but the `bad` ones, the way ingestEnvelopes answers. Optionally slow,
 * recording how many sends overlap and how far the source had been read when each began.
 */
function fakeSink(options: { delayMs?: number; failOnBatch?: number; source?: { read: () => number }; bytesPerItem?: number; maxBatchBytes?: number } = {}) {
  const batches: Item[][] = [];
  const readAtSend: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const sink: Sink<Item> = {
    target: 'fake',
    encode: (item) => ({ value: item as Item, bytes: (item as Item).big ? 1_000 : (options.bytesPerItem ?? 0) }),
    maxBatchBytes: options.maxBatchBytes ?? Number.POSITIVE_INFINITY,
    async send(batch): Promise<IngestSummary> {
      batches.push([...batch]);
      readAtSend.push(options.source?.read() ?? 0);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        if (batches.length === options.failOnBatch) throw new FatalImportError('the sink broke');
        const rejected = batch.flatMap((item, index) => (item.bad ? [{ index, issues: [{ path: 'n', message: `item ${item.n} is bad` }] }] : []));
        return { accepted: batch.length - rejected.length, duplicates: 0, rejected };
      } finally {
        inFlight -= 1;
      }
    },
    close: () => {},
  };
  return { sink, batches, readAtSend, maxInFlight: () => maxInFlight };
}

describe('importFile', () => {
  it('sends full batches and then the rest, and sums the answers', async () => {
    const { sink, batches } = fakeSink();
    const summary = await importFile({ source: fakeSource(items(25)), sink, batchSize: 10 });
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat().map((item) => item.n)).toEqual(Array.from({ length: 25 }, (_, n) => n));
    expect(summary).toMatchObject({ accepted: 25, duplicates: 0, rejected: 0, malformed: 0, problems: [], stopped: null, target: 'fake' });
    expect(exitCodeOf(summary)).toBe(0);
  });

  it('traces rejections back to their lines, and counts malformed lines', async () => {
    const records = items(30, [3, 17]);
    records.splice(5, 0, { position: 1000, error: 'malformed JSON: oops', fatal: false }); // positions need not be in order for the test
    const { sink } = fakeSink();
    const summary = await importFile({ source: fakeSource(records), sink, batchSize: 7 });
    expect(summary).toMatchObject({ accepted: 28, rejected: 2, malformed: 1, stopped: null });
    expect(summary.problems).toEqual([
      { kind: 'rejected', position: 4, issues: [{ path: 'n', message: 'item 3 is bad' }] },
      { kind: 'rejected', position: 18, issues: [{ path: 'n', message: 'item 17 is bad' }] },
      { kind: 'malformed', position: 1000, error: 'malformed JSON: oops' },
    ]);
    expect(exitCodeOf(summary)).toBe(2);
    expect(formatSummary(summary)).toContain('  line 18: rejected: n: item 17 is bad\n');
  });

  it('lists the first problems in file order, and counts them all', async () => {
    const bad = Array.from({ length: 40 }, (_, i) => i * 5);
    const { sink } = fakeSink();
    const summary = await importFile({ source: fakeSource(items(200, bad)), sink, batchSize: 50 });
    expect(summary.rejected).toBe(40);
    expect(summary.problems.map((p) => p.position)).toEqual(bad.slice(0, MAX_PROBLEMS).map((n) => n + 1));
    expect(formatSummary(summary)).toContain(`problems (first ${MAX_PROBLEMS} of 40):`);
  });

  it('keeps one batch in flight while filling the next, and no more', async () => {
    const source = fakeSource(items(100));
    const fake = fakeSink({ delayMs: 20, source });
    const summary = await importFile({ source, sink: fake.sink, batchSize: 10 });
    expect(summary.accepted).toBe(100);
    expect(fake.maxInFlight()).toBe(1);
    // When batch k (0-based) goes out, the source has been read up to the end of batch k, not beyond:
    // the next batch is filled while it is in flight, then the importer waits.
    fake.readAtSend.forEach((read, k) => expect(read, `batch ${k}`).toBe((k + 1) * 10));
  });

  it('starts a new batch before the bytes would pass the sink limit; an item over it alone is rejected', async () => {
    const records = items(10);
    (records[4] as { item: Item }).item.big = true;
    const { sink, batches } = fakeSink({ bytesPerItem: 10, maxBatchBytes: 35 });
    const summary = await importFile({ source: fakeSource(records), sink, batchSize: 100 });
    expect(batches.map((b) => b.map((item) => item.n))).toEqual([[0, 1, 2], [3, 5, 6], [7, 8, 9]]);
    expect(summary).toMatchObject({ accepted: 9, rejected: 1 });
    expect(summary.problems[0]).toMatchObject({ kind: 'rejected', position: 5 });
  });

  it('a fatal sink error stops the reading, and the summary says so', async () => {
    const source = fakeSource(items(1000));
    const { sink, batches } = fakeSink({ failOnBatch: 2, source });
    const summary = await importFile({ source, sink, batchSize: 10 });
    expect(summary.stopped).toMatchObject({ reason: 'fatal', message: 'the sink broke' });
    expect(summary.accepted).toBe(10);
    expect(batches).toHaveLength(2);
    expect(source.read()).toBeLessThan(40);
    expect(exitCodeOf(summary)).toBe(1);
    expect(formatSummary(summary)).toContain('stopped early: the sink broke');
  });

  it('a fatal record from the source: what came before it is still sent', async () => {
    const records: SourceRecord[] = [...items(15), { position: 15, error: 'broken JSON array at line 40, after 15 items: expected a value', fatal: true }, ...items(5)];
    const { sink, batches } = fakeSink();
    const summary = await importFile({ source: fakeSource(records), sink, batchSize: 10 });
    expect(batches.map((b) => b.length)).toEqual([10, 5]);
    expect(summary).toMatchObject({ accepted: 15, stopped: { reason: 'fatal', message: 'broken JSON array at line 40, after 15 items: expected a value' } });
    expect(exitCodeOf(summary)).toBe(1);
  });

  it('an abort stops after the batch in flight', async () => {
    const stop = new AbortController();
    const source = fakeSource(items(1000));
    const fake = fakeSink({ delayMs: 5, source });
    const originalSend = fake.sink.send;
    fake.sink.send = (batch) => {
      if (fake.batches.length === 2) stop.abort();
      return originalSend(batch);
    };
    const summary = await importFile({ source, sink: fake.sink, batchSize: 10, signal: stop.signal });
    expect(summary.stopped).toMatchObject({ reason: 'interrupted' });
    expect(summary.accepted).toBe(30);
    expect(exitCodeOf(summary)).toBe(130);
  });
});
