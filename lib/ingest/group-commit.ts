/**
 * Group commit: requests that arrive while a write is in flight share the next transaction.
 * Each request still gets its own summary, and its answer still waits for the commit that holds
 * its events; but under load a hundred single-event POSTs pay for a few COMMITs, not a hundred.
 */
export class GroupCommit<Batch, Outcome> {
  private queue: { batch: Batch; resolve: (outcome: Outcome) => void; reject: (error: unknown) => void }[] = [];
  private writing = false;
  private storingGroup = false;

  /**
   * `store` commits several batches in one transaction and says what became of each, in order.
   * `gatherMs`: how long a batch that finds the writer idle waits for company before its group is
   * stored (0: only the requests read in the same turn of the event loop). Later groups never
   * wait: they gathered while the previous one was being stored.
   */
  constructor(
    private readonly store: (batches: Batch[]) => Promise<Outcome[]> | Outcome[],
    private readonly gatherMs = 0,
  ) {}

  /** Whether a group is being stored now (its requests not answered yet). */
  get storing(): boolean {
    return this.storingGroup;
  }

  submit(batch: Batch): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // Let the requests already read in this turn of the event loop (and, with a gathering
        // window, those arriving within it) join the first group.
        if (this.gatherMs > 0) setTimeout(() => void this.drain(), this.gatherMs);
        else setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      this.storingGroup = true;
      try {
        const summaries = await this.store(group.map((w) => w.batch));
        group.forEach((w, i) => w.resolve(summaries[i]!));
      } catch (error) {
        // One transaction: if it failed, none of the group was stored, and every request hears so.
        for (const w of group) w.reject(error);
      } finally {
        this.storingGroup = false;
      }
    }
    this.writing = false;
  }
}
