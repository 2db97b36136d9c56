/**
 * Bad input to POST /api/events, over real HTTP against the production build.
 *
 * Every case checks three things: the status code, that the JSON body's message names the
 * problem (or the field), and that nothing was stored (the store's fingerprint is the same
 * before and after the request). The database is primed with the whole fixture stream first,
 * so "unchanged" means something.
 */
import http from 'node:http';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowCount, storeFingerprint } from '../helpers/db';
import { fixtureText, readFixture } from '../helpers/fixtures';
import { openDatabase } from '@/db/client';
import { SETTING, setSetting } from '@/lib/settings';
import { postEvents, startServer, tempDatabasePath, TEST_TOKEN, type TestServer, postStream } from '../helpers/server';

const MiB = 1024 * 1024;

/** Fixture 03 (a conversation assigned to an agent): the valid envelope every mutation starts from. */
const BASE = readFixture('03-onConversationUpdate.assigned-agent.json');

/** A copy of fixture 03 with one thing changed. */
function mutated(change: (envelope: Record<string, any>) => void): Record<string, any> {
  const envelope = structuredClone(BASE);
  change(envelope);
  return envelope;
}

/** A valid envelope that is not in the stream (its own conversation), so storing it would show. */
function freshEnvelope(conversationId: string): Record<string, any> {
  return mutated((e) => {
    e.data.conversation.conversation_id = conversationId;
    for (const message of e.data.conversation.messages) message.conversation_id = conversationId;
  });
}

const json = (value: unknown) => JSON.stringify(value);

type Response = Awaited<ReturnType<typeof postEvents>>;
/** A body given as a list of chunks goes out chunked (Transfer-Encoding: chunked, no Content-Length). */
type Body = string | Buffer | Buffer[];

/**
 * POST /api/events. Headers default to `application/json` and the test token, like postEvents,
 * which sends most cases. A header given as `null` is left out entirely, which postEvents cannot
 * do; those requests and chunked ones go over a connection of their own (node:http, outside
 * fetch's keep-alive pool), so a connection the server leaves stuck after refusing a huge
 * chunked body cannot leak into the next case (see the keep-alive test below).
 */
