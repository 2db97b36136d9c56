import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadOnly } from '../helpers/db';
import { TEST_TOKEN, type TestServer } from '../helpers/server';
import { freshEvent, HOST, IPARAMS, startDashboardBehindProxy, stopDashboardBehindProxy } from './dashboard-behind-proxy';
import type { FaultProxy } from './fault-proxy';
import { FreshworksRuntime } from './freshworks-runtime';
import { FreshworksScheduler, FreshworksStore } from './freshworks-store';

// The outbox of the Freshworks app (integrations/freshworks-app/server/lib/outbox.js): events
// the dashboard could not take are kept in the app's key-value store and sent again by the
// scheduled drain. The app runs in the runtime stand-in, with the store and scheduler stand-ins
// and their documented limits, on a clock the tests move; the dashboard is the real production
// build behind a proxy that injects failures.
const WRONG = { ...IPARAMS, ingest_token: 'wrong-token-0a1b2c3d4e5f' };
const DRAIN = { data: { task: 'drain-outbox' } };

let dashboard: TestServer;
let proxy: FaultProxy;

beforeAll(async () => ({ dashboard, proxy } = await startDashboardBehindProxy()));
afterAll(() => stopDashboardBehindProxy({ dashboard, proxy }));

/** One installation: its store and scheduler, on a clock of its own, and runtimes with given settings. */
function installation(startsAt = '2026-11-27T10:00:00Z') {
  let now = Date.parse(startsAt);
  const clock = () => now;
  const store = new FreshworksStore(clock);
  const scheduler = new FreshworksScheduler(clock);
  return {
    store,
    scheduler,
    advance: (ms: number) => void (now += ms),
    at: (iso: string) => void (now = Date.parse(iso)),
    app: (iparams: Record<string, string> = IPARAMS) => new FreshworksRuntime({ iparams, hosts: { [HOST]: proxy.url }, clock, store, scheduler }),
  };
}

function storedFor(conversationId: string): number {
  const db = openReadOnly(dashboard.databasePath);
  try {
    return (db.prepare('select count(*) as n from events where conversation_id = ?').get(conversationId) as { n: number }).n;
  } finally {
    db.close();
  }
}

const keysOf = (store: FreshworksStore, prefix: string) => [...store.data.keys()].filter((k) => k.startsWith(prefix)).sort();
const bodiesSent = () => proxy.seen.map((s) => JSON.parse(s.body) as any[]);

