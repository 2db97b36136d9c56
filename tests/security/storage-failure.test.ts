/**
 * Disk full and a read-only database while the server runs: ingest answers 503 with a clear
 * message and Retry-After, stores nothing of the refused request, health reports it, the pages
 * keep working, and everything recovers once the condition clears.
 *
 * The conditions are injected into the ingest writer's own SQLite connection (see
 * DASHBOARD_FAULT_INJECTION in lib/ingest/writer-worker.ts): `max_page_count` makes SQLite fail
 * with SQLITE_FULL exactly as a full disk does, `query_only` with SQLITE_READONLY. Tests run as
 * root in CI, where chmod would stop nothing, and mounting a tiny filesystem needs privileges.
 * The same switch lets a test make ingest's writer or preparer thread die.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowCount } from '../helpers/db';
import { EventSource, postBatch } from '../helpers/ingest-load';
import { getWithHost, postEvents, startServer, type TestServer } from '../helpers/server';

describe('storage failures while running', () => {
  let server: TestServer;
  const source = new EventSource();
  beforeAll(async () => {
    server = await startServer({ env: { DASHBOARD_FAULT_INJECTION: '1' } });
    expect((await postBatch(server.url, source.batch(50).lines)).kind).toBe('acknowledged');
  });
  afterAll(() => server?.stop());

  const health = async () => {
    const response = await fetch(`${server.url}/api/health`);
    return { status: response.status, json: await response.json() };
  };
  const anonymousHealth = async () => {
    const { status, body } = await getWithHost(server, '/api/health', 'elsewhere.example');
    return { status, json: JSON.parse(body) as unknown };
  };

  it.each([
    { condition: 'disk full', file: 'max-pages', content: '1', message: 'storage full: the database disk has no space left; free space, then retry' },
    {
      condition: 'read-only database',
      file: 'read-only',
      content: '',
      message: 'storage is read-only: the database file or its folder cannot be written; fix permissions, then retry',
    },
  ])('$condition: 503 with the reason, health says so, recovers when it clears', async ({ file, content, message }) => {
    const before = rowCount(server.databasePath, 'events');
    const batch = source.batch(200);
    const marker = `${server.databasePath}.${file}`;
    fs.writeFileSync(marker, content);
    try {
      const refused = await postEvents(server, batch.lines.join('\n'), { 'content-type': 'application/x-ndjson' });
      expect(refused.status).toBe(503);
      expect(refused.json).toEqual({ error: message });
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(rowCount(server.databasePath, 'events')).toBe(before);

      expect(await health()).toEqual({ status: 503, json: { status: 'error', db: 'ok', ingest: 'unwritable', error: message, since: expect.any(String), events: before, conversations: expect.any(Number), lastEventAt: expect.any(String) } });
      // To anyone else (here: open access addressed by another name, no viewer) no reason, no figures.
      expect(await anonymousHealth()).toEqual({ status: 503, json: { status: 'error', db: 'ok', ingest: 'unwritable' } });
      // Reading still works: the dashboard shows what is stored.
      expect((await fetch(`${server.url}/`)).status).toBe(200);
      // Still refused while the condition lasts.
      expect((await postEvents(server, batch.lines.slice(0, 5).join('\n'), { 'content-type': 'application/x-ndjson' })).status).toBe(503);
    } finally {
      fs.rmSync(marker);
    }
    const retried = await postEvents(server, batch.lines.join('\n'), { 'content-type': 'application/x-ndjson' });
    expect(retried.status).toBe(200);
    expect(retried.json).toEqual({ accepted: 200, duplicates: 0, rejected: [] });
    expect(rowCount(server.databasePath, 'events')).toBe(before + 200);
    expect(await health()).toMatchObject({ status: 200, json: { status: 'ok', db: 'ok', events: before + 200 } });
  });

  // Ingest's threads (lib/ingest/writer.ts): a large body is prepared partly by the preparer
  // thread, every body is stored by the writer thread. Either dying fails the requests it held
  // with 503, stores none of them, and the next request gets new threads.
  it.each([
    { thread: 'preparer', events: 200, message: /^the ingest preparer thread exited \(70\)$/ },
    { thread: 'writer', events: 200, message: /^the ingest writer thread exited \(70\)$/ },
    { thread: 'writer', events: 3, message: /^the ingest writer thread exited \(70\)$/ },
  ])('the $thread thread dies under a body of $events events: 503, nothing stored, the next request is served', async ({ thread, events, message }) => {
    const before = rowCount(server.databasePath, 'events');
    const batch = source.batch(events);
    const marker = `${server.databasePath}.crash-${thread}`;
    fs.writeFileSync(marker, '');
    try {
      const refused = await postEvents(server, batch.lines.join('\n'), { 'content-type': 'application/x-ndjson' });
      expect(refused.status).toBe(503);
      expect(refused.json).toEqual({ error: expect.stringMatching(message) });
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(rowCount(server.databasePath, 'events')).toBe(before);
    } finally {
      fs.rmSync(marker);
    }
    const retried = await postEvents(server, batch.lines.join('\n'), { 'content-type': 'application/x-ndjson' });
    expect(retried.status).toBe(200);
    expect(retried.json).toEqual({ accepted: events, duplicates: 0, rejected: [] });
    expect(rowCount(server.databasePath, 'events')).toBe(before + events);
    expect(await health()).toMatchObject({ status: 200, json: { status: 'ok', db: 'ok', events: before + events } });
  });
});
