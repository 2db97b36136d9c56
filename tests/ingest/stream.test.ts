import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadOnly, projectionSnapshot, rowCount } from '../helpers/db';
import { streamLines } from '../helpers/fixtures';
import { npmScript } from '../helpers/npm-script';
import { postEvents, ROOT, startServer, type TestServer } from '../helpers/server';

// The out-of-order stream: 250 lines, 239 distinct events (11 exact duplicates), 60 conversations,
// 18 updates delivered before their create. Expected figures counted independently from the file.
const EXPECTED = {
  events: 239,
  duplicates: 11,
  conversations: 60,
  statusTransitions: 60 + 111, // one `→ new` per create, plus every model_changes.status
  assignmentChanges: 131, // 67 agent changes, 64 group changes
  byStatus: [
    { status: 'assigned', n: 15 },
    { status: 'new', n: 12 },
    { status: 'resolved', n: 33 },
  ],
  counters: { reopens: 10, agentReassignments: 9, unassignments: 5, createsSeen: 60, withStatistics: 37 },
};

const ndjson = (lines: string[]) => lines.join('\n') + '\n';
const NDJSON = { 'content-type': 'application/x-ndjson' };

/** A seeded shuffle, so a failure can be reproduced. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('the out-of-order stream with duplicates', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('stores each distinct event once and counts the duplicates', async () => {
    const response = await postEvents(server, ndjson(streamLines()), NDJSON);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ accepted: EXPECTED.events, duplicates: EXPECTED.duplicates, rejected: [] });
    expect(rowCount(server.databasePath, 'events')).toBe(EXPECTED.events);
  });

  it('projects exact counts', () => {
    const db = openReadOnly(server.databasePath);
    const one = (sql: string) => db.prepare(sql).get() as Record<string, number>;
    expect(one('select count(*) as n from conversations').n).toBe(EXPECTED.conversations);
    expect(one('select count(*) as n from status_transitions').n).toBe(EXPECTED.statusTransitions);
    expect(one('select count(*) as n from assignment_changes').n).toBe(EXPECTED.assignmentChanges);
    expect(db.prepare('select status, count(*) as n from conversations group by status order by status').all()).toEqual(EXPECTED.byStatus);
    expect(
      one(`select sum(reopen_count) as reopens, sum(agent_reassignment_count) as agentReassignments,
             sum(unassignment_count) as unassignments, sum(create_seen) as createsSeen,
             sum(resolution_time_chrs is not null) as withStatistics from conversations`),
    ).toEqual(EXPECTED.counters);
    db.close();
  });

  it('sending the whole stream again stores nothing new', async () => {
    const before = projectionSnapshot(server.databasePath);
    const response = await postEvents(server, ndjson(streamLines()), NDJSON);
    expect(response.json).toEqual({ accepted: 0, duplicates: 250, rejected: [] });
    expect(rowCount(server.databasePath, 'events')).toBe(EXPECTED.events);
    expect(projectionSnapshot(server.databasePath)).toEqual(before);
  });

  it('a duplicate that differs only in iparams or whitespace is still a duplicate', async () => {
    const line = JSON.parse(streamLines()[0]!);
    line.iparams = { dashboard_url: 'https://elsewhere.test', ingest_token: 'another-secret' };
    const response = await postEvents(server, JSON.stringify(line, null, 2));
    expect(response.json).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  });

  it('db:reproject rebuilds identical tables from the raw events', () => {
    const live = projectionSnapshot(server.databasePath);
    const reproject = npmScript('db:reproject');
    const output = execFileSync(reproject.command, reproject.args, {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${server.databasePath}` },
      encoding: 'utf8',
    });
    expect(output).toContain(`reprojected ${EXPECTED.events} of ${EXPECTED.events} events`);
    expect(projectionSnapshot(server.databasePath)).toEqual(live);
  });
});

describe('arrival order does not change the result', () => {
  const servers: TestServer[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  it('forward, reversed in batches of 7, and shuffled one by one give identical projections', async () => {
    const lines = streamLines();
    const [forward, reversed, oneByOne] = await Promise.all([startServer(), startServer(), startServer()]);
    servers.push(forward!, reversed!, oneByOne!);

    await postEvents(forward!, ndjson(lines), NDJSON);

    const backwards = [...lines].reverse();
    for (let i = 0; i < backwards.length; i += 7) await postEvents(reversed!, ndjson(backwards.slice(i, i + 7)), NDJSON);

    let accepted = 0;
    for (const line of shuffled(lines, 42)) accepted += (await postEvents(oneByOne!, line)).json.accepted;
    expect(accepted).toBe(EXPECTED.events);

    const expected = projectionSnapshot(forward!.databasePath);
    expect(expected.conversations).toHaveLength(EXPECTED.conversations);
    expect(projectionSnapshot(reversed!.databasePath)).toEqual(expected);
    expect(projectionSnapshot(oneByOne!.databasePath)).toEqual(expected);
  });
});

describe('concurrent requests (group commit)', () => {
  const servers: TestServer[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  it('each request gets its own answer, each distinct event is accepted exactly once, and the tables are those of one ordered load', async () => {
    const [server, reference] = (await Promise.all([startServer(), startServer()])) as [TestServer, TestServer];
    servers.push(server, reference);
    const lines = streamLines();
    await postEvents(reference, ndjson(lines), NDJSON);
    // All 250 lines at once, each its own request: duplicates race each other.
    const responses = await Promise.all(lines.map((line) => postEvents(server, line)));
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.json.accepted + response.json.duplicates).toBe(1);
    }
    const acceptedByLine = new Map<string, number>();
    responses.forEach((response, i) => acceptedByLine.set(lines[i]!, (acceptedByLine.get(lines[i]!) ?? 0) + response.json.accepted));
    expect([...acceptedByLine.values()].every((accepted) => accepted === 1)).toBe(true);
    expect(rowCount(server.databasePath, 'events')).toBe(EXPECTED.events);
    expect(rowCount(server.databasePath, 'conversations')).toBe(EXPECTED.conversations);
    // A race that projected an event twice, or two events of a conversation in the wrong order,
    // leaves the counts above right: every projected row is compared.
    expect(projectionSnapshot(server.databasePath)).toEqual(projectionSnapshot(reference.databasePath));
  });
});
