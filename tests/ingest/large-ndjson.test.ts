/**
 * Large NDJSON bodies (128 KiB and more) over real HTTP. The server cuts such a body at a line end
 * near its middle and prepares the two pieces on two threads, the writer's and the preparer's
 * (lib/ingest/body-parts.ts, writer.ts; README, "Durable" and Benchmarks, "Ingest"), then puts the
 * answers together: it must be the answer the whole body gets. So each case puts the thing that
 * matters in the second piece (or in both), where a piece-by-piece answer would differ: line
 * numbers and item indexes counted in the whole body, nothing stored when any piece is malformed.
 * Requests go one at a time, so the writer thread is idle and each body is cut in two.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPLIT_MIN_BYTES } from '@/lib/ingest/body-parts';
import { openReadOnly, storeFingerprint } from '../helpers/db';
import { EventSource } from '../helpers/ingest-load';
import { postEvents, startServer, type TestServer } from '../helpers/server';

const NDJSON = { 'content-type': 'application/x-ndjson' };

/**
 * 120 distinct, valid, new events (about 3.3 KB each: some 400 KB, over SPLIT_MIN_BYTES), one a
 * line, with a blank line after every 10th event, so that line numbers (blank lines counted) and
 * item indexes (not counted) differ: event i is on line i + floor(i / 10) + 1.
 */
const EVENTS = 120;
const lineOf = (index: number) => index + Math.floor(index / 10) + 1;

function bodyLines(events: string[]): string[] {
  return events.flatMap((event, i) => (i % 10 === 9 ? [event, ''] : [event]));
}

/**
 * Where the server cuts the body (README: at a line end near its middle; body-parts.ts cuts after
 * the first newline at or past half its bytes): the first line of the second piece (1-based,
 * blank lines counted) and the byte it starts at. Worked out here, not asked of the product code.
 */
function secondPiece(body: Buffer): { firstLine: number; offset: number } {
  expect(body.length).toBeGreaterThanOrEqual(SPLIT_MIN_BYTES);
  const cut = body.indexOf(0x0a, Math.floor(body.length / 2));
  let newlines = 0;
  for (let at = body.indexOf(0x0a); at !== -1 && at <= cut; at = body.indexOf(0x0a, at + 1)) newlines++;
  return { firstLine: newlines + 1, offset: cut + 1 };
}

/** Health's running totals: what the server says it holds. */
async function totals(server: TestServer): Promise<{ events: number; conversations: number }> {
  const health = await (await fetch(`${server.url}/api/health`)).json();
  return { events: health.events, conversations: health.conversations };
}

