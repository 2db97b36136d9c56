import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadOnly } from '../helpers/db';
import { FIXTURE_FILES, readFixture, streamLines } from '../helpers/fixtures';
import { freePort, startServer, TEST_TOKEN, type TestServer } from '../helpers/server';
import { freshEvent, HOST, IPARAMS, startDashboardBehindProxy, stopDashboardBehindProxy } from './dashboard-behind-proxy';
import type { FaultProxy } from './fault-proxy';
import { FreshworksRuntime, type LogEntry } from './freshworks-runtime';

// The Freshworks app's handlers, run in the runtime stand-in, against the real dashboard
// (production build on localhost) behind a proxy that can inject failures.
const STREAM_TOKEN = 'SECRET-SHOULD-NOT-BE-STORED'; // the iparams the stream's lines carry

let dashboard: TestServer;
let proxy: FaultProxy;
const allLogs: LogEntry[] = [];

beforeAll(async () => ({ dashboard, proxy } = await startDashboardBehindProxy()));
afterAll(() => stopDashboardBehindProxy({ dashboard, proxy }));

function runtime(options: { iparams?: Record<string, string>; target?: string } = {}) {
  // Every line is also gathered for the final check that no log line ever holds a token.
  return new FreshworksRuntime({ iparams: options.iparams ?? IPARAMS, hosts: { [HOST]: options.target ?? proxy.url }, onLog: (entry) => allLogs.push(entry) });
}

