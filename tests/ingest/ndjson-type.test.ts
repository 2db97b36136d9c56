/**
 * `application/ndjson` (the type's other common name) is read as NDJSON, as
 * `application/x-ndjson` is (lib/ingest/read-body.ts, NDJSON_TYPES): the same body gets the same
 * answer under either name, over real HTTP against the production build.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowCount } from '../helpers/db';
import { readFixture } from '../helpers/fixtures';
import { EventSource } from '../helpers/ingest-load';
import { postEvents, startServer, type TestServer } from '../helpers/server';

/** Fixture 01 (a create) under a conversation id of its own. */
function create(conversationId: string): string {
  const envelope = readFixture('01-onConversationCreate.create.json');
  envelope.data.conversation.conversation_id = conversationId;
  for (const message of envelope.data.conversation.messages ?? []) message.conversation_id = conversationId;
  return JSON.stringify(envelope);
}

/**
 * Four lines: a new event, one whose status is a number, a blank line, another new event. As
 * NDJSON: items 0 and 2 stored, item 1 rejected (the blank line is not an item). Each body gets
 * ids of its own (`tag`), so the two types' answers can be compared without duplicates.
 */
function mixedBody(tag: string): string {
  const invalid = JSON.parse(create(`ndjson-type-${tag}-invalid`));
  invalid.data.conversation.status = 5;
  return [create(`ndjson-type-${tag}-1`), JSON.stringify(invalid), '', create(`ndjson-type-${tag}-2`)].join('\n');
}
const MIXED_ANSWER = {
  accepted: 2,
  duplicates: 0,
  rejected: [{ index: 1, issues: [{ path: 'data.conversation.status', message: 'expected string, got number' }] }],
};

describe('POST /api/events with Content-Type application/ndjson', () => {
  let server: TestServer;
  const events = () => rowCount(server.databasePath, 'events');
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each(['application/ndjson', 'application/ndjson; charset=utf-8', 'Application/NDJSON', 'application/x-ndjson'])(
    'reads %s one envelope a line: the valid ones stored, the invalid one rejected by its index',
    async (type) => {
      const before = events();
      const response = await postEvents(server, mixedBody(type), { 'content-type': type });
      expect(response.status).toBe(200);
      expect(response.json).toEqual(MIXED_ANSWER);
      expect(events()).toBe(before + 2);
    },
  );

  it('control: the same lines as application/json are one malformed JSON text', async () => {
    // So the answers above come from reading the body as NDJSON, not from JSON reading it the same.
    const response = await postEvents(server, mixedBody('json'), { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    expect(response.json.error).toMatch(/^malformed JSON at line 2, column 1: /);
  });

  it('names a malformed line as NDJSON does ("on line 3"), and stores nothing, under either name', async () => {
    const answers = [];
    for (const type of ['application/ndjson', 'application/x-ndjson']) {
      const before = events();
      const body = [create(`ndjson-type-malformed-${type}-1`), create(`ndjson-type-malformed-${type}-2`), '{"event":"onConversationCreate",}'].join('\n');
      const response = await postEvents(server, body, { 'content-type': type });
      expect(response.status, type).toBe(400);
      expect(events(), type).toBe(before);
      answers.push(response.json);
    }
    // `{"event":"onConversationCreate",}`: the `}` after the comma is the 33rd character.
    expect(answers[0]).toEqual({ error: expect.stringMatching(/^malformed JSON on line 3, column 33: /), line: 3, column: 33 });
    expect(answers[1]).toEqual(answers[0]);
  });

  it('gives a large body (prepared in two pieces) the same answer under either name', async () => {
    const source = new EventSource();
    const answers = [];
    for (const type of ['application/ndjson', 'application/x-ndjson']) {
      // 60 new events (about 200 KB, over the 128 KiB at which a body is cut in two), item 50 invalid.
      const lines = source.batch(60).lines.map((line, i) => (i === 50 ? line.replace('"event": "onConversation', '"event": "onConversationX') : line));
      const before = events();
      const response = await postEvents(server, lines.join('\n'), { 'content-type': type });
      expect(events() - before, type).toBe(59);
      answers.push({ status: response.status, json: response.json });
    }
    expect(answers[0]).toEqual({
      status: 200,
      json: { accepted: 59, duplicates: 0, rejected: [{ index: 50, issues: [{ path: 'event', message: expect.stringMatching(/^expected one of "onConversationCreate", "onConversationUpdate", got "onConversationX/) }] }] },
    });
    expect(answers[1]).toEqual(answers[0]);
  });
});
