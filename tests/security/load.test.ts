/**
 * Load: LOAD_CLIENTS concurrent clients (default 50) post small NDJSON batches for LOAD_SECONDS
 * (default 10 here; `LOAD_SECONDS=60 npx vitest run tests/security/load.test.ts` for the full
 * minute) while two readers poll the live figures. No 5xx, no "database is locked" anywhere, and
 * every acknowledged event is stored. Prints the figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadOnly } from '../helpers/db';
import { EventSource, postBatch, Tally } from '../helpers/ingest-load';
import { startServer, type TestServer } from '../helpers/server';

const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 50);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 10);
const BATCH = Number(process.env.LOAD_BATCH ?? 10);

describe(`load: ${CLIENTS} clients for ${SECONDS} s`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('answers every request without a 5xx or a lock error, and stores every acknowledged event', async () => {
    const source = new EventSource();
    const acknowledged = new Set<string>();
    const tally = new Tally();
    const readerStatuses = new Map<number, number>();
    let sent = 0;
    let requests = 0;
    const latencies: number[] = [];
    const deadline = Date.now() + SECONDS * 1000;

    const writer = async () => {
      while (Date.now() < deadline) {
        const { lines, keys } = source.batch(BATCH);
        sent += lines.length;
        requests += 1;
        const started = performance.now();
        const outcome = await postBatch(server.url, lines);
        latencies.push(performance.now() - started);
        tally.add(outcome, lines.length);
        if (outcome.kind === 'acknowledged') for (const key of keys) acknowledged.add(key);
      }
    };
    const reader = async () => {
      while (Date.now() < deadline) {
        const response = await fetch(`${server.url}/api/live`);
        const text = await response.text();
        readerStatuses.set(response.status, (readerStatuses.get(response.status) ?? 0) + 1);
        expect(text).not.toMatch(/database is locked/i);
      }
    };
    await Promise.all([...Array.from({ length: CLIENTS }, writer), reader(), reader()]);

    const db = openReadOnly(server.databasePath);
    let stored: Set<string>;
    try {
      stored = new Set((db.prepare('select dedupe_key as key from events').all() as { key: string }[]).map((r) => r.key));
    } finally {
      db.close();
    }
    latencies.sort((a, b) => a - b);
    const figures = {
      clients: CLIENTS,
      seconds: SECONDS,
      batch: BATCH,
      requests,
      sent,
      acknowledged: acknowledged.size,
      stored: stored.size,
      eventsPerSecond: Math.round(acknowledged.size / SECONDS),
      latencyMs: { p50: Math.round(latencies[Math.floor(latencies.length * 0.5)]!), p99: Math.round(latencies[Math.floor(latencies.length * 0.99)]!) },
      outcomes: tally.toJSON(),
      readers: Object.fromEntries(readerStatuses),
    };
    console.log(`load: ${JSON.stringify(figures)}`);

    expect(Object.keys(tally.toJSON())).toEqual(['acknowledged']);
    expect([...readerStatuses.keys()]).toEqual([200]);
    expect(acknowledged.size).toBe(sent);
    expect([...acknowledged].filter((key) => !stored.has(key))).toEqual([]);
    expect(stored.size).toBe(acknowledged.size);
    expect(server.output()).not.toMatch(/database is locked|SQLITE_BUSY/i);
  }, (SECONDS + 60) * 1000);
});
