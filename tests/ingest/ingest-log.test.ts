import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { IngestLog } from '@/lib/ingest/ingest-log';
import { getIngestHealth } from '@/lib/queries/ingest-health';
import { openReadOnly } from '../helpers/db';
import { streamLines } from '../helpers/fixtures';
import { postEvents, startServer, tempDatabasePath, TEST_TOKEN, type TestServer } from '../helpers/server';

const NDJSON = { 'content-type': 'application/x-ndjson' };
const EMPTY = { minutes: [], rejections: [] };

function storedLog(databasePath: string) {
  const db = openReadOnly(databasePath);
  try {
    const totals = db
      .prepare(
        `select sum(requests) requests, sum(events_accepted) accepted, sum(duplicates) duplicates, sum(events_rejected) rejected,
                sum(status_400) s400, sum(status_401) s401, sum(status_413) s413, sum(status_415) s415, sum(status_503) s503 from ingest_minutes`,
      )
      .get();
    const rejections = db.prepare('select status, error, rejected_items, issues from ingest_rejections order by id').all() as {
      status: number;
      error: string | null;
      rejected_items: number;
      issues: string;
    }[];
    const everything = JSON.stringify([db.prepare('select * from ingest_minutes').all(), db.prepare('select * from ingest_rejections').all()]);
    return { totals, rejections, everything };
  } finally {
    db.close();
  }
}

