import { describe, expect, it } from 'vitest';
import { Sender, type SenderOptions } from '@/lib/simulate/sender';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | Error;

/** A fetch that answers from a script, recording the requests; a sleep that records its delays. */
function harness(replies: Reply[], options: Partial<SenderOptions> = {}) {
  const requests: { url: string; init: RequestInit }[] = [];
  const delays: number[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
    if (reply instanceof Error) throw reply;
    return new Response(JSON.stringify(reply.body ?? {}), { status: reply.status, headers: reply.headers });
  }) as unknown as typeof globalThis.fetch;
  const sender = new Sender({
    endpoint: 'http://dash.test/api/events',
    token: 'tok-123',
    fetch,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...options,
  });
  return { sender, requests, delays };
}
const ok = (accepted: number, duplicates = 0): Reply => ({ status: 200, body: { accepted, duplicates, rejected: [] } });
const refused = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });

describe('sender', () => {
  it('posts the lines as NDJSON with the bearer token', async () => {
    const { sender, requests } = harness([ok(2)]);
    expect(await sender.send(['{"a":1}', '{"b":2}'])).toEqual({ ok: true, accepted: 2, duplicates: 0, rejected: 0, attempts: 1 });
    expect(requests).toHaveLength(1);
    const { url, init } = requests[0]!;
    expect(url).toBe('http://dash.test/api/events');
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ 'content-type': 'application/x-ndjson', authorization: 'Bearer tok-123' });
    expect(init.body).toBe('{"a":1}\n{"b":2}\n');
  });

  it('retries 5xx, 429 and network errors with growing, bounded delays (Retry-After honoured)', async () => {
    const { sender, delays } = harness([{ status: 503, body: { error: 'disk full' } }, { status: 502 }, refused(), { status: 429, headers: { 'retry-after': '3' } }, ok(1, 1)], {
      onRetry: () => {},
    });
    expect(await sender.send(['{}'])).toMatchObject({ ok: true, accepted: 1, duplicates: 1, attempts: 5 });
    expect(delays).toEqual([250, 500, 1_000, 3_000]);
  });

  it('gives up after the last attempt: unreachable is fatal, a failing server is not', async () => {
    const down = harness([refused()], { maxAttempts: 4, maxDelayMs: 600 });
    const outcome = await down.sender.send(['{}']);
    expect(outcome).toMatchObject({ ok: false, fatal: true, attempts: 4 });
    expect(outcome.ok === false && outcome.error).toMatch(/server unreachable at http:\/\/dash\.test\/api\/events after 4 attempt\(s\): fetch failed \(ECONNREFUSED\)/);
    expect(down.delays).toEqual([250, 500, 600]);
    const failing = harness([{ status: 500, body: { error: 'boom' } }], { maxAttempts: 3 });
    expect(await failing.sender.send(['{}'])).toMatchObject({ ok: false, fatal: false, status: 500, attempts: 3, error: 'HTTP 500: boom (after 3 attempt(s))' });
  });

  it('never retries other 4xx; 401 is fatal', async () => {
    for (const status of [413, 415, 422]) {
      const { sender, requests } = harness([{ status, body: { error: 'no' } }, ok(1)]);
      expect(await sender.send(['{}'])).toMatchObject({ ok: false, fatal: false, status, attempts: 1, error: `HTTP ${status}: no` });
      expect(requests).toHaveLength(1);
    }
    const { sender, requests } = harness([{ status: 401, body: { error: 'invalid bearer token' } }, ok(1)]);
    const outcome = await sender.send(['{}']);
    expect(outcome).toMatchObject({ ok: false, fatal: true, status: 401, attempts: 1 });
    expect(outcome.ok === false && outcome.error).toContain('the server refused the token (401 invalid bearer token)');
    expect(requests).toHaveLength(1);
  });

  it('counts a 400 with the item-by-item summary as processed, all rejected', async () => {
    const body = { error: 'no valid event', accepted: 0, duplicates: 0, rejected: [{ index: 0, issues: [{ path: 'event', message: 'expected one of …' }] }] };
    const { sender } = harness([{ status: 400, body }]);
    expect(await sender.send(['{}'])).toEqual({ ok: true, accepted: 0, duplicates: 0, rejected: 1, problem: 'item 0: event: expected one of …', attempts: 1 });
  });

  it('stops retrying once asked to stop, without calling it fatal', async () => {
    const stop = new AbortController();
    stop.abort();
    const { sender, requests } = harness([refused(), ok(1)]);
    expect(await sender.send(['{}'], { stop: stop.signal })).toMatchObject({ ok: false, fatal: false, attempts: 1 });
    expect(requests).toHaveLength(1);
  });

  it('preflight: an empty body answered 400 means reachable and token accepted', async () => {
    const good = harness([{ status: 400, body: { error: 'empty body: send at least one event' } }]);
    expect(await good.sender.preflight()).toMatchObject({ ok: true });
    expect(good.requests[0]!.init.body).toBe('');
    const bad = harness([{ status: 401, body: { error: 'invalid bearer token' } }]);
    expect(await bad.sender.preflight()).toMatchObject({ ok: false, fatal: true });
    const closed = harness([{ status: 503, body: { error: 'ingest is disabled: set INGEST_TOKEN' } }], { maxAttempts: 2 });
    expect(await closed.sender.preflight()).toMatchObject({ ok: false, fatal: false, error: expect.stringContaining('ingest is disabled') });
  });
});
