/**
 * The request limits of POST /api/events at their exact edges, over real HTTP against the
 * production build. README, "Sending events": "at most 64 MiB and 10,000 events a request, else
 * 413". tests/ingest/bad-input.test.ts refuses 10,001 `{}` items and a 65 MiB body; here each
 * limit is met exactly (accepted, and stored) and passed by one (413, nothing stored).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowCount } from '../helpers/db';
import { fixtureText } from '../helpers/fixtures';
import { EventSource } from '../helpers/ingest-load';
import { postEvents, startServer, TEST_TOKEN, type TestServer } from '../helpers/server';

const MiB = 1024 * 1024;
const LIMIT_BYTES = 64 * MiB;
const NDJSON = { 'content-type': 'application/x-ndjson' };

/** Fixture 01 (a create) under a conversation id of its own, as one line of JSON. */
function freshCreate(conversationId: string): string {
  const envelope = JSON.parse(fixtureText('01-onConversationCreate.create.json'));
  envelope.data.conversation.conversation_id = conversationId;
  for (const message of envelope.data.conversation.messages ?? []) message.conversation_id = conversationId;
  return JSON.stringify(envelope);
}

/**
 * A JSON body of exactly `size` bytes: one new event in an array, then spaces (white space JSON
 * allows after the value, and the cheapest padding to parse). Only its size can refuse it.
 */
function paddedBody(conversationId: string, size: number): Buffer {
  const head = Buffer.from(`[${freshCreate(conversationId)}]`);
  const body = Buffer.alloc(size, 0x20);
  head.copy(body);
  return body;
}

/** POSTs a body sent chunked (no Content-Length), in 1 MiB pieces, as a client streaming it would. */
function postChunked(server: TestServer, body: Buffer): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${server.url}/api/events`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          resolve({ status: response.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          request.destroy();
        });
      },
    );
    // Refusing a body too large, the server may answer and close before the rest is sent.
    let answered = false;
    request.on('response', () => (answered = true));
    request.on('error', (error) => setTimeout(() => (answered ? undefined : reject(error)), 1_000));
    void (async () => {
      for (let offset = 0; offset < body.length; offset += MiB) {
        if (answered || request.destroyed) return;
        if (!request.write(body.subarray(offset, offset + MiB))) await new Promise((drained) => request.once('drain', drained));
      }
      request.end();
    })();
  });
}

describe('POST /api/events at its limits', () => {
  let server: TestServer;
  const events = () => rowCount(server.databasePath, 'events');

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('10,000 events a request', () => {
    // 10,001 distinct, valid, new events (about 3.3 KB each: 33 MB, under the byte limit).
    const source = new EventSource();
    const { lines } = source.batch(10_001);
    const ndjsonLines = source.batch(10_001).lines;

    it('refuses 10,001 valid events in a JSON array: 413, nothing stored', async () => {
      const before = events();
      const response = await postEvents(server, `[${lines.join(',')}]`);
      expect(response.status).toBe(413);
      expect(response.json).toEqual({ error: 'too many events: 10001 in one request, at most 10000; split the batch' });
      expect(events()).toBe(before);
    });

    it('accepts exactly 10,000 of them in a JSON array: all stored', async () => {
      const before = events();
      const response = await postEvents(server, `[${lines.slice(0, 10_000).join(',')}]`);
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ accepted: 10_000, duplicates: 0, rejected: [] });
      expect(events()).toBe(before + 10_000);
    });

    it('refuses 10,001 as NDJSON (a large body, prepared in two pieces): 413, nothing stored', async () => {
      const before = events();
      const response = await postEvents(server, ndjsonLines.join('\n'), NDJSON);
      expect(response.status).toBe(413);
      expect(response.json).toEqual({ error: 'too many events: 10001 in one request, at most 10000; split the batch' });
      expect(events()).toBe(before);
    });

    it('accepts exactly 10,000 as NDJSON, blank lines not counted', async () => {
      const before = events();
      // 10,000 events and a blank line after each: 20,000 lines, 10,000 items.
      const response = await postEvents(server, ndjsonLines.slice(0, 10_000).join('\n\n') + '\n\n', NDJSON);
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ accepted: 10_000, duplicates: 0, rejected: [] });
      expect(events()).toBe(before + 10_000);
    });
  });

  describe('64 MiB a request', () => {
    it.each([
      { framing: 'with Content-Length', post: (server: TestServer, body: Buffer) => postEvents(server, body) },
      { framing: 'sent chunked', post: postChunked },
    ])('accepts a body of exactly 64 MiB $framing, and refuses 64 MiB + 1 byte (413, nothing stored)', async ({ framing, post }) => {
      const id = `limits-64-mib-${framing.replaceAll(' ', '-')}`;

      const over = paddedBody(`${id}-over`, LIMIT_BYTES + 1);
      expect(over.length).toBe(67_108_865);
      const before = events();
      const refused = await post(server, over);
      expect(refused.status).toBe(413);
      expect(refused.json.error).toBe('body too large: at most 64 MiB and 10000 events a request; split the batch');
      expect(events()).toBe(before);

      const exact = paddedBody(id, LIMIT_BYTES);
      expect(exact.length).toBe(67_108_864);
      const accepted = await post(server, exact);
      expect(accepted.status).toBe(200);
      expect(accepted.json).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
      expect(events()).toBe(before + 1);
    });
  });
});