describe('ingest log, through the production server', () => {
  let server: TestServer;
  const databasePath = tempDatabasePath('ingest-log');
  beforeAll(async () => {
    server = await startServer({ databasePath });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('counts accepted, duplicate and rejected events and refused requests, keeps the reasons, and survives a restart', async () => {
    const [first, second] = streamLines().map((line) => JSON.parse(line));
    const invalid = { event: 'onFooSECRETVALUE', data: { conversation: { conversation_id: 'bad-1' } } };
    // 1 accepted; the same again: 1 duplicate; a batch with 1 accepted and 1 rejected item.
    expect((await postEvents(server, JSON.stringify(first))).json).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect((await postEvents(server, JSON.stringify(first))).json).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    expect((await postEvents(server, JSON.stringify([second, invalid]))).json).toMatchObject({ accepted: 1, duplicates: 0, rejected: [{ index: 1 }] });
    // Refused as a whole: malformed JSON (400), a wrong token (401), too many events (413), a wrong content type (415),
    // and a request whose only item is invalid (400).
    expect((await postEvents(server, '{"account_id": "SECRET-PAYLOAD-123", oops}')).status).toBe(400);
    expect((await postEvents(server, JSON.stringify(first), { authorization: 'Bearer wrong-SECRET-TOKEN-0123456789' })).status).toBe(401);
    expect((await postEvents(server, '{}\n'.repeat(10_001), NDJSON)).status).toBe(413);
    expect((await postEvents(server, JSON.stringify(first), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await postEvents(server, JSON.stringify(invalid))).status).toBe(400);
    // Token checks (an empty array, an empty NDJSON body): answered 400, not counted as refused.
    expect((await postEvents(server, '[]')).json).toEqual({ error: 'no events in the request' });
    expect((await postEvents(server, '', NDJSON)).json).toEqual({ error: 'empty body: send at least one event' });
    // …but without the token they are refused like any other request.
    expect((await postEvents(server, '[]', { authorization: 'Bearer wrong-SECRET-TOKEN-0123456789' })).status).toBe(401);

    // SIGTERM: `next start` exits, and the log's last flush runs on exit.
    await server.stop();
    const log = storedLog(databasePath);
    expect(log.totals).toEqual({ requests: 9, accepted: 2, duplicates: 1, rejected: 2, s400: 2, s401: 2, s413: 1, s415: 1, s503: 0 });
    expect(log.rejections.map((r) => [r.status, r.rejected_items])).toEqual([
      [200, 1],
      [400, 0],
      [401, 0],
      [413, 0],
      [415, 0],
      [400, 1],
      [401, 0],
    ]);
    expect(JSON.parse(log.rejections[0]!.issues)).toEqual([
      { index: 1, path: 'event', message: 'expected one of "onConversationCreate", "onConversationUpdate", got a string (value not kept)' },
    ]);
    expect(log.rejections[1]!.error).toBe('malformed JSON at line 1, column 38: Expected double-quoted property name');
    expect(log.rejections[2]!.error).toBe('invalid bearer token');
    expect(log.rejections[3]!.error).toMatch(/^too many events: 10001 in one request/);
    expect(log.rejections[4]!.error).toMatch(/^unsupported content type "text\/plain"/);
    expect(log.rejections[5]!.error).toBe('no valid event in the request');
    // Nothing of what was sent, and no token.
    for (const secret of ['SECRET', TEST_TOKEN, 'bad-1', first.data.conversation.conversation_id]) expect(log.everything).not.toContain(secret);

    // After a restart the counts go on from the stored ones, and the page's figures include them.
    server = await startServer({ databasePath });
    expect((await postEvents(server, JSON.stringify(first))).json.duplicates).toBe(1);
    const page = await (await fetch(`${server.url}/ingest`)).text();
    expect(page).toContain('invalid bearer token');
    expect(page).toContain('malformed JSON at line 1, column 38: Expected double-quoted property name');
    await server.stop();
    expect(storedLog(databasePath).totals).toMatchObject({ requests: 10, accepted: 2, duplicates: 2, rejected: 2 });
    const health = getIngestHealth(openDatabase(databasePath), EMPTY);
    expect(health.lastDay).toEqual({ requests: 10, accepted: 2, duplicates: 2, rejected: 2, refused: { 400: 2, 401: 2, 413: 1, 415: 1, 503: 0 } });
    expect(health.latestRejections.map((r) => r.status)).toEqual([401, 400, 415, 413, 401, 400, 200]);
  });
});

describe('ingest log, in memory', () => {
  it('adds what is pending to what is stored, and keeps the stored minutes and reasons bounded', () => {
    const db = openDatabase(tempDatabasePath('ingest-log-unit'));
    const log = new IngestLog();
    const t = Date.parse('2026-11-25T10:00:30Z');
    log.recordSummary({ accepted: 3, duplicates: 1, rejected: [] }, 200, null, t);
    log.recordFailure(401, 'invalid bearer token', t + 60_000);
    // Pending only: the page already sees it.
    expect(getIngestHealth(db, log.pending(), t + 60_000).lastHour).toEqual({ requests: 2, accepted: 3, duplicates: 1, rejected: 0 });
    log.flush(db, t + 60_000);
    expect(log.pending()).toEqual(EMPTY);
    log.recordSummary({ accepted: 2, duplicates: 0, rejected: [] }, 200, null, t + 60_000);
    const health = getIngestHealth(db, log.pending(), t + 60_000);
    expect(health.lastHour).toEqual({ requests: 3, accepted: 5, duplicates: 1, rejected: 0 });
    expect(health.perMinute.slice(-2)).toEqual([
      { minute: Date.parse('2026-11-25T10:00:00Z'), accepted: 3, duplicates: 1, rejected: 0 },
      { minute: Date.parse('2026-11-25T10:01:00Z'), accepted: 2, duplicates: 0, rejected: 0 },
    ]);
    // An hour later (11:00:30) the 60 minutes are 10:01 … 11:00: the first minute is out of the hour, not the day.
    const later = getIngestHealth(db, log.pending(), t + 60 * 60_000);
    expect(later.lastHour.accepted).toBe(2);
    expect(later.lastDay.accepted).toBe(5);

    // 31 days later: the old minutes are pruned; 150 rejections keep the latest 100.
    const month = t + 31 * 86_400_000;
    for (let i = 0; i < 150; i++) log.recordFailure(415, `unsupported content type #${i}`, month);
    log.flush(db, month);
    const raw = db.$client;
    expect(raw.prepare('select count(*) n from ingest_minutes').get()).toEqual({ n: 1 });
    expect(raw.prepare('select count(*) n, min(error) first from ingest_rejections').get()).toMatchObject({ n: 100 });
    expect(getIngestHealth(db, EMPTY, month).latestRejections[0]!.error).toBe('unsupported content type #149');
  });

  it('loses nothing when the database is busy: the counts stay pending for the next flush', () => {
    const path = tempDatabasePath('ingest-log-busy');
    const db = openDatabase(path);
    const other = openDatabase(path, { migrate: false });
    db.$client.pragma('busy_timeout = 0');
    const log = new IngestLog();
    const t = Date.parse('2026-11-25T10:00:00Z');
    log.recordSummary({ accepted: 2, duplicates: 0, rejected: [] }, 200, null, t);
    other.$client.exec('begin immediate'); // a large batch holding the write lock
    expect(() => log.flush(db, t)).toThrow(/busy|locked/i);
    log.recordFailure(401, 'invalid bearer token', t);
    expect(getIngestHealth(db, log.pending(), t).lastHour).toEqual({ requests: 2, accepted: 2, duplicates: 0, rejected: 0 });
    other.$client.exec('rollback');
    log.flush(db, t);
    expect(log.pending()).toEqual(EMPTY);
    expect(getIngestHealth(db, EMPTY, t)).toMatchObject({ lastHour: { requests: 2, accepted: 2 }, latestRejections: [{ status: 401, error: 'invalid bearer token' }] });
  });
});
