/**
 * Crash safety: the server is killed (SIGKILL, no chance to flush anything) in the middle of a
 * sustained batched ingest, then restarted on the same database. Every event a client saw
 * acknowledged (200) must be stored exactly once, and the projections must equal a fresh
 * reprojection of the raw events. Batches whose answer never came are "in doubt": resending them
 * after the restart stores each event once (idempotent ingest).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openReadOnly, projectionSnapshot } from '../helpers/db';
import { EventSource, postBatch, Tally } from '../helpers/ingest-load';
import { reprojectedSnapshot } from '../helpers/reprojection';
import { startServer, tempDatabasePath, type TestServer } from '../helpers/server';

const CLIENTS = 4;
const BATCH = 200;
/** Acknowledged batches before the kill: enough that the kill lands mid-stream, with requests in flight. */
const KILL_AFTER_BATCHES = 12;

describe('SIGKILL during a sustained batched ingest', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('keeps every acknowledged event exactly once, and projections equal a reprojection', async () => {
    const databasePath = tempDatabasePath('crash');
    const first = await startServer({ databasePath });
    servers.push(first);
    const source = new EventSource();
    const acknowledged = new Set<string>();
    const inDoubt: string[][] = [];
    const tally = new Tally();
    let sent = 0;
    let acknowledgedBatches = 0;
    let killed = false;

    const exited = new Promise<void>((resolve) => first.process.once('exit', () => resolve()));
    const client = async () => {
      // Keep sending until the server is gone: the batches in flight at the kill are the interesting ones.
      for (;;) {
        const { lines, keys } = source.batch(BATCH);
        sent += lines.length;
        const outcome = await postBatch(first.url, lines);
        tally.add(outcome, lines.length);
        if (outcome.kind === 'acknowledged') {
          expect(outcome.accepted + outcome.duplicates).toBe(BATCH);
          for (const key of keys) acknowledged.add(key);
          if (++acknowledgedBatches === KILL_AFTER_BATCHES && !killed) {
            killed = true;
            first.process.kill('SIGKILL');
          }
        } else {
          inDoubt.push(lines);
          if (killed) return;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    await exited;
    expect(first.process.signalCode).toBe('SIGKILL');

    // Restart on the same file: SQLite recovers from the WAL the killed process left.
    const second = await startServer({ databasePath });
    servers.push(second);
    const storedKeys = (): Map<string, number> => {
      const db = openReadOnly(databasePath);
      try {
        const rows = db.prepare('select dedupe_key as key, count(*) as n from events group by dedupe_key').all() as { key: string; n: number }[];
        return new Map(rows.map((r) => [r.key, r.n]));
      } finally {
        db.close();
      }
    };
    const afterRestart = storedKeys();
    const missing = [...acknowledged].filter((key) => !afterRestart.has(key));
    expect(missing).toEqual([]);
    expect([...afterRestart.values()].every((n) => n === 1)).toBe(true);
    // Events committed whose answer the client never got: stored, but not acknowledged.
    const committedUnacknowledged = afterRestart.size - acknowledged.size;
    expect(projectionSnapshot(databasePath)).toEqual(await reprojectedSnapshot(databasePath));

    // The client retries what was in doubt: each event ends up stored once.
    for (const lines of inDoubt) {
      const retry = await postBatch(second.url, lines);
      expect(retry.kind).toBe('acknowledged');
    }
    const final = storedKeys();
    expect(final.size).toBe(sent);
    expect([...final.values()].every((n) => n === 1)).toBe(true);
    expect(projectionSnapshot(databasePath)).toEqual(await reprojectedSnapshot(databasePath));

    console.log(
      `crash: sent ${sent} events in batches of ${BATCH} by ${CLIENTS} clients; acknowledged ${acknowledged.size} before the kill; ` +
        `in doubt ${inDoubt.flat().length} (of which ${committedUnacknowledged} had been committed); stored after restart ${afterRestart.size}, ` +
        `after retrying ${final.size}; outcomes ${JSON.stringify(tally)}`,
    );
  }, 120_000);
});
