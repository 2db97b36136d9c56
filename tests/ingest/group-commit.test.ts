import { describe, expect, it, vi } from 'vitest';
import { GroupCommit } from '@/lib/ingest/group-commit';
import type { IngestSummary, PreparedBatch } from '@/lib/ingest/ingest-envelopes';

const batch = (n: number): PreparedBatch => ({ rows: Array.from({ length: n }, () => ({}) as PreparedBatch['rows'][number]), rejected: [] });
const stored = (b: PreparedBatch): IngestSummary => ({ accepted: b.rows.length, duplicates: 0, rejected: [] });

describe('GroupCommit', () => {
  it('groups the batches that arrive while a write is in flight, and answers each with its own summary', async () => {
    const groups: number[][] = [];
    let release: () => void = () => {};
    const commit = new GroupCommit<PreparedBatch, IngestSummary>(async (batches) => {
      groups.push(batches.map((b) => b.rows.length));
      if (groups.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return batches.map(stored);
    });
    const first = commit.submit(batch(1));
    await new Promise((resolve) => setImmediate(resolve)); // the first write starts and waits
    const others = [commit.submit(batch(2)), commit.submit(batch(3)), commit.submit(batch(4))];
    release();
    expect(await first).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect((await Promise.all(others)).map((s) => s.accepted)).toEqual([2, 3, 4]);
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every request of a failed group, and the next group still runs', async () => {
    let calls = 0;
    const commit = new GroupCommit<PreparedBatch, IngestSummary>(async (batches) => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' });
      return batches.map(stored);
    });
    const failed = await Promise.allSettled([commit.submit(batch(1)), commit.submit(batch(1))]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await commit.submit(batch(5))).toMatchObject({ accepted: 5 });
  });

  it('with a gathering window, a batch that finds the writer idle waits for the ones right behind it', async () => {
    // Fake timers: the clock moves only when the test says, so "2 ms later, within the 20 ms
    // window" is exactly that however busy the machine is.
    vi.useFakeTimers();
    try {
      const groups: number[][] = [];
      const commit = new GroupCommit<PreparedBatch, IngestSummary>((batches) => {
        groups.push(batches.map((b) => b.rows.length));
        return batches.map(stored);
      }, 20);
      const first = commit.submit(batch(1));
      await vi.advanceTimersByTimeAsync(2); // a later turn of the event loop, within the window
      expect(groups).toEqual([]);
      const second = commit.submit(batch(2));
      await vi.advanceTimersByTimeAsync(17); // 19 ms: the window still open
      expect(groups).toEqual([]);
      await vi.advanceTimersByTimeAsync(1); // 20 ms: the window closes, both stored together
      expect(groups).toEqual([[1, 2]]);
      expect((await Promise.all([first, second])).map((s) => s.accepted)).toEqual([1, 2]);
      // A batch after the window, with the writer idle again, opens a window of its own.
      const third = commit.submit(batch(3));
      await vi.advanceTimersByTimeAsync(20);
      expect((await third).accepted).toBe(3);
      expect(groups).toEqual([[1, 2], [3]]);
    } finally {
      vi.useRealTimers();
    }
  });
});