function query<T = any>(sql: string, ...params: unknown[]): T[] {
  const db = openReadOnly(dashboard.databasePath);
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
const storedFor = (conversationId: string) => query('select payload from events where conversation_id = ?', conversationId).length;

describe('every fixture flows through its handler into the dashboard', () => {
  const app = () => runtime();
  let fixturesRun: FreshworksRuntime;
  let results: unknown[];

  beforeAll(async () => {
    proxy.reset();
    fixturesRun = app();
    results = [];
    for (const file of FIXTURE_FILES) {
      const fixture = readFixture(file);
      results.push(await fixturesRun.trigger(fixture.event, fixture));
    }
    for (const line of streamLines()) {
      const envelope = JSON.parse(line);
      results.push(await fixturesRun.trigger(envelope.event, envelope));
    }
  });

  it('delivers each of the 7 fixtures and the 250 stream lines on the first attempt, quietly', () => {
    expect(results).toHaveLength(257);
    expect(results.every((r: any) => r.outcome === 'delivered' && r.attempts === 1 && r.status === 200)).toBe(true);
    expect(proxy.seen).toHaveLength(257);
    expect(fixturesRun.requests).toHaveLength(257);
    expect(fixturesRun.logs).toEqual([]);
  });

  it('stores each distinct event once: 239 events of 60 conversations (the stream repeats the fixtures and 11 of its own lines)', async () => {
    // By hand: the 7 fixtures are all in the stream; the stream's 250 lines hold 239 distinct
    // envelopes once iparams are set aside, for 60 conversations.
    expect(query('select count(*) as n from events')[0].n).toBe(239);
    expect(query('select count(*) as n from conversations')[0].n).toBe(60);
    const health = await (await fetch(`${dashboard.url}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', events: 239, conversations: 60 });
    const duplicates = proxy.seen.filter((seen) => JSON.parse(seen.dashboard!.body).duplicates === 1).length;
    expect(duplicates).toBe(257 - 239);
  });

  it('posts JSON to /api/events with the ingest token from the secure setting', () => {
    for (const seen of proxy.seen) {
      expect(seen.method).toBe('POST');
      expect(seen.path).toBe('/api/events');
      expect(seen.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
      expect(seen.headers['content-type']).toBe('application/json');
    }
    expect(new Set(fixturesRun.requests.map((r) => `${r.template} ${r.url}`))).toEqual(new Set([`forwardEvent https://${HOST}/api/events`]));
  });

  it('never lets iparams reach the dashboard: not in what it received, not in what it stored', () => {
    for (const seen of proxy.seen) {
      expect(JSON.parse(seen.body)).not.toHaveProperty('iparams');
      expect(seen.body).not.toContain(TEST_TOKEN);
      expect(seen.body).not.toContain(STREAM_TOKEN);
      expect(seen.body).not.toContain('example-token');
    }
    const stored = query<{ payload: string }>('select payload from events');
    expect(stored).toHaveLength(239);
    for (const { payload } of stored) {
      expect(JSON.parse(payload)).not.toHaveProperty('iparams');
      for (const secret of [TEST_TOKEN, STREAM_TOKEN, 'example-token', 'dashboard_url']) expect(payload).not.toContain(secret);
    }
  });
});

describe('failures', () => {
  it('retries a 503 and stores the event once', async () => {
    const { id, payload } = freshEvent();
    proxy.reset({ kind: 'respond', status: 503, body: '{"error":"storage unavailable"}' });
    const app = runtime();
    expect(await app.trigger('onConversationCreate', payload)).toEqual({ outcome: 'delivered', attempts: 2, status: 200 });
    expect(proxy.seen.map((s) => s.answered)).toEqual([503, 200]);
    expect(JSON.parse(proxy.seen[1]!.dashboard!.body)).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(storedFor(id)).toBe(1);
    expect(app.logs.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(app.logs[0]!.text).toContain(`conversation ${id}: attempt 1 of 5 got status 503; next attempt in`);
  });

  it('stores the event once when the dashboard stored it but its answer was lost', async () => {
    const { id, payload } = freshEvent();
    proxy.reset({ kind: 'forward-then-respond', status: 503 });
    const app = runtime();
    expect(await app.trigger('onConversationCreate', payload)).toEqual({ outcome: 'delivered', attempts: 2, status: 200 });
    expect(proxy.seen.map((s) => JSON.parse(s.dashboard!.body))).toEqual([
      { accepted: 1, duplicates: 0, rejected: [] },
      { accepted: 0, duplicates: 1, rejected: [] },
    ]);
    expect(storedFor(id)).toBe(1);
  });

  it('does not retry the dashboard\'s 400 for an invalid event, and logs the conversation and the status', async () => {
    const { id, payload } = freshEvent();
    payload.data.conversation.status = 42; // the dashboard validates: status must be a string
    proxy.reset();
    const app = runtime();
    expect(await app.trigger('onConversationCreate', payload)).toEqual({ outcome: 'rejected', attempts: 1, status: 400 });
    expect(proxy.seen).toHaveLength(1);
    expect(proxy.seen[0]!.dashboard!.status).toBe(400);
    expect(storedFor(id)).toBe(0);
    expect(app.logs).toHaveLength(1);
    expect(app.logs[0]!.level).toBe('error');
    expect(app.logs[0]!.text).toMatch(
      new RegExp(`^\\[dashboard-forwarder\\] FAILED to forward onConversationCreate for conversation ${id}: status 400, not retried: the dashboard refused this request; dashboard said: \\{"error":"no valid event in the request; first problem: data\\.conversation\\.status: `),
    );
  });

  it('does not retry a 401 (wrong token), keeps the event for later and the token out of the log', async () => {
    const { id, payload } = freshEvent();
    proxy.reset();
    const app = runtime({ iparams: { ...IPARAMS, ingest_token: 'wrong-token-9f8e7d6c5b4a' } });
    expect(await app.trigger('onConversationCreate', payload)).toMatchObject({ outcome: 'parked', attempts: 1, status: 401 });
    expect(app.logs.map((l) => l.level)).toEqual(['warn']);
    expect(proxy.seen).toHaveLength(1);
    expect(app.logText()).toContain(`conversation ${id}: status 401, not retried`);
    expect(app.logText()).toContain('invalid bearer token');
    expect(app.logText()).not.toContain('wrong-token-9f8e7d6c5b4a');
    expect(storedFor(id)).toBe(0);
  });

  it('honours Retry-After on a 429, then delivers', async () => {
    const { id, payload } = freshEvent();
    proxy.reset({ kind: 'respond', status: 429, headers: { 'retry-after': '1' } });
    const app = runtime();
    expect(await app.trigger('onConversationCreate', payload)).toEqual({ outcome: 'delivered', attempts: 2, status: 200 });
    expect(app.logs[0]!.text).toContain(`conversation ${id}: attempt 1 of 5 got status 429; next attempt in 1000 ms (Retry-After)`);
    expect(storedFor(id)).toBe(1);
  });

  it('retries a dropped connection, then delivers', async () => {
    const { id, payload } = freshEvent();
    proxy.reset({ kind: 'drop' });
    const app = runtime();
    expect(await app.trigger('onConversationCreate', payload)).toEqual({ outcome: 'delivered', attempts: 2, status: 200 });
    expect(proxy.seen.map((s) => s.answered)).toEqual(['dropped', 200]);
    expect(app.logs[0]!.text).toContain('got no HTTP status (network error: socket hang up)');
    expect(storedFor(id)).toBe(1);
  });

  it('gives up after 5 attempts when the dashboard keeps answering 503, keeps the event in the outbox, and says so once', async () => {
    const { id, payload } = freshEvent();
    const unavailable = { kind: 'respond', status: 503, headers: {}, body: '{"error":"storage unavailable"}' } as const;
    proxy.reset(unavailable, unavailable, unavailable, unavailable, unavailable, unavailable);
    const app = runtime();
    const result: any = await app.trigger('onConversationCreate', payload);
    expect(result).toMatchObject({ outcome: 'parked', attempts: 5, status: 503 });
    expect(proxy.seen).toHaveLength(5);
    expect(app.logs.map((l) => l.level)).toEqual(['warn', 'warn', 'warn', 'warn', 'warn']);
    expect(app.logs[4]!.text).toBe(
      `[dashboard-forwarder] could not deliver onConversationCreate for conversation ${id}: status 503, gave up after 5 attempts; dashboard said: {"error":"storage unavailable"}; kept in the outbox (fwd:${result.id}), sent again within 5 minutes of the dashboard answering`,
    );
    expect(storedFor(id)).toBe(0);
  });

  it('retries when the dashboard is unreachable (connection refused), then keeps the event and logs why', async () => {
    const { id, payload } = freshEvent();
    const app = runtime({ target: `http://127.0.0.1:${await freePort()}` });
    expect(await app.trigger('onConversationCreate', payload)).toMatchObject({ outcome: 'parked', attempts: 5, status: null });
    expect(app.requests).toHaveLength(5);
    expect(app.requests.every((r) => r.status === null && /ECONNREFUSED/.test(r.error ?? ''))).toBe(true);
    expect(app.logs.at(-1)!.text).toMatch(
      new RegExp(`could not deliver onConversationCreate for conversation ${id}: no HTTP status \\(network error: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\), gave up after 5 attempts; kept in the outbox \\(fwd:\\w+\\)`),
    );
  });

  it('retries the 503 of a dashboard whose ingest is disabled, then names the cause; refuses to install against it', async () => {
    const closed = await startServer({ env: { INGEST_TOKEN: undefined } });
    try {
      const { id, payload } = freshEvent();
      const app = runtime({ target: closed.url });
      expect(await app.trigger('onConversationCreate', payload)).toMatchObject({ outcome: 'parked', attempts: 5, status: 503 });
      expect(app.logs.at(-1)!.text).toContain(
        `conversation ${id}: status 503, gave up after 5 attempts; dashboard said: {"error":"ingest is disabled: set INGEST_TOKEN`,
      );
      const installing = runtime({ target: closed.url });
      await installing.trigger('onAppInstall', {});
      expect(installing.renderDataCalls).toEqual([[{ message: 'Dashboard ingest is off or its storage is down (503)' }]]);
      expect(installing.logs.at(-1)!.text).toContain('installation refused: a test request to https://dashboard.example.test/api/events got status 503; dashboard said: {"error":"ingest is disabled');
    } finally {
      await closed.stop();
    }
  });

  it('sends nothing when dashboard_url is not an https address (the event waits in the outbox)', async () => {
    const { id, payload } = freshEvent();
    proxy.reset();
    const app = runtime({ iparams: { ...IPARAMS, dashboard_url: `http://${HOST}:3000` } });
    expect(await app.trigger('onConversationCreate', payload)).toMatchObject({ outcome: 'parked', attempts: 0, status: null });
    expect(app.requests).toHaveLength(0);
    expect(app.logs[0]!.text).toContain(`conversation ${id}: no request sent, the app setting dashboard_url ("http://${HOST}:3000") is not an https:// address`);
  });

  describe('installation (onAppInstall) checks the settings against the dashboard', () => {
    const storedEvents = () => query<{ n: number }>('select count(*) as n from events')[0]!.n;

    it('installs when the dashboard accepts the token, and stores nothing', async () => {
      const before = storedEvents();
      proxy.reset();
      const app = runtime();
      await app.trigger('onAppInstall', {});
      expect(app.renderDataCalls).toEqual([[]]);
      expect(app.requests.map((r) => [r.url, r.body, r.status])).toEqual([[`https://${HOST}/api/events`, '[]', 400]]);
      expect(app.requests[0]!.headers.Authorization).toBe(`Bearer ${TEST_TOKEN}`);
      expect(app.logs).toEqual([]);
      expect(storedEvents()).toBe(before);
    });

    it('refuses a token the dashboard does not accept, and says which', async () => {
      const app = runtime({ iparams: { ...IPARAMS, ingest_token: 'wrong-token-9f8e7d6c5b4a' } });
      await app.trigger('onAppInstall', {});
      expect(app.renderDataCalls).toEqual([[{ message: 'The dashboard refused the ingest token' }]]);
      expect(app.logs.map((l) => l.text)).toEqual([
        '[dashboard-forwarder] installation refused: a test request to https://dashboard.example.test/api/events got status 401; dashboard said: {"error":"invalid bearer token"}',
      ]);
    });

    it('refuses an address that is not https://host, without sending anything', async () => {
      for (const url of [`http://${HOST}`, `https://${HOST}:3000`, 'https://10.0.0.7', `https://${HOST}/dashboard`, '']) {
        const app = runtime({ iparams: { ...IPARAMS, dashboard_url: url } });
        await app.trigger('onAppInstall', {});
        expect(app.renderDataCalls).toEqual([[{ message: 'Dashboard URL must be https://host, no IP, port or path' }]]);
        expect(app.requests).toHaveLength(0);
      }
    });

    it('refuses a dashboard it cannot reach, after one attempt', async () => {
      const app = runtime({ target: `http://127.0.0.1:${await freePort()}` });
      await app.trigger('onAppInstall', {});
      expect(app.renderDataCalls).toEqual([[{ message: 'Dashboard not reachable: check the URL and firewall' }]]);
      expect(app.requests).toHaveLength(1);
      expect(app.logs.at(-1)!.text).toMatch(/installation refused: .* got no HTTP status \(network error: connect ECONNREFUSED/);
    });
  });

  it('wrote no token into any log line, in any of the tests above', () => {
    expect(allLogs.length).toBeGreaterThan(10);
    for (const entry of allLogs) {
      for (const secret of [TEST_TOKEN, STREAM_TOKEN, 'example-token', 'wrong-token-9f8e7d6c5b4a']) expect(entry.text).not.toContain(secret);
      expect(entry.text).not.toMatch(/Bearer (?!\[redacted\])/);
    }
  });
});
