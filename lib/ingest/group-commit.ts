import type { Db } from '../../db/client';
import { storeBatches, type IngestSummary, type PreparedBatch } from './ingest-envelopes';

/**
 * Group commit: requests that arrive together share one transaction. Each request still gets
 * its own summary, and its answer still waits for the commit that holds its events; but a
 * hundred concurrent single-event POSTs pay for one COMMIT instead of a hundred.
 *
 * Batches queue during the current turn of the event loop and are written together right after
 * it (setImmediate), so a request alone is not delayed by more than that turn.
 */
export class GroupCommit {
  private queue: { batch: PreparedBatch; resolve: (summary: IngestSummary) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly db: () => Db) {}

  submit(batch: PreparedBatch): Promise<IngestSummary> {
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const waiting = this.queue;
    this.queue = [];
    try {
      const summaries = storeBatches(this.db(), waiting.map((w) => w.batch));
      waiting.forEach((w, i) => w.resolve(summaries[i]!));
    } catch (error) {
      // One transaction: if it failed, none of the batches was stored, and every request hears so.
      for (const w of waiting) w.reject(error);
    }
  }
}
