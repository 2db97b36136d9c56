/** The HTTP sink against a scripted stand-in server: what it sends, what it retries and what it does not. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FatalImportError } from '@/lib/import/errors';
import { backoffDelay, parseRetryAfter } from '@/lib/import/retry';
import { httpSink } from '@/lib/import/sinks';
import { freePort } from '../helpers/server';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang-up';
type Received = { url: string; headers: http.IncomingHttpHeaders; body: string };

const FAST = { tries: 3, baseDelayMs: 5, maxDelayMs: 20 };
const TOKEN = 'a-token-of-sixteen-chars';

let server: http.Server;
let baseUrl: string;
let replies: Reply[];
let received: Received[];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString() });
      const reply = replies.shift() ?? { status: 500, body: { error: 'no reply scripted' } };
      if (reply === 'hang-up') return request.socket.destroy();
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  replies = [];
  received = [];
});

const ok = (accepted: number, duplicates = 0) => ({ status: 200, body: { accepted, duplicates, rejected: [] } });

function sinkWithRetries(url = baseUrl) {
  const retries: string[] = [];
  const sink = httpSink({ url, token: TOKEN, retry: FAST, onRetry: (message) => retries.push(message) });
  const send = (items: unknown[]) => sink.send(items.map((item) => sink.encode(item).value));
  return { sink, send, retries };
}

describe('httpSink', () => {
  it('POSTs the batch as NDJSON to URL/api/events with the bearer token', async () => {
    replies = [ok(2)];
    const { send, sink } = sinkWithRetries(`${baseUrl}/`);
    expect(await send([{ a: 1 }, { b: 'two\nlines' }])).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe('/api/events');
    expect(received[0]!.headers['content-type']).toBe('application/x-ndjson');
    expect(received[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(received[0]!.body).toBe('{"a":1}\n{"b":"two\\nlines"}\n');
    expect(sink.target).toBe(`${baseUrl}/api/events`);
    expect(sink.encode({ a: 'é' }).bytes).toBe(Buffer.byteLength('{"a":"é"}\n'));
  });

  it('keeps a path in the base URL', () => {
    expect(httpSink({ url: `${baseUrl}/dashboard`, token: TOKEN }).target).toBe(`${baseUrl}/dashboard/api/events`);
  });

  it('retries 5xx, 429 and a dropped connection, then succeeds', async () => {
    replies = [{ status: 503, body: { error: 'storage busy' }, headers: { 'retry-after': '0' } }, { status: 429 }, ok(1)];
    const { send, retries } = sinkWithRetries();
    expect(await send([{ a: 1 }])).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(received).toHaveLength(3);
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatch(/answered 503: storage busy \(try 1 of 3\); retrying in 5 ms/);

    replies = ['hang-up', ok(1)];
    expect(await send([{ a: 1 }])).toMatchObject({ accepted: 1 });
  });

  it('gives up after the last try, with the last problem', async () => {
    replies = [{ status: 500 }, { status: 502, body: 'Bad Gateway' }, { status: 503, body: { error: 'storage full' } }];
    const { send } = sinkWithRetries();
    await expect(send([{ a: 1 }])).rejects.toThrow(/^giving up after 3 tries: .* answered 503: storage full$/);
    expect(received).toHaveLength(3);
  });

  it('a server that is not there: retried, then fatal', async () => {
    const { send, retries } = sinkWithRetries(`http://127.0.0.1:${await freePort()}`);
    const error = await send([{ a: 1 }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FatalImportError);
    expect((error as Error).message).toMatch(/^giving up after 3 tries: cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/events: fetch failed \(.*ECONNREFUSED/);
    expect(retries).toHaveLength(2);
  });

  it('400: every item rejected, as the body lists them; not retried', async () => {
    const rejected = [0, 1].map((index) => ({ index, issues: [{ path: 'event', message: 'required' }] }));
    replies = [{ status: 400, body: { error: 'no valid event in the request', accepted: 0, duplicates: 0, rejected } }];
    const { send } = sinkWithRetries();
    expect(await send([{}, {}])).toEqual({ accepted: 0, duplicates: 0, rejected });
    expect(received).toHaveLength(1);
  });

  it('401 is fatal at once, saying the token was refused', async () => {
    replies = [{ status: 401, body: { error: 'invalid bearer token' } }];
    const { send } = sinkWithRetries();
    await expect(send([{ a: 1 }])).rejects.toThrow(/^the dashboard refused the token \(.* answered 401: invalid bearer token\)/);
    expect(received).toHaveLength(1);
  });

  it.each([
    [404, /is --url the dashboard's base URL/],
    [413, /as too large .* try a smaller --batch/],
    [415, /^unexpected answer: .* answered 415/],
  ])('%i is fatal, not retried', async (status, message) => {
    replies = [{ status, body: { error: 'nope' } }];
    const { send } = sinkWithRetries();
    await expect(send([{ a: 1 }])).rejects.toThrow(message);
    expect(received).toHaveLength(1);
  });

  it('an answer that is not a summary of this batch is fatal', async () => {
    replies = [{ status: 200, body: '<html>a proxy page</html>' }];
    const { send } = sinkWithRetries();
    await expect(send([{ a: 1 }])).rejects.toThrow(/^unexpected answer: .* answered 200: <html>a proxy page/);

    replies = [ok(1)];
    await expect(send([{ a: 1 }, { b: 2 }])).rejects.toThrow(/answered for 1 events when 2 were sent/);
  });
});

describe('backoff', () => {
  it('doubles from the base, within the maximum, and honours Retry-After', () => {
    const policy = { tries: 5, baseDelayMs: 500, maxDelayMs: 3000 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(policy, attempt))).toEqual([500, 1000, 2000, 3000, 3000]);
    expect(backoffDelay(policy, 1, 2000)).toBe(2000);
    expect(backoffDelay(policy, 1, 60_000)).toBe(3000);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('5')).toBe(5000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});
