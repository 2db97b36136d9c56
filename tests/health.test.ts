import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { clearDemoData, loadDemoData } from '@/lib/demo/demo-data';
import { storedEventCount } from '@/lib/events/stored-counts';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { reprojectAll } from '@/lib/projection/reproject';
import { getHealth } from '@/lib/queries/health';
import { streamLines } from './helpers/fixtures';
import { postEvents, postStream, startServer, tempDatabasePath, type TestServer } from './helpers/server';
import { tempDir } from './helpers/temp';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

describe('GET /api/health', () => {
  it('reports stored events, conversations and the last receipt time', async () => {
    const server = await startServer();
    servers.push(server);
    expect(await (await fetch(`${server.url}/api/health`)).json()).toEqual({
      status: 'ok',
      db: 'ok',
      events: 0,
      conversations: 0,
      lastEventAt: null,
    });
    const before = Date.now();
    await postStream(server);
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', db: 'ok', events: 239, conversations: 60 });
    expect(Date.parse(health.lastEventAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('answers 503 while the database cannot be opened, and recovers when it can', async () => {
    const dir = tempDir('broken');
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, 'a file where the database folder should be');
    const server = await startServer({ databasePath: path.join(blocker, 'dashboard.db'), requireHealthy: false });
    servers.push(server);

    const broken = await fetch(`${server.url}/api/health`);
    expect(broken.status).toBe(503);
    expect(await broken.json()).toMatchObject({ status: 'error', db: 'unavailable', error: expect.stringContaining('not-a-folder') });
    const ingest = await postEvents(server, streamLines()[0]!);
    expect(ingest.status).toBe(503);
    expect(server.output()).toContain('is unavailable');

    fs.rmSync(blocker);
    fs.mkdirSync(blocker);
    const recovered = await fetch(`${server.url}/api/health`);
    expect(recovered.status).toBe(200);
    expect((await postEvents(server, streamLines()[0]!)).json).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
  });
});

/** Makes `db` look like a database from before migration `tag` and every later one: their records gone, and what they created. */
function rollBackTo(db: Db, tag: string, undo: string): void {
  const migrations = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'drizzle', 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
  const since = migrations.entries.find((entry) => entry.tag === tag)!.when;
  db.$client.exec(undo);
  db.$client.prepare('delete from __drizzle_migrations where created_at >= ?').run(since);
}

describe('the stored event count health reports (a running total, not a count)', () => {
  const counted = (db: Db) => (db.$client.prepare('select count(*) as n from events').get() as { n: number }).n;

  it('equals count(*) after duplicates, rejections, demo data loaded and cleared, and an upgrade', () => {
    const path = tempDatabasePath('event-count');
    const db = openDatabase(path);
    expect(storedEventCount(db)).toBe(0);
    const stream = streamLines().map((line) => JSON.parse(line) as unknown);
    ingestEnvelopes(db, stream);
    expect(storedEventCount(db)).toBe(239);
    // Every line again (all duplicates), plus one rejected and one new event.
    const fresh = JSON.parse(streamLines()[0]!) as { data: { conversation: { conversation_id: string; messages?: unknown[] } } };
    fresh.data.conversation.conversation_id = 'counted-once';
    fresh.data.conversation.messages = [];
    const summary = ingestEnvelopes(db, [...stream, { event: 'onConversationCreate', data: { conversation: { conversation_id: 42 } } }, fresh]);
    expect(summary).toMatchObject({ accepted: 1, duplicates: 250 });
    expect(storedEventCount(db)).toBe(240);
    loadDemoData(db, { days: 3, conversationsPerDay: 20 });
    expect(storedEventCount(db)).toBe(counted(db));
    expect(storedEventCount(db)).toBeGreaterThan(240);
    clearDemoData(db);
    expect(storedEventCount(db)).toBe(240);
    expect(counted(db)).toBe(240);

    // A database from before the running total (migration 0012): it starts from what is stored.
    rollBackTo(db, '0012_counters', 'drop trigger conversations_counted_in; drop trigger conversations_counted_out; drop table counters');
    db.$client.close();
    const upgraded = openDatabase(path);
    expect(storedEventCount(upgraded)).toBe(240);
    upgraded.$client.close();
  });
});

describe('the conversation count health reports (kept by triggers, not counted)', () => {
  const counted = (db: Db) => (db.$client.prepare('select count(*) as n from conversations').get() as { n: number }).n;

  it('equals count(*) after out-of-order and duplicate events, demo data loaded and cleared, a reprojection and an upgrade', () => {
    const path = tempDatabasePath('conversation-count');
    const db = openDatabase(path);
    expect(getHealth(db).conversations).toBe(0);
    const stream = streamLines().map((line) => JSON.parse(line) as unknown);
    // The stream holds updates before their creates, and duplicates: each conversation counts once.
    ingestEnvelopes(db, stream);
    expect(getHealth(db).conversations).toBe(60);
    const fresh = JSON.parse(streamLines()[0]!) as { data: { conversation: { conversation_id: string } } };
    fresh.data.conversation.conversation_id = 'counted-once';
    ingestEnvelopes(db, [...stream, fresh, fresh]);
    expect(getHealth(db).conversations).toBe(61);
    loadDemoData(db, { days: 3, conversationsPerDay: 20 });
    expect(getHealth(db).conversations).toBe(counted(db));
    expect(getHealth(db).conversations).toBeGreaterThan(61);
    clearDemoData(db);
    expect(getHealth(db).conversations).toBe(61);
    reprojectAll(db);
    expect(getHealth(db).conversations).toBe(61);
    expect(counted(db)).toBe(61);

    // A database from before the triggers (migration 0013): the total starts from what is stored.
    rollBackTo(db, '0013_conversation_count', "drop trigger conversations_counted_in; drop trigger conversations_counted_out; delete from counters where name = 'conversations'");
    db.$client.close();
    const upgraded = openDatabase(path);
    expect(getHealth(upgraded).conversations).toBe(61);
    ingestEnvelopes(upgraded, [{ ...fresh, data: { conversation: { ...fresh.data.conversation, conversation_id: 'after-the-upgrade' } } }]);
    expect(getHealth(upgraded).conversations).toBe(62);
    upgraded.$client.close();
  });
});