async function send(server: TestServer, body: Body, headers: Record<string, string | null> = {}): Promise<Response> {
  const plain = Object.values(headers).every((value) => value !== null) && !Array.isArray(body);
  if (plain) return postEvents(server, body as string | Buffer, headers as Record<string, string>);

  const merged: Record<string, string | null> = { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}`, ...headers };
  const requestHeaders = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== null)) as Record<string, string>;
  if (!Array.isArray(body)) requestHeaders['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const request = http.request(`${server.url}/api/events`, { method: 'POST', agent: false, headers: requestHeaders }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = { unparsed: text };
        }
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        resolve({ status: response.statusCode!, json: parsed, headers: responseHeaders });
        request.destroy();
      });
    });
    // The server may answer (413) and close before the whole body is sent: an error then is expected.
    let answered = false;
    request.on('response', () => (answered = true));
    request.on('error', (error) => setTimeout(() => (answered ? undefined : reject(error)), 1_000));
    void (async () => {
      for (const chunk of Array.isArray(body) ? body : [body]) {
        if (answered || request.destroyed) return;
        if (!request.write(chunk)) await new Promise((resolve) => request.once('drain', resolve));
      }
      request.end();
    })();
  });
}

/** A JSON object with one string member padded to over `size` bytes, in 1 MiB chunks. */
function oversizeChunks(size: number): Buffer[] {
  const chunk = Buffer.alloc(MiB, 'a'); // the same buffer, sent again and again: no 65 MiB copy
  return [Buffer.from('{"event":"onConversationCreate","padding":"'), ...Array<Buffer>(Math.ceil(size / MiB)).fill(chunk), Buffer.from('"}')];
}

type RawResponse = { status: number; headers: Record<string, string>; body: string };

/**
 * On one raw TCP connection: POST a body over 64 MiB (declared with Content-Length or sent
 * chunked), read the 413, then (unless the connection is gone) send a small request on the same
 * connection. `afterwards` says what became of that: `answered <status>`, `closed`, or `no answer…`
 * within 3 s (a client with a keep-alive pool would see its request hang, then ECONNRESET).
 */
async function oversizeThenAnother(
  server: TestServer,
  framing: 'with Content-Length' | 'sent chunked',
): Promise<{ first: RawResponse; afterwards: string }> {
  const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
  socket.on('error', () => {}); // a reset shows as 'close'
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = Buffer.alloc(0);
  let closed = false;
  socket.on('data', (data: Buffer) => (received = Buffer.concat([received, data])));
  socket.on('close', () => (closed = true));

  /** The first complete response in `received`, removed from it, or null while incomplete. */
  const takeResponse = (): RawResponse | null => {
    const text = received.toString('latin1');
    const headEnd = text.indexOf('\r\n\r\n');
    if (headEnd < 0) return null;
    const [statusLine, ...lines] = text.slice(0, headEnd).split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    let body: string;
    let end: number;
    if (headers['content-length'] !== undefined) {
      end = headEnd + 4 + Number(headers['content-length']);
      if (received.length < end) return null;
      body = text.slice(headEnd + 4, end);
    } else {
      end = text.indexOf('\r\n0\r\n\r\n', headEnd);
      if (end < 0) return null;
      body = text.slice(headEnd + 4, end).replace(/^[0-9a-f]+\r\n/gim, '');
      end += 7;
    }
    received = received.subarray(end);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  };
  const waitFor = async <T>(check: () => T | null, ms: number): Promise<T | null> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = check();
      if (value !== null || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const head = (extra: string) =>
    `POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${TEST_TOKEN}\r\n${extra}\r\n`;
  const chunks = oversizeChunks(65 * MiB);
  const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const writes =
    framing === 'sent chunked'
      ? [Buffer.from(head('Transfer-Encoding: chunked\r\n')), ...chunks.flatMap((c) => [Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]), Buffer.from('0\r\n\r\n')]
      : [Buffer.from(head(`Content-Length: ${size}\r\n`)), ...chunks];
  let stalled = false;
  for (const data of writes) {
    if (closed) break;
    if (!socket.write(data) && !(await drainedOrClosed(socket))) {
      stalled = true; // the server stopped reading the body, and did not close either
      break;
    }
  }
  try {
    const first = await waitFor(takeResponse, 10_000);
    if (!first) throw new Error(`no answer to the oversize request (${framing})`);
    if (closed) return { first, afterwards: 'closed' };
    if (stalled) return { first, afterwards: 'no answer (the server stopped reading the rest of the body)' };
    socket.write(head('Content-Length: 4\r\n') + '[{}]');
    const second = await waitFor(() => takeResponse() ?? (closed ? 'closed' : null), 3_000);
    const afterwards = second === null ? 'no answer' : second === 'closed' ? 'closed' : `answered ${second.status}`;
    return { first, afterwards };
  } finally {
    socket.destroy();
  }
}

/** Waits for the socket to drain (true) or close, at most 5 s (false): a server that stops reading must not hang the test. */
function drainedOrClosed(socket: net.Socket): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (drained: boolean) => () => {
      clearTimeout(timer);
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      resolve(drained);
    };
    const onDrain = done(true);
    const onClose = done(false);
    const timer = setTimeout(done(false), 5_000);
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}

async function expectHealthy(server: TestServer): Promise<void> {
  const response = await fetch(`${server.url}/api/health`);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ status: 'ok' });
}

// ---------------------------------------------------------------------------------------------
// Requests rejected as a whole: auth, content type, framing, limits.
// ---------------------------------------------------------------------------------------------

type RequestCase = {
  name: string;
  /** Built when the case runs (some bodies are large). */
  body: () => Body;
  headers?: Record<string, string | null>;
  status: number;
  /** The response's `error` must contain this, or match it. */
  error: string | RegExp;
  /** More of the JSON body, checked with toMatchObject. */
  json?: Record<string, unknown>;
  responseHeaders?: Record<string, string>;
};

const VALID_BODY = () => fixtureText('03-onConversationUpdate.assigned-agent.json');

/** Lines 1 and 2 are valid events not yet stored; line 3 is cut short. */
const NDJSON_LINES = [
  json(freshEnvelope('bad-input-ndjson-line-1')),
  json(freshEnvelope('bad-input-ndjson-line-2')),
  '{"event":"onConversationUpdate","data":{"conversation":{"conversation_id":"bad-input-ndjson-line-3"',
];

const requestCases: RequestCase[] = [
  // Auth
  {
    name: 'no Authorization header',
    body: VALID_BODY,
    headers: { authorization: null },
    status: 401,
    error: 'missing bearer token',
    responseHeaders: { 'www-authenticate': 'Bearer' },
  },
  {
    name: 'wrong bearer token',
    body: VALID_BODY,
    headers: { authorization: 'Bearer not-the-right-token-0000000000' },
    status: 401,
    error: 'invalid bearer token',
    responseHeaders: { 'www-authenticate': 'Bearer' },
  },
  {
    name: 'the right token with the Basic scheme',
    body: VALID_BODY,
    headers: { authorization: `Basic ${Buffer.from(`ingest:${TEST_TOKEN}`).toString('base64')}` },
    status: 401,
    error: 'missing bearer token',
    responseHeaders: { 'www-authenticate': 'Bearer' },
  },
  {
    name: '"Bearer" with no token after it',
    body: VALID_BODY,
    headers: { authorization: 'Bearer ' },
    status: 401,
    error: 'missing bearer token',
    responseHeaders: { 'www-authenticate': 'Bearer' },
  },

  // Content type
  {
    name: 'content type text/plain',
    body: VALID_BODY,
    headers: { 'content-type': 'text/plain' },
    status: 415,
    error: 'unsupported content type "text/plain"',
  },
  {
    name: 'no content type at all',
    body: () => Buffer.from(VALID_BODY()), // a Buffer, so fetch adds no content type of its own
    headers: { 'content-type': null },
    status: 415,
    error: 'unsupported content type (none)',
  },
  {
    name: 'content type application/xml',
    body: () => '<event>onConversationCreate</event>',
    headers: { 'content-type': 'application/xml' },
    status: 415,
    error: 'unsupported content type "application/xml"',
  },

  // Content encoding: a gzip body read as text would fail as "not valid UTF-8", and a plain body
  // labelled gzip must not be stored as if it had been decoded.
  {
    name: 'a gzip body (Content-Encoding: gzip)',
    body: () => gzipSync(json(freshEnvelope('bad-input-gzip'))),
    headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' },
    status: 415,
    error: 'unsupported Content-Encoding "gzip": send the body uncompressed',
    responseHeaders: { 'accept-encoding': 'identity' },
  },
  {
    name: 'a plain body labelled Content-Encoding: br',
    body: () => json(freshEnvelope('bad-input-br')),
    headers: { 'content-encoding': 'br' },
    status: 415,
    error: 'unsupported Content-Encoding "br": send the body uncompressed',
  },

  // Empty bodies
  { name: 'empty body', body: () => '', status: 400, error: 'empty body' },
  { name: 'whitespace-only body', body: () => ' \n\t\r\n ', status: 400, error: 'empty body' },
  { name: 'whitespace-only NDJSON body', body: () => '\n\n  \n', headers: { 'content-type': 'application/x-ndjson' }, status: 400, error: 'empty body' },
  { name: 'an empty JSON array', body: () => '[]', status: 400, error: 'no events in the request' },

  // Malformed JSON
  {
    name: 'malformed JSON: an object cut short',
    body: () => VALID_BODY().slice(0, 2000),
    status: 400,
    error: /^malformed JSON at line \d+, column \d+: /,
    json: { line: expect.any(Number), column: expect.any(Number) },
  },
  {
    name: 'malformed JSON: a trailing comma in an object',
    body: () => json(BASE).replace(/}$/, ',}'),
    status: 400,
    error: /^malformed JSON at line 1, column \d+: Expected double-quoted property name/,
    json: { line: 1, column: json(BASE).length + 1 },
  },
  {
    // V8's message names the token but not where it is: the place is found by jsonErrorOffset.
    name: 'malformed JSON: a bare word where a value belongs, in an array over several lines',
    body: () => `[\n${json(BASE)},\n{"event": onConversationUpdate}\n]`,
    status: 400,
    error: /^malformed JSON at line 3, column 11: Unexpected token 'o'/,
    json: { line: 3, column: 11 },
  },
  {
    name: 'malformed JSON: a trailing comma in an array',
    body: () => `[${json(BASE)},]`,
    status: 400,
    error: /^malformed JSON/,
  },
  {
    name: 'NDJSON whose 3rd line is malformed (lines 1-2 valid and new)',
    body: () => NDJSON_LINES.join('\n'),
    headers: { 'content-type': 'application/x-ndjson' },
    status: 400,
    error: /^malformed JSON on line 3, column \d+: /,
    json: { line: 3, column: expect.any(Number) },
  },
  {
    name: 'invalid UTF-8 bytes in a string',
    body: () => Buffer.concat([Buffer.from('{"event":"onConversationCreate","data":{"conversation":{"conversation_id":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}}}')]),
    status: 400,
    error: 'not valid UTF-8',
  },

  // Limits
  {
    name: 'a body over 64 MiB (one 65 MiB JSON string, with Content-Length)',
    body: () => Buffer.concat([Buffer.from('{"event":"onConversationCreate","padding":"'), Buffer.alloc(65 * MiB, 'a'), Buffer.from('"}')]),
    status: 413,
    error: /body too large: at most 64 MiB/,
  },
  {
    name: 'a body over 64 MiB sent chunked (no Content-Length)',
    body: () => oversizeChunks(65 * MiB),
    status: 413,
    error: /body too large: at most 64 MiB/,
  },
  {
    name: '10,001 events in one JSON array',
    body: () => json(Array.from({ length: 10_001 }, () => ({}))),
    status: 413,
    error: /too many events: 10001 .*at most 10000/,
  },
  {
    name: '10,001 events as NDJSON',
    body: () => Array.from({ length: 10_001 }, () => '{}').join('\n'),
    headers: { 'content-type': 'application/x-ndjson' },
    status: 413,
    error: /too many events: 10001 .*at most 10000/,
  },
];

// ---------------------------------------------------------------------------------------------
// Well-formed JSON that is not a valid envelope: 400 with `rejected` naming the field.
// ---------------------------------------------------------------------------------------------

type InvalidEnvelopeCase = { name: string; item: unknown; path: string; message: string };

const invalidEnvelopeCases: InvalidEnvelopeCase[] = [
  {
    name: 'data.conversation.status is a number',
    item: mutated((e) => (e.data.conversation.status = 5)),
    path: 'data.conversation.status',
    message: 'expected string, got number',
  },
  {
    name: 'data.conversation.conversation_id is missing',
    item: mutated((e) => delete e.data.conversation.conversation_id),
    path: 'data.conversation.conversation_id',
    message: 'required: expected string',
  },
  {
    name: 'data.conversation.conversation_id is empty',
    item: mutated((e) => (e.data.conversation.conversation_id = '')),
    path: 'data.conversation.conversation_id',
    message: 'must not be empty',
  },
  {
    name: 'event is missing',
    item: mutated((e) => delete e.event),
    path: 'event',
    message: 'required: expected one of "onConversationCreate", "onConversationUpdate"',
  },
  {
    name: 'event is an unknown name',
    item: mutated((e) => (e.event = 'onConversationDelete')),
    path: 'event',
    message: 'expected one of "onConversationCreate", "onConversationUpdate", got "onConversationDelete"',
  },
  {
    name: 'data is null',
    item: mutated((e) => (e.data = null)),
    path: 'data',
    message: 'expected object, got null',
  },
  {
    name: 'data.conversation is missing',
    item: mutated((e) => delete e.data.conversation),
    path: 'data.conversation',
    message: 'required: expected object',
  },
  { name: 'a JSON string instead of an envelope', item: 'onConversationCreate', path: '(envelope)', message: 'expected object, got string' },
  { name: 'a JSON number instead of an envelope', item: 42, path: '(envelope)', message: 'expected object, got number' },
  { name: 'JSON null instead of an envelope', item: null, path: '(envelope)', message: 'expected object, got null' },
  {
    name: 'data.conversation.created_time is "yesterday"',
    item: mutated((e) => (e.data.conversation.created_time = 'yesterday')),
    path: 'data.conversation.created_time',
    message: 'expected an ISO 8601 timestamp such as 2026-10-12T00:46:08.981Z, got "yesterday"',
  },
  {
    // It is the event's time when updated_time is missing: stored, it made the conversation's page fail.
    name: 'the envelope timestamp is 1e300 and the conversation has no updated_time',
    item: mutated((e) => {
      e.timestamp = 1e300;
      delete e.data.conversation.updated_time;
    }),
    path: 'timestamp',
    message: 'expected epoch milliseconds from 0 to 253402300799999 (9999-12-31), got 1e+300',
  },
  {
    name: 'associations.agent.max_active_conv is 2.5',
    item: mutated((e) => (e.data.associations.agent.max_active_conv = 2.5)),
    path: 'data.associations.agent.max_active_conv',
    message: 'expected integer, got 2.5',
  },
  {
    name: 'changes.model_changes.status has one element',
    item: mutated((e) => (e.data.changes.model_changes.status = ['assigned'])),
    path: 'data.changes.model_changes.status',
    message: 'expected an [old, new] pair of strings or nulls',
  },
  {
    name: 'a statistics value is a string',
    item: mutated((e) => (e.data.conversation.statistics = { resolution_time_chrs: '30' })),
    path: 'data.conversation.statistics.resolution_time_chrs',
    message: 'expected number, got string',
  },
];

// ---------------------------------------------------------------------------------------------

describe('POST /api/events rejects bad input and stores nothing', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
    const primed = await postStream(server);
    expect(primed.status).toBe(200);
    expect(primed.json.rejected).toEqual([]);
    expect(rowCount(server.databasePath, 'events')).toBeGreaterThan(0);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it.each(requestCases)('$name → $status', async ({ body, headers, status, error, json: more, responseHeaders }) => {
    const before = storeFingerprint(server.databasePath);
    const response = await send(server, body(), headers);

    expect(response.status).toBe(status);
    expect(typeof response.json.error).toBe('string');
    if (typeof error === 'string') expect(response.json.error).toContain(error);
    else expect(response.json.error).toMatch(error);
    if (more) expect(response.json).toMatchObject(more);
    for (const [name, value] of Object.entries(responseHeaders ?? {})) expect(response.headers.get(name)).toBe(value);
    expect(storeFingerprint(server.databasePath)).toBe(before);
  });

  it.each(invalidEnvelopeCases)('invalid envelope: $name → 400 naming $path', async ({ item, path, message }) => {
    const before = storeFingerprint(server.databasePath);
    const response = await postEvents(server, json(item));

    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: `no valid event in the request; first problem: ${path}: ${message}`,
      accepted: 0,
      duplicates: 0,
      rejected: [{ index: 0, issues: [{ path, message }] }],
    });
    expect(storeFingerprint(server.databasePath)).toBe(before);
  });

  it('a batch where every item is invalid → 400, each item rejected by index', async () => {
    const items = invalidEnvelopeCases.map((c) => c.item);
    const before = storeFingerprint(server.databasePath);
    const response = await postEvents(server, json(items));

    expect(response.status).toBe(400);
    const first = invalidEnvelopeCases[0]!;
    expect(response.json.error).toBe(`no valid event in the request; first problem: ${first.path}: ${first.message}`);
    expect(response.json.accepted).toBe(0);
    expect(response.json.duplicates).toBe(0);
    expect(response.json.rejected).toEqual(
      invalidEnvelopeCases.map(({ path, message }, index) => ({ index, issues: [{ path, message }] })),
    );
    expect(storeFingerprint(server.databasePath)).toBe(before);
  });

  /** `{"a":{"a":…"bottom"…}}`, built as text: JSON.stringify itself overflows the stack on it. */
  const DEEP = '{"a":'.repeat(5_000) + '"bottom"' + '}'.repeat(5_000);

  it('an envelope with an object nested 5,000 levels deep under an unknown key → stored or refused as JSON (not a 500), and the server lives on', async () => {
    const envelope = freshEnvelope('bad-input-deeply-nested');
    envelope.data.conversation.custom_payload = '__DEEP__';
    const body = json(envelope).replace('"__DEEP__"', DEEP);
    const eventsBefore = rowCount(server.databasePath, 'events');
    const before = storeFingerprint(server.databasePath);
    const outputBefore = server.output().length;

    const response = await postEvents(server, body);

    // Unknown fields are kept, so storing it is right; refusing it as too deep would be fine too. A 500 is not.
    const answer = `answered ${response.status} ${JSON.stringify(response.json).slice(0, 200)}; server printed: ${server.output().slice(outputBefore, outputBefore + 400)}`;
    expect(response.status, answer).toBeGreaterThanOrEqual(200);
    expect(response.status, answer).toBeLessThan(500);
    expect(response.json.unparsed, 'the answer is JSON').toBeUndefined();
    if (response.status === 200) {
      expect(response.json).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });
      expect(rowCount(server.databasePath, 'events')).toBe(eventsBefore + 1);
    } else {
      expect(response.json.error).toMatch(/deep|nest/i);
      expect(storeFingerprint(server.databasePath)).toBe(before);
    }
    await expectHealthy(server);
  });

  it('an object nested 5,000 levels deep as the `event` value → 400 naming event and the depth (not a 500)', async () => {
    const body = json(mutated((e) => (e.event = '__DEEP__'))).replace('"__DEEP__"', DEEP);
    const before = storeFingerprint(server.databasePath);
    const outputBefore = server.output().length;

    const response = await postEvents(server, body);

    const answer = `answered ${response.status} ${JSON.stringify(response.json).slice(0, 200)}; server printed: ${server.output().slice(outputBefore, outputBefore + 400)}`;
    expect(response.status, answer).toBe(400);
    expect(response.json.rejected?.[0]?.index).toBe(0);
    expect(response.json.rejected?.[0]?.issues?.[0]?.path).toMatch(/^event\b/);
    expect(response.json.rejected?.[0]?.issues?.[0]?.message).toBe('nested deeper than 64 levels');
    expect(storeFingerprint(server.databasePath)).toBe(before);
    await expectHealthy(server);
  });

  it.each([
    { framing: 'with Content-Length' as const },
    { framing: 'sent chunked' as const },
  ])('after refusing a body over 64 MiB $framing, the connection serves the next request or is closed', async ({ framing }) => {
    const before = storeFingerprint(server.databasePath);
    const { first, afterwards } = await oversizeThenAnother(server, framing);

    expect(first.status).toBe(413);
    expect(first.body).toContain('body too large');
    if (/close/i.test(first.headers['connection'] ?? '')) {
      // The server said it would close: the client opens a new connection. It must then close.
      expect(afterwards, 'said "Connection: close" but left the connection open').toBe('closed');
    } else {
      // The server kept the connection alive: it must answer the next request on it.
      expect(afterwards, `413 said "Connection: ${first.headers['connection']}", yet the next request on that connection got: ${afterwards}`).toMatch(/^answered 400/);
    }
    expect(storeFingerprint(server.databasePath)).toBe(before);
  });

  it('still answers /api/health after the whole battery', async () => {
    await expectHealthy(server);
  });
});

describe('POST /api/events with INGEST_TOKEN unset', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ env: { INGEST_TOKEN: undefined } });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it.each<{ name: string; headers: Record<string, string | null> }>([
    { name: 'with a bearer token', headers: {} },
    { name: 'without an Authorization header', headers: { authorization: null } },
  ])('answers 503 naming INGEST_TOKEN ($name), and stores nothing', async ({ headers }) => {
    const before = storeFingerprint(server.databasePath);
    const response = await send(server, VALID_BODY(), headers);

    expect(response.status).toBe(503);
    expect(response.json.error).toContain('INGEST_TOKEN');
    expect(response.json.error).toMatch(/ingest is disabled/);
    expect(storeFingerprint(server.databasePath)).toBe(before);
    expect(rowCount(server.databasePath, 'events')).toBe(0);
  });

  it('and the empty pages say ingest is off and how to turn it on, before the curl example that would get a 503', async () => {
    for (const page of ['/', '/ingest']) {
      const html = await (await fetch(`${server.url}${page}`)).text();
      expect(html, page).toContain('<strong>Ingest is off:</strong> this server has no <code>INGEST_TOKEN</code>');
      expect(html.indexOf('Ingest is off'), page).toBeLessThan(html.indexOf('No events yet.'));
    }
  });
});

describe('INGEST_TOKEN unset, with a token a first run stored and no event left', () => {
  // As after `npm start` loaded the demo, then `npm run demo:clear`, and the server started with `next start`.
  it('accepts that token, and the empty pages do not say ingest is off', async () => {
    const databasePath = tempDatabasePath('stored-token');
    const db = openDatabase(databasePath);
    setSetting(db, SETTING.generatedIngestToken, TEST_TOKEN);
    db.$client.close();
    const server = await startServer({ databasePath, env: { INGEST_TOKEN: undefined } });
    try {
      const html = await (await fetch(`${server.url}/`)).text();
      expect(html).toContain('No events yet.');
      expect(html).not.toContain('Ingest is off');
      expect((await postEvents(server, VALID_BODY())).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe('POST /api/events with a partly valid batch (empty database)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('[fixture 01, invalid item, fixture 06] → 200, stores the two valid events, rejects index 1', async () => {
    const invalid = invalidEnvelopeCases[0]!;
    const batch = [readFixture('01-onConversationCreate.create.json'), invalid.item, readFixture('06-onConversationUpdate.resolved.json')];
    const eventsBefore = rowCount(server.databasePath, 'events');

    const response = await postEvents(server, json(batch));

    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [{ index: 1, issues: [{ path: invalid.path, message: invalid.message }] }],
    });
    expect(rowCount(server.databasePath, 'events')).toBe(eventsBefore + 2);
  });

  it('control: the NDJSON lines 1-2 of the malformed-line case are valid and new on their own', async () => {
    // Proves the "stores nothing" check of that case could have failed.
    const before = rowCount(server.databasePath, 'events');
    const response = await postEvents(server, NDJSON_LINES.slice(0, 2).join('\n'), { 'content-type': 'application/x-ndjson' });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(rowCount(server.databasePath, 'events')).toBe(before + 2);
  });
});