describe('large NDJSON bodies, prepared in two pieces', () => {
  let server: TestServer;
  const source = new EventSource();

  beforeAll(async () => {
    server = await startServer();
    // Something stored first, so "unchanged" means something.
    const primed = await postEvents(server, source.batch(20).lines.join('\n'), NDJSON);
    expect(primed.json).toEqual({ accepted: 20, duplicates: 0, rejected: [] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a malformed line in the second piece: 400 naming that line of the whole body, nothing stored', async () => {
    const { lines: events } = source.batch(EVENTS);
    // Event 95 (line 95 + 9 + 1 = 105) loses its closing brace to a trailing comma: `…,}` at its end.
    const broken = events.map((line, i) => (i === 95 ? `${line.slice(0, -1)},}` : line));
    const body = Buffer.from(bodyLines(broken).join('\n'));
    const { firstLine, offset } = secondPiece(body);
    expect(lineOf(95)).toBe(105);
    expect(firstLine).toBeLessThan(105);
    expect(body.indexOf(broken[95]!)).toBeGreaterThan(offset);

    const before = await totals(server);
    const fingerprint = storeFingerprint(server.databasePath);
    const response = await postEvents(server, body, NDJSON);

    // The column: the `}` is the line's last character, so its length (V8 gives the position).
    const column = broken[95]!.length;
    expect(response.status).toBe(400);
    expect(response.json).toEqual({
      error: expect.stringMatching(new RegExp(`^malformed JSON on line 105, column ${column}: Expected double-quoted property name`)),
      line: 105,
      column,
    });
    expect(await totals(server)).toEqual(before);
    expect(storeFingerprint(server.databasePath)).toBe(fingerprint);

    // The control: the same body with line 105 mended is stored whole, so "nothing stored" could have failed.
    const mended = await postEvents(server, bodyLines(events).join('\n'), NDJSON);
    expect(mended.json).toEqual({ accepted: EVENTS, duplicates: 0, rejected: [] });
    expect((await totals(server)).events).toBe(before.events + EVENTS);
  });

  it('invalid items in both pieces: 200, the valid ones stored, each invalid one rejected by its index in the whole body', async () => {
    const { lines: events, keys } = source.batch(EVENTS);
    // Two invalid items in each piece (the cut falls near event 60), each a field of the wrong type.
    const invalid = new Map<number, { change: (e: any) => void; path: string; message: string }>([
      [3, { change: (e) => (e.data.conversation.status = 5), path: 'data.conversation.status', message: 'expected string, got number' }],
      [41, { change: (e) => (e.data.conversation.statistics = { resolution_time_chrs: '30' }), path: 'data.conversation.statistics.resolution_time_chrs', message: 'expected number, got string' }],
      [77, { change: (e) => (e.data.conversation.status = 5), path: 'data.conversation.status', message: 'expected string, got number' }],
      [119, { change: (e) => (e.data.conversation.statistics = { resolution_time_chrs: '30' }), path: 'data.conversation.statistics.resolution_time_chrs', message: 'expected number, got string' }],
    ]);
    const sent = events.map((line, i) => {
      const bad = invalid.get(i);
      if (!bad) return line;
      const envelope = JSON.parse(line);
      bad.change(envelope);
      return JSON.stringify(envelope);
    });
    const body = Buffer.from(bodyLines(sent).join('\n'));
    const { firstLine } = secondPiece(body);
    // Items 3 and 41 (lines 4 and 46) before the cut, 77 and 119 (lines 85 and 131) after it.
    expect([lineOf(3), lineOf(41), lineOf(77), lineOf(119)]).toEqual([4, 46, 85, 131]);
    expect(firstLine).toBeGreaterThan(46);
    expect(firstLine).toBeLessThanOrEqual(85);

    const before = await totals(server);
    const response = await postEvents(server, body, NDJSON);

    // README: 200 when some items are valid; `index` the n-th non-blank line, counted in the whole body.
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      accepted: EVENTS - 4,
      duplicates: 0,
      rejected: [...invalid].map(([index, { path, message }]) => ({ index, issues: [{ path, message }] })),
    });
    expect((await totals(server)).events).toBe(before.events + EVENTS - 4);
    // Exactly the valid ones: each stored once, under the key of the event as generated.
    const db = openReadOnly(server.databasePath);
    const stored = new Set(db.prepare('select dedupe_key from events').pluck().all() as string[]);
    db.close();
    expect(keys.filter((key) => stored.has(key)).length).toBe(EVENTS - 4);
    expect([...invalid.keys()].filter((i) => stored.has(keys[i]!))).toEqual([]);
  });

  it.each([
    { name: 'invalid UTF-8 in the second piece', brokenLine: null },
    // The whole body is checked as UTF-8 before any line is parsed: that answer comes first.
    { name: 'invalid UTF-8 in the second piece and a malformed line in the first', brokenLine: 7 },
  ])('$name: 400, not valid UTF-8, nothing stored', async ({ brokenLine }) => {
    const { lines: events } = source.batch(EVENTS);
    const text = bodyLines(events.map((line, i) => (i === brokenLine ? `${line.slice(0, -1)},}` : line))).join('\n');
    const body = Buffer.from(text);
    // A byte that is never UTF-8 (0xFF) in place of a letter inside event 100's `"event"` key.
    const at = body.indexOf(Buffer.from(events[100]!)) + events[100]!.indexOf('"event"') + 2;
    body[at] = 0xff;
    expect(at).toBeGreaterThan(secondPiece(body).offset);

    const before = await totals(server);
    const fingerprint = storeFingerprint(server.databasePath);
    const response = await postEvents(server, body, NDJSON);

    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'body is not valid UTF-8' });
    expect(await totals(server)).toEqual(before);
    expect(storeFingerprint(server.databasePath)).toBe(fingerprint);
  });
});