describe('an event the dashboard cannot take now waits in the outbox, and the drain delivers it', () => {
  it('keeps an event the dashboard answered 503 to five times, then stores it once on the next drain', async () => {
    const site = installation();
    const { id, payload } = freshEvent();
    const unavailable = { kind: 'respond', status: 503, body: '{"error":"storage unavailable"}' } as const;
    proxy.reset(unavailable, unavailable, unavailable, unavailable, unavailable);
    const app = site.app();
    const result: any = await app.trigger('onConversationCreate', payload);
    expect(result).toMatchObject({ outcome: 'parked', attempts: 5, status: 503 });
    expect(storedFor(id)).toBe(0);

    // What is kept: the event as sent (no iparams, so no token), listed under today's day.
    const key = `fwd:${result.id}`;
    expect(keysOf(site.store, 'fwd:')).toEqual([key]);
    const record = site.store.data.get(key) as any;
    const { iparams: _, ...sent } = payload;
    expect(JSON.parse(record.body)).toEqual(sent);
    expect(record).toMatchObject({ conversation: id, event: 'onConversationCreate', at: '2026-11-27T10:00:00.000Z' });
    expect(site.store.data.get('outbox:20261127')).toEqual({ ids: [result.id] });
    // Listed first, then kept: a handler stopped in between leaves an id the drain reports.
    expect(site.store.operations.map((o) => `${o.op} ${o.key} ${o.ok}`)).toEqual(['update outbox:20261127 true', `set ${key} true`]);
    expect(JSON.stringify([...site.store.data])).not.toContain(TEST_TOKEN);
    // The drain is scheduled: every 5 minutes, the platform's shortest.
    expect([...site.scheduler.schedules.values()]).toEqual([
      { name: 'outbox-drain', data: { task: 'drain-outbox' }, schedule_at: '2026-11-27T10:06:00.000Z', repeat: { time_unit: 'minutes', frequency: 5 } },
    ]);
    // Warned once, as not lost: no error line.
    expect(app.logs.map((l) => l.level)).toEqual(['warn', 'warn', 'warn', 'warn', 'warn']);
    expect(app.logs[4]!.text).toBe(
      `[dashboard-forwarder] could not deliver onConversationCreate for conversation ${id}: status 503, gave up after 5 attempts; dashboard said: {"error":"storage unavailable"}; kept in the outbox (${key}), sent again within 5 minutes of the dashboard answering`,
    );

    // The dashboard is back: the scheduled run sends it, and the store forgets it.
    proxy.reset();
    site.advance(5 * 60_000);
    expect(await app.trigger('onScheduledEvent', DRAIN)).toEqual({ sent: 1, accepted: 1, duplicates: 0, rejected: 0, expired: 0, stopped: null });
    expect(storedFor(id)).toBe(1);
    expect(proxy.seen).toHaveLength(1);
    expect(proxy.seen[0]!.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
    expect(bodiesSent()).toEqual([[sent]]);
    // Kept by the store until its ttl (30 days), past the drain's place.
    expect(site.store.expires.get(key)).toBe(Date.parse('2026-11-27T10:00:00Z') + 30 * 86_400_000);
    expect(site.store.data.get('outbox')).toEqual({ day: '20261127', drained: 1 });
    expect(app.logs.at(-1)!.text).toBe('[dashboard-forwarder] outbox: sent 1 waiting event: 1 stored, 0 already there, 0 rejected');

    // Nothing waits: a run reads its place and today's list, and sends nothing.
    const before = site.store.operations.length;
    proxy.reset();
    expect(await app.trigger('onScheduledEvent', DRAIN)).toEqual({ sent: 0, accepted: 0, duplicates: 0, rejected: 0, expired: 0, stopped: null });
    expect(site.store.operations.slice(before).map((o) => `${o.op} ${o.key}`)).toEqual(['get outbox', 'get outbox:20261127']);
    expect(proxy.seen).toHaveLength(0);
  });

  it('keeps what a wrong token refused; the drain waits until the token is corrected, then sends in order, 40 a run in requests under 90 KB', async () => {
    const site = installation();
    // Padded to about 4.4 KB each (unknown fields are kept), so that 40 take more than one request.
    const events = Array.from({ length: 45 }, () => {
      const event = freshEvent();
      event.payload.data.conversation.note = 'x'.repeat(2500);
      return event;
    });
    proxy.reset();
    const misconfigured = site.app(WRONG);
    for (const [i, { payload }] of events.entries()) {
      expect(await misconfigured.trigger('onConversationUpdate', payload)).toMatchObject({ outcome: 'parked', attempts: 1, status: 401 });
      if (i % 20 === 19) site.advance(61_000); // 20 a minute: 40 of the store's 50 operations
    }
    expect(keysOf(site.store, 'fwd:')).toHaveLength(45);
    expect((site.store.data.get('outbox:20261127') as any).ids).toHaveLength(45);
    expect(site.store.operations).toHaveLength(45 * 2); // each: the event, and its id appended to the day's list

    // Still the wrong token: the run stops at its first request, a probe of 5, says so, and keeps
    // everything.
    site.advance(5 * 60_000);
    proxy.reset();
    const stopped: any = await misconfigured.trigger('onScheduledEvent', DRAIN);
    expect(stopped).toMatchObject({ sent: 0, stopped: 'status 401; dashboard said: {"error":"invalid bearer token"}' });
    expect(misconfigured.logs.at(-1)).toEqual({
      level: 'warn',
      text: '[dashboard-forwarder] outbox: 45 waiting events of 20261127 not sent: status 401; dashboard said: {"error":"invalid bearer token"}; trying again in 5 minutes',
    });
    expect(bodiesSent().map((batch) => batch.length)).toEqual([5]);
    // Its first run found where to start: today (no list in the 7 days before).
    expect(site.store.data.get('outbox')).toEqual({ day: '20261127', drained: 0 });
    // A run while the dashboard still refuses costs its place, the list and the probe's 5 reads.
    site.advance(5 * 60_000);
    let before = site.store.operations.length;
    await misconfigured.trigger('onScheduledEvent', DRAIN);
    expect(site.store.operations.slice(before).map((o) => o.op + ' ' + o.key.split(':')[0])).toEqual(['get outbox', 'get outbox', ...Array(5).fill('get fwd')]);

    // The setting is corrected (same installation, same store): two runs send all 45, oldest
    // first, each run within 44 store operations, each request's body under 90 KB.
    const corrected = site.app(IPARAMS);
    site.advance(5 * 60_000);
    proxy.reset();
    before = site.store.operations.length;
    const first: any = await corrected.trigger('onScheduledEvent', DRAIN);
    expect(first).toMatchObject({ accepted: first.sent, duplicates: 0, rejected: 0, expired: 0, stopped: null });
    expect(first.sent).toBeGreaterThanOrEqual(35);
    expect(site.store.operations.length - before).toBe(44);
    const firstRequests = proxy.seen.length;
    site.advance(5 * 60_000);
    expect(await corrected.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 45 - first.sent, stopped: null });
    const sizes = bodiesSent().map((batch) => batch.length);
    expect(sizes[0]).toBe(5); // each run's first request is the probe
    expect(sizes[firstRequests]).toBeLessThanOrEqual(5);
    for (const seen of proxy.seen) expect(Buffer.byteLength(seen.body)).toBeLessThanOrEqual(90_000);
    expect(bodiesSent().flat().map((e) => e.data.conversation.conversation_id)).toEqual(events.map((e) => e.id));
    for (const { id } of events) expect(storedFor(id)).toBe(1);
    expect(site.store.data.get('outbox')).toEqual({ day: '20261127', drained: 45 });
    expect(site.store.refused).toEqual([]);
  });

  it('waits for an id listed a moment ago whose event is not stored yet; passes one listed a minute ago, naming it', async () => {
    const site = installation();
    const app = site.app();
    await app.trigger('onScheduledEvent', DRAIN);
    // A handler between its two operations: the id (time first) listed, the event not yet stored.
    const id = `${Date.parse('2026-11-27T10:00:00Z').toString(36)}abcdefgh`;
    site.store.data.set('outbox:20261127', { ids: [id] });
    proxy.reset();
    site.at('2026-11-27T10:00:30Z');
    expect(await app.trigger('onScheduledEvent', DRAIN)).toEqual({ sent: 0, accepted: 0, duplicates: 0, rejected: 0, expired: 0, stopped: null });
    expect(site.store.data.get('outbox')).toEqual({ day: '20261127', drained: 0 });
    expect(app.logs.filter((l) => l.level === 'error')).toEqual([]);
    site.at('2026-11-27T10:01:01Z');
    expect(await app.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 0, expired: 1, stopped: null });
    expect(site.store.data.get('outbox')).toEqual({ day: '20261127', drained: 1 });
    expect(app.logs.at(-1)!.text).toContain(`1 listed event not in the app store (past the 30 days it keeps them, or never stored, as its handler then logged), passed: ${id}`);
    expect(proxy.seen).toHaveLength(0);
  });

  it('says an event listed but refused by the store is not kept, and the drain later names its id and sends the others', async () => {
    const site = installation();
    proxy.reset();
    const app = site.app(WRONG);
    const events = Array.from({ length: 25 }, freshEvent);
    const outcomes: any[] = [];
    for (const [i, { payload }] of events.entries()) {
      if (i === 24) await site.store.api().get('anything').catch(() => {}); // the 49th operation of the minute
      outcomes.push(await app.trigger('onConversationCreate', payload));
    }
    // The 25th was listed (the 50th operation) but its event refused (the 51st).
    expect(outcomes[24]).toEqual({ outcome: 'rejected', attempts: 1, status: 401 });
    expect(app.logs.at(-1)!.text).toContain('not kept for later: the app store refused it (status 429');
    const listed = (site.store.data.get('outbox:20261127') as any).ids as string[];
    expect(listed).toHaveLength(25);
    site.advance(5 * 60_000);
    proxy.reset();
    const corrected = site.app();
    expect(await corrected.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 24, accepted: 24, expired: 1, stopped: null });
    expect(corrected.logs.find((l) => l.level === 'error')!.text).toContain(`passed: ${listed[24]}`);
    for (const { id } of events.slice(0, 24)) expect(storedFor(id)).toBe(1);
    expect(storedFor(events[24]!.id)).toBe(0);
  });

  it('names an id without its event once, when the drain moves past it, not on every run that stops before it', async () => {
    const site = installation();
    proxy.reset();
    const app = site.app(WRONG);
    const results: any[] = [];
    for (const { payload } of [freshEvent(), freshEvent(), freshEvent()]) results.push(await app.trigger('onConversationCreate', payload));
    site.store.data.delete(`fwd:${results[1].id}`); // gone between the first and the third
    site.advance(5 * 60_000);
    expect(await app.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 0, expired: 0, stopped: expect.stringMatching(/^status 401/) });
    expect(app.logs.filter((l) => l.level === 'error' && l.text.includes('not in the app store'))).toEqual([]);
    site.advance(5 * 60_000);
    const corrected = site.app();
    expect(await corrected.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 2, accepted: 2, expired: 1, stopped: null });
    expect(corrected.logs.filter((l) => l.level === 'error').map((l) => l.text)).toEqual([
      `[dashboard-forwarder] outbox: 1 listed event not in the app store (past the 30 days it keeps them, or never stored, as its handler then logged), passed: ${results[1].id}`,
    ]);
  });

  it('reads a past day\'s list again when the store once answers "not found", instead of skipping the day', async () => {
    const site = installation('2026-11-27T23:00:00Z');
    const app = site.app(WRONG);
    await app.trigger('onScheduledEvent', DRAIN); // the drain has its place
    proxy.reset();
    const { id, payload } = freshEvent();
    await app.trigger('onConversationCreate', payload);
    site.at('2026-11-28T02:00:00Z');
    site.store.failNext('get', 'outbox:20261127', { status: 404, message: 'Record not found' });
    proxy.reset();
    expect(await site.app().trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 1, accepted: 1, stopped: null });
    expect(storedFor(id)).toBe(1);
  });

  it('gives up, with an error naming them, events the dashboard has not taken in 30 days (the store\'s ttl removed them)', async () => {
    const site = installation();
    const app = site.app(WRONG);
    await app.trigger('onScheduledEvent', DRAIN); // the drain has been running since installation
    proxy.reset();
    const results: any[] = [];
    for (const { payload } of [freshEvent(), freshEvent()]) results.push(await app.trigger('onConversationCreate', payload));
    // Sent events are not deleted one by one either: the ttl removes them.
    expect(site.store.expires.get(`fwd:${results[0].id}`)).toBe(Date.parse('2026-11-27T10:00:00Z') + 30 * 86_400_000);
    site.at('2026-12-27T10:00:01Z');
    proxy.reset();
    const later = site.app();
    expect(await later.trigger('onScheduledEvent', DRAIN)).toEqual({ sent: 0, accepted: 0, duplicates: 0, rejected: 0, expired: 2, stopped: null });
    // A month of days without lists, each read twice before it is passed, takes this run's 44
    // operations and part of the next one's.
    site.advance(5 * 60_000);
    expect(await later.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 0, expired: 0, stopped: null });
    expect(later.logs).toEqual([
      {
        level: 'error',
        text: `[dashboard-forwarder] outbox: 2 listed events not in the app store (past the 30 days it keeps them, or never stored, as its handler then logged), passed: ${results[0].id}, ${results[1].id}`,
      },
    ]);
    expect(proxy.seen).toHaveLength(0);
    expect(site.store.data.get('outbox')).toEqual({ day: '20261227', drained: 0 });
    expect(keysOf(site.store, 'outbox:')).toEqual([]);
  });

  it('does not keep an event the dashboard judged invalid (400): sending it again cannot help', async () => {
    const site = installation();
    const { id, payload } = freshEvent();
    payload.data.conversation.status = 42;
    proxy.reset();
    const app = site.app();
    expect(await app.trigger('onConversationCreate', payload)).toEqual({ outcome: 'rejected', attempts: 1, status: 400 });
    expect(site.store.data.size).toBe(0);
    expect(site.scheduler.schedules.size).toBe(0);
    expect(app.logs).toHaveLength(1);
    expect(app.logs[0]!.level).toBe('error');
    expect(app.logs[0]!.text).toContain(`FAILED to forward onConversationCreate for conversation ${id}: status 400, not retried`);
  });

  it('keeps an event a proxy answered 400 for (not the dashboard\'s answer), and delivers it once the proxy is fixed', async () => {
    const site = installation();
    const { id, payload } = freshEvent();
    proxy.reset({ kind: 'respond', status: 400, body: '<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head><body>nginx</body></html>' });
    const app = site.app();
    expect(await app.trigger('onConversationCreate', payload)).toMatchObject({ outcome: 'parked', attempts: 1, status: 400 });
    expect(app.logs.at(-1)!.text).toContain(`could not deliver onConversationCreate for conversation ${id}: status 400, not retried now: not the dashboard's answer`);
    expect(storedFor(id)).toBe(0);
    proxy.reset();
    site.advance(5 * 60_000);
    expect(await app.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 1, accepted: 1, stopped: null });
    expect(storedFor(id)).toBe(1);
  });

  it('keeps events while dashboard_url is wrong, and delivers them once it is corrected', async () => {
    const site = installation();
    const { id, payload } = freshEvent();
    proxy.reset();
    const wrongUrl = site.app({ ...IPARAMS, dashboard_url: `http://${HOST}:3000` });
    expect(await wrongUrl.trigger('onConversationCreate', payload)).toMatchObject({ outcome: 'parked', attempts: 0, status: null });
    expect(wrongUrl.requests).toHaveLength(0);
    expect(wrongUrl.logs.at(-1)!.text).toContain('no request sent, the app setting dashboard_url ("http://dashboard.example.test:3000") is not an https:// address');
    expect(wrongUrl.logs.at(-1)!.text).toContain('kept in the outbox');
    site.advance(5 * 60_000);
    expect(await wrongUrl.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 0, stopped: 'the app setting dashboard_url is not an https:// address with a host name' });
    expect(await site.app().trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 1, accepted: 1 });
    expect(storedFor(id)).toBe(1);
  });

  it('stores a batch once when the dashboard stored it but the answer was lost: the next run finds duplicates', async () => {
    const site = installation();
    const events = Array.from({ length: 3 }, freshEvent);
    proxy.reset();
    const app = site.app(WRONG);
    for (const { payload } of events) await app.trigger('onConversationCreate', payload);
    const corrected = site.app();
    proxy.reset({ kind: 'forward-then-respond', status: 502 });
    site.advance(5 * 60_000);
    expect(await corrected.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 0, stopped: 'status 502; dashboard said: {"error":"injected after forwarding"}' });
    expect(JSON.parse(proxy.seen[0]!.dashboard!.body)).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    expect(keysOf(site.store, 'fwd:')).toHaveLength(3);
    site.advance(5 * 60_000);
    expect(await corrected.trigger('onScheduledEvent', DRAIN)).toEqual({ sent: 3, accepted: 0, duplicates: 3, rejected: 0, expired: 0, stopped: null });
    for (const { id } of events) expect(storedFor(id)).toBe(1);
    expect(site.store.data.get('outbox')).toEqual({ day: '20261127', drained: 3 });
  });

  it('takes only a 2xx, or the 400 that judges every item, as a verdict: a 5xx is a failure whatever its body says', async () => {
    const site = installation();
    const { id, payload } = freshEvent();
    proxy.reset();
    await site.app(WRONG).trigger('onConversationCreate', payload);
    proxy.reset({ kind: 'respond', status: 502, body: '{"accepted":0,"duplicates":0,"rejected":[{"index":0,"issues":[]}]}' });
    site.advance(5 * 60_000);
    const app = site.app();
    expect(await app.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 0, stopped: expect.stringMatching(/^status 502/) });
    expect(keysOf(site.store, 'fwd:')).toHaveLength(1);
    site.advance(5 * 60_000);
    proxy.reset();
    expect(await app.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 1, accepted: 1 });
    expect(storedFor(id)).toBe(1);
  });

  it('drops, with an error naming the conversation and the problem, a waiting event the dashboard rejects, and delivers the others of its batch', async () => {
    const site = installation();
    const [good1, bad, good2] = [freshEvent(), freshEvent(), freshEvent()];
    bad.payload.data.conversation.status = 42; // invalid, but the proxy's 401 answered before the dashboard could say so
    proxy.reset({ kind: 'respond', status: 401 }, { kind: 'respond', status: 401 }, { kind: 'respond', status: 401 });
    const app = site.app();
    for (const { payload } of [good1, bad, good2]) expect(await app.trigger('onConversationCreate', payload)).toMatchObject({ outcome: 'parked' });
    proxy.reset();
    site.advance(5 * 60_000);
    expect(await app.trigger('onScheduledEvent', DRAIN)).toEqual({ sent: 3, accepted: 2, duplicates: 0, rejected: 1, expired: 0, stopped: null });
    expect(storedFor(good1.id)).toBe(1);
    expect(storedFor(good2.id)).toBe(1);
    expect(storedFor(bad.id)).toBe(0);
    const errors = app.logs.filter((l) => l.level === 'error');
    expect(errors).toEqual([
      {
        level: 'error',
        text: `[dashboard-forwarder] outbox: the dashboard rejected onConversationCreate for conversation ${bad.id} (waiting since 2026-11-27T10:00:00.000Z): data.conversation.status: expected string, got number; dropped`,
      },
    ]);
    expect(site.store.data.get('outbox')).toEqual({ day: '20261127', drained: 3 });
  });

  it('drains day by day: a day\'s list is deleted once the day is over and done', async () => {
    const site = installation('2026-11-27T23:59:30Z');
    const late = [freshEvent(), freshEvent()];
    const early = [freshEvent()];
    proxy.reset();
    const app = site.app(WRONG);
    for (const { payload } of late) await app.trigger('onConversationCreate', payload);
    site.at('2026-11-28T00:00:20Z');
    for (const { payload } of early) await app.trigger('onConversationCreate', payload);
    expect(keysOf(site.store, 'outbox')).toEqual(['outbox:20261127', 'outbox:20261128']);

    const corrected = site.app();
    proxy.reset();
    // 40 s after midnight a handler could still be appending to yesterday's list: it is sent, not
    // closed, even by a second run that finds it done; today's is sent meanwhile, from its own place.
    site.at('2026-11-28T00:00:40Z');
    expect(await corrected.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 3, accepted: 3 });
    expect(site.store.data.get('outbox')).toEqual({ day: '20261127', drained: 2, next: 1 });
    expect(await corrected.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 0, stopped: null });
    expect(site.store.data.get('outbox')).toEqual({ day: '20261127', drained: 2, next: 1 });
    expect(keysOf(site.store, 'outbox')).toEqual(['outbox', 'outbox:20261127', 'outbox:20261128']);
    // A handler whose clock is a little behind appends to yesterday's list after midnight; one on
    // time, to today's: the next run sends both.
    const skewed = freshEvent();
    site.at('2026-11-27T23:59:55Z');
    expect(await site.app(WRONG).trigger('onConversationCreate', skewed.payload)).toMatchObject({ outcome: 'parked' });
    const onTime = freshEvent();
    site.at('2026-11-28T00:05:30Z');
    expect(await site.app(WRONG).trigger('onConversationCreate', onTime.payload)).toMatchObject({ outcome: 'parked' });
    site.at('2026-11-28T00:06:40Z');
    expect(await corrected.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 2, accepted: 2 });
    expect(site.store.data.get('outbox')).toEqual({ day: '20261127', drained: 3, next: 2 });
    // Past the hour a run closes yesterday's list and carries on from today's place.
    site.at('2026-11-28T01:00:41Z');
    expect(await corrected.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 0, stopped: null });
    expect(site.store.data.get('outbox')).toEqual({ day: '20261128', drained: 2 });
    expect(keysOf(site.store, 'outbox')).toEqual(['outbox', 'outbox:20261128']);
    const last = freshEvent();
    site.at('2026-11-28T02:00:00Z');
    expect(await site.app(WRONG).trigger('onConversationCreate', last.payload)).toMatchObject({ outcome: 'parked' });
    site.at('2026-11-28T02:05:00Z');
    expect(await corrected.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 1, accepted: 1 });
    expect(site.store.data.get('outbox')).toEqual({ day: '20261128', drained: 3 });
    for (const { id } of [skewed, onTime, last]) expect(storedFor(id)).toBe(1);
    for (const { id } of [...late, ...early]) expect(storedFor(id)).toBe(1);
  });

  it('keeps today\'s place when sending today\'s list fails while yesterday\'s is still open, and goes on from it', async () => {
    const site = installation('2026-11-27T23:59:30Z');
    const yesterday = freshEvent();
    const today = [freshEvent(), freshEvent()];
    proxy.reset();
    await site.app(WRONG).trigger('onConversationCreate', yesterday.payload);
    site.at('2026-11-28T00:00:20Z');
    for (const { payload } of today) await site.app(WRONG).trigger('onConversationCreate', payload);
    const corrected = site.app();
    // The dashboard down: yesterday's probe fails, nothing moves.
    site.at('2026-11-28T00:01:00Z');
    proxy.reset({ kind: 'respond', status: 503, body: '{"error":"storage unavailable"}' });
    expect(await corrected.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 0, stopped: expect.stringContaining('status 503') });
    // Back: yesterday's is sent, and today's from its own place, yesterday's list staying open.
    site.at('2026-11-28T00:06:00Z');
    proxy.reset();
    const first = await corrected.trigger('onScheduledEvent', DRAIN);
    expect(first).toMatchObject({ sent: 3, accepted: 3 });
    expect(site.store.data.get('outbox')).toEqual({ day: '20261127', drained: 1, next: 2 });
    const more = freshEvent();
    site.at('2026-11-28T00:08:00Z');
    await site.app(WRONG).trigger('onConversationCreate', more.payload);
    site.at('2026-11-28T00:11:00Z');
    proxy.reset({ kind: 'respond', status: 503, body: '{"error":"storage unavailable"}' });
    // Down again while one more waits in today's list: today's place stays where it was.
    const failed = await corrected.trigger('onScheduledEvent', DRAIN);
    expect(failed).toMatchObject({ sent: 0, stopped: expect.stringContaining('status 503') });
    expect(site.store.data.get('outbox')).toEqual({ day: '20261127', drained: 1, next: 2 });
    expect(corrected.logs.at(-1)!.text).toContain('1 waiting event of 20261128 not sent: status 503');
    proxy.reset();
    site.at('2026-11-28T00:16:00Z');
    expect(await corrected.trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 1, accepted: 1, stopped: null });
    expect(site.store.data.get('outbox')).toEqual({ day: '20261127', drained: 1, next: 3 });
    for (const { id } of [yesterday, ...today, more]) expect(storedFor(id)).toBe(1);
  });

  it('lists both events when two handlers park the first events of a day in lockstep (one append creates the list, the other adds to it)', async () => {
    const site = installation();
    const app = site.app();
    const forward = app.load('server/lib/forward.js');
    const outbox = app.load('server/lib/outbox.js');
    const logs: string[] = [];
    const logger = { info: (t: string) => logs.push(t), warn: (t: string) => logs.push(t), error: (t: string) => logs.push(t), log: (t: string) => logs.push(t) };
    const platform = forward.platformRuntime({ invokeTemplate: () => Promise.reject({ status: 503 }) }, logger, { db: site.store.api(), schedule: site.scheduler.api(), outbox });
    const event = { name: 'onConversationCreate', conversationId: 'c' };
    const [a, b] = await Promise.all([outbox.park('{"n":1}', event, platform), outbox.park('{"n":2}', event, platform)]);
    expect(a.parked && b.parked).toBe(true);
    // Both listed their event before either stored it; neither list write replaced the other's.
    expect(site.store.operations.map((o) => `${o.op} ${o.key} ${o.ok}`)).toEqual([
      'update outbox:20261127 true',
      'update outbox:20261127 true',
      `set fwd:${a.id} true`,
      `set fwd:${b.id} true`,
    ]);
    expect(site.store.data.get('outbox:20261127')).toEqual({ ids: [a.id, b.id] });
    expect(logs).toEqual([]);
  });

  it('keeps both events when two handlers park the first events of a day at once', async () => {
    const site = installation();
    const [a, b] = [freshEvent(), freshEvent()];
    proxy.reset();
    const app = site.app(WRONG);
    const results: any[] = await Promise.all([app.trigger('onConversationCreate', a.payload), app.trigger('onConversationCreate', b.payload)]);
    expect(results.map((r) => r.outcome)).toEqual(['parked', 'parked']);
    expect(new Set((site.store.data.get('outbox:20261127') as any).ids)).toEqual(new Set(results.map((r) => r.id)));
    expect(site.scheduler.schedules.size).toBe(1);
    proxy.reset();
    site.advance(5 * 60_000);
    expect(await site.app().trigger('onScheduledEvent', DRAIN)).toMatchObject({ sent: 2, accepted: 2 });
  });

  it('says an event is lost when the store refuses it: over its 50 operations a minute, or over 40 KB', async () => {
    const site = installation();
    proxy.reset();
    const app = site.app(WRONG);
    // Each costs 2 operations: the 26th in one minute is refused (its listing, so nothing is kept).
    const events = Array.from({ length: 26 }, freshEvent);
    const outcomes: any[] = [];
    for (const { payload } of events) outcomes.push(await app.trigger('onConversationCreate', payload));
    expect(outcomes.slice(0, 25).every((r) => r.outcome === 'parked')).toBe(true);
    expect(outcomes[25]).toEqual({ outcome: 'rejected', attempts: 1, status: 401 });
    expect(app.logs.at(-1)).toEqual({
      level: 'error',
      text: `[dashboard-forwarder] FAILED to forward onConversationCreate for conversation ${events[25]!.id}: status 401, not retried: the dashboard refused this request; dashboard said: {"error":"invalid bearer token"}; not kept for later: the app store refused to list it (status 429: You have exceeded the limit of 50 requests per minute)`,
    });
    // A minute later there is room again.
    site.advance(61_000);
    expect(await app.trigger('onConversationCreate', freshEvent().payload)).toMatchObject({ outcome: 'parked' });

    // An event larger than the store takes: said, with its size.
    const { id, payload } = freshEvent();
    payload.data.conversation.meta = { note: 'x'.repeat(41_000) };
    expect(await app.trigger('onConversationCreate', payload)).toEqual({ outcome: 'rejected', attempts: 1, status: 401 });
    expect(app.logs.at(-1)!.text).toMatch(new RegExp(`conversation ${id}: status 401, .*; not kept for later: the event is \\d+ bytes, more than the 40000 the app store takes$`));
  });

  it('takes an event back out when its day\'s list is full (40 KB of ids, about 2,000 events), and says it is not kept', async () => {
    const site = installation();
    // A day that already has as many waiting events as its list can name.
    const ids: string[] = [];
    while ('outbox:20261127'.length + JSON.stringify({ ids }).length < 40 * 1024 - 5) ids.push(`x${String(ids.length).padStart(14, '0')}`);
    site.store.data.set('outbox:20261127', { ids });
    proxy.reset();
    const app = site.app(WRONG);
    const { id, payload } = freshEvent();
    expect(await app.trigger('onConversationCreate', payload)).toEqual({ outcome: 'rejected', attempts: 1, status: 401 });
    expect(app.logs.at(-1)!.text).toContain(`conversation ${id}: status 401, not retried: the dashboard refused this request; dashboard said: {"error":"invalid bearer token"}; not kept for later: the app store refused to list it (status 400: The combined size of the key and value exceeds 40 KB)`);
    expect(keysOf(site.store, 'fwd:')).toEqual([]);
    expect((site.store.data.get('outbox:20261127') as any).ids).toHaveLength(ids.length);
  });

  it('schedules the drain when installed, once however often it is installed', async () => {
    const site = installation();
    proxy.reset();
    await site.app().trigger('onAppInstall', {});
    await site.app().trigger('onAppInstall', {});
    expect(site.scheduler.calls).toEqual([
      { op: 'fetch', name: 'outbox-drain' },
      { op: 'create', name: 'outbox-drain' },
      { op: 'fetch', name: 'outbox-drain' },
    ]);
    expect(site.scheduler.schedules.get('outbox-drain')?.repeat).toEqual({ time_unit: 'minutes', frequency: 5 });
    // Installing also prepares today's and tomorrow's lists, so that handlers only append.
    expect(site.store.data.get('outbox:20261127')).toEqual({ ids: [] });
    expect(site.store.data.get('outbox:20261128')).toEqual({ ids: [] });
    // Nothing was kept: the first run (its place read twice before it counts as missing) looks back
    // a week for lists and starts today; the next ones read their place and today's list.
    let before = site.store.operations.length;
    expect(await site.app().trigger('onScheduledEvent', DRAIN)).toEqual({ sent: 0, accepted: 0, duplicates: 0, rejected: 0, expired: 0, stopped: null });
    const days = ['20261120', '20261121', '20261122', '20261123', '20261124', '20261125', '20261126'];
    expect(site.store.operations.slice(before).map((o) => `${o.op} ${o.key}`)).toEqual([
      'get outbox',
      'get outbox',
      ...days.map((d) => `get outbox:${d}`),
      'set outbox',
      'set outbox:20261127',
      'get outbox:20261127',
    ]);
    site.advance(5 * 60_000);
    before = site.store.operations.length;
    await site.app().trigger('onScheduledEvent', DRAIN);
    expect(site.store.operations.slice(before).map((o) => `${o.op} ${o.key}`)).toEqual(['get outbox', 'get outbox:20261127']);
    // In the last hours of the day a run also prepares tomorrow's list (one more operation).
    site.at('2026-11-28T22:00:00Z');
    before = site.store.operations.length;
    await site.app().trigger('onScheduledEvent', DRAIN);
    expect(site.store.operations.slice(before).map((o) => `${o.op} ${o.key}`)).toEqual([
      'get outbox',
      'set outbox:20261129',
      'get outbox:20261127',
      'delete outbox:20261127',
      'get outbox:20261128',
      'set outbox',
    ]);
  });
});

describe('the outbox\'s own arithmetic', () => {
  const outbox = new FreshworksRuntime({ iparams: {}, hosts: {} }).load('server/lib/outbox.js');

  it('measures UTF-8 sizes as Node does, without Buffer (which the sandbox lacks)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(outbox.utf8Bytes(text)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
      { numRuns: 2000 },
    );
    for (const text of ['', 'é', '€', '😀', '\ud83d', '\ude00', 'a\ud83db', '\ud83d\ud83d\ude00']) expect(outbox.utf8Bytes(text), JSON.stringify(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });

  it('names UTC days, whatever the time of day', () => {
    expect(outbox.dayOf(Date.parse('2026-11-27T00:00:00Z'))).toBe('20261127');
    expect(outbox.dayOf(Date.parse('2026-11-27T23:59:59.999Z'))).toBe('20261127');
    expect(outbox.dayOf(Date.parse('2026-12-31T23:59:59Z') + 1000)).toBe('20270101');
  });
});
