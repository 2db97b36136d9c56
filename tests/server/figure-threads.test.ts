import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { streamLines } from '../helpers/fixtures';
import { postEvents, startServer, tempDatabasePath, type TestServer } from '../helpers/server';

// The built server over HTTP on the fixture stream, with fault injection: the tests below make a
// figure thread (lib/server/figure-threads.ts) slow, or make it die.
const OCTOBER = 'from=2026-10-01&to=2026-10-31';
let server: TestServer;
let databasePath: string;

beforeAll(async () => {
  databasePath = tempDatabasePath('figure-threads');
  const db = openDatabase(databasePath);
  ingestEnvelopes(db, streamLines().map((line) => JSON.parse(line)));
  db.$client.close();
  server = await startServer({ databasePath, env: { DASHBOARD_FAULT_INJECTION: '1' } });
});
afterAll(async () => {
  await server?.stop();
});

const get = (path: string) => fetch(`${server.url}${path}`);

/** A create event for a conversation no other test sends. */
function newConversation(id: string): string {
  const created = JSON.parse(streamLines().find((line) => line.includes('"onConversationCreate"'))!);
  created.data.conversation.conversation_id = id;
  return JSON.stringify(created);
}

describe('figure threads', () => {
  it('keep the server answering while one page figure takes seconds: health, live tiles, other pages and ingest come first', async () => {
    // The load chart's figure stays busy 4 s first, as a year of a million conversations keeps it.
    fs.writeFileSync(`${databasePath}.slow-loadOverTime`, '4000');
    try {
      let agentsDone = false;
      const agents = get(`/agents?${OCTOBER}`).then(async (response) => {
        const html = await response.text();
        agentsDone = true;
        return { status: response.status, html };
      });
      await new Promise((resolve) => setTimeout(resolve, 500)); // the request has reached a thread

      expect((await get('/api/health')).status).toBe(200);
      const live = await get(`/api/live?${OCTOBER}`);
      expect(live.status).toBe(200);
      expect(Object.keys(await live.json())).toEqual(expect.arrayContaining(['openNow', 'unassignedNow']));
      const assignments = await get(`/assignments?${OCTOBER}`);
      expect(assignments.status).toBe(200);
      expect(await assignments.text()).toContain('Agent reassignments');
      expect((await postEvents(server, newConversation('arrived-during-slow-figure'))).json.accepted).toBe(1);
      // All answered while the agents page was still waiting for its figure: not queued behind it.
      expect(agentsDone).toBe(false);

      const { status, html } = await agents;
      expect(status).toBe(200);
      expect(html).toContain('Open conversations per agent');
      expect(html).toContain('Load over time');
    } finally {
      fs.rmSync(`${databasePath}.slow-loadOverTime`, { force: true });
    }
  });

  it('fail only the requests of a thread that dies; the next request starts another', async () => {
    fs.writeFileSync(`${databasePath}.crash-figure-thread`, '');
    try {
      expect((await get(`/transitions?${OCTOBER}`)).status).toBe(500);
      expect((await get(`/statistics?${OCTOBER}`)).status).toBe(500);
      // What does not read the range stays on the main thread: the live tiles are unaffected.
      expect((await get(`/api/live?${OCTOBER}`)).status).toBe(200);
    } finally {
      fs.rmSync(`${databasePath}.crash-figure-thread`, { force: true });
    }
    const transitions = await get(`/transitions?${OCTOBER}`);
    expect(transitions.status).toBe(200);
    expect(await transitions.text()).toContain('From → to');
    expect((await get(`/statistics?${OCTOBER}`)).status).toBe(200);
    expect((await get('/api/health')).status).toBe(200);
  });
});
