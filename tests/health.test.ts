import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { streamLines } from './helpers/fixtures';
import { postEvents, postStream, startServer, type TestServer } from './helpers/server';
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
