import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeFactory } from '../../scripts/bench/events';
import { postEvents, startServer, type TestServer } from '../helpers/server';

/**
 * The checkpointer thread (lib/ingest/checkpointer-worker.ts) copies the writer's commits from the
 * write-ahead log into the database file on its own: nothing else does for batches this small (the
 * writer itself only past 25,000 pages in the log), so the database file grows only if it works.
 */
describe('checkpoints after ingest', () => {
  let server: TestServer;
  const factory = new EnvelopeFactory();

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.stop());

  const fileSize = () => fs.statSync(server.databasePath).size;

  async function grownWithin(ms: number, beyond: number): Promise<number> {
    const until = Date.now() + ms;
    while (fileSize() <= beyond && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    return fileSize();
  }

  it('copies each batch into the database file soon after it commits, again and again', async () => {
    for (const round of [1, 2, 3]) {
      const before = fileSize();
      const [body] = factory.ndjsonBatches(1, 200);
      const response = await postEvents(server, body!, { 'content-type': 'application/x-ndjson' });
      expect(response.json, `round ${round}`).toEqual({ accepted: 200, duplicates: 0, rejected: [] });
      // 200 envelopes of ~3.3 kB each: at least 600 kB more in the database file once checkpointed.
      expect(await grownWithin(5_000, before + 600_000), `round ${round}`).toBeGreaterThan(before + 600_000);
    }
  });
});
