/**
 * Property-based: random and mutated envelopes, deep nesting, huge strings, wrong types and
 * invalid UTF-8 thrown at POST /api/events on the production server. Every answer is a 2xx or
 * 4xx with a JSON body; the server stays healthy; afterwards every stored payload still passes
 * the project's validator and the projections equal a fresh reprojection of the raw events.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEnvelope } from '@/lib/events/validate';
import { openReadOnly, projectionSnapshot } from '../helpers/db';
import { FIXTURE_FILES, readFixture, streamLines } from '../helpers/fixtures';
import { reprojectedSnapshot } from '../helpers/reprojection';
import { startServer, TEST_TOKEN, type TestServer } from '../helpers/server';

const BASES: Record<string, unknown>[] = [...FIXTURE_FILES.map(readFixture), ...streamLines().slice(0, 40).map((line) => JSON.parse(line))];

type Json = unknown;

/** Every path (list of keys) inside a JSON value, the root included. */
function pathsOf(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

function setAt(root: Json, path: (string | number)[], replacement: Json | typeof DELETE): Json {
  if (path.length === 0) return replacement === DELETE ? null : replacement;
  let parent = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (replacement === DELETE) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = replacement;
  return root;
}
const DELETE = Symbol('delete');

const nested = (depth: number, kind: 'array' | 'object'): Json => {
  let value: Json = 'bottom';
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { n: value };
  return value;
};

/** Values that replace a field: wrong types, odd numbers, markup, huge strings, deep nesting. */
const replacement: fc.Arbitrary<Json | typeof DELETE> = fc.oneof(
  fc.constant(DELETE),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, 0, -1, 1e308, -0, '', '0', 'null', [], {}, '2026-13-45T99:99:99Z', 'NaN'),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('<script>alert(1)</script>', "'; DROP TABLE events; --", '=cmd|"/c calc"!A1', '\u202Eevil\u200B', '\uD800', '\u0000'),
  fc.integer({ min: 10_000, max: 1_500_000 }).map((n) => 'x'.repeat(n)),
  fc.tuple(fc.integer({ min: 10, max: 800 }), fc.constantFrom('array' as const, 'object' as const)).map(([depth, kind]) => nested(depth, kind)),
);

const mutatedEnvelope: fc.Arbitrary<Json> = fc
  .tuple(fc.nat(BASES.length - 1), fc.array(fc.tuple(fc.nat(), replacement), { minLength: 1, maxLength: 4 }))
  .map(([base, mutations]) => {
    let envelope: Json = structuredClone(BASES[base]);
    for (const [pick, value] of mutations) {
      const paths = pathsOf(envelope);
      envelope = setAt(envelope, paths[pick % paths.length]!, value);
    }
    return envelope;
  });

/** Any text, including lone surrogates, control characters, markup and direction overrides. */
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), replacement.filter((v): v is string => typeof v === 'string' && v.length < 100));

/**
 * A valid envelope of its own conversation whose free-text fields (names, message text) hold
 * arbitrary text: these are stored, so "nothing invalid stored" and the reprojection check bite.
 */
const validWithHostileText: fc.Arbitrary<Json> = fc
  .tuple(fc.nat(BASES.length - 1), fc.uuid(), anyText, anyText, anyText, anyText)
  .map(([base, id, agentName, groupName, channelName, text]) => {
    const envelope = structuredClone(BASES[base]) as any;
    const { conversation, associations } = envelope.data;
    conversation.conversation_id = id;
    for (const message of conversation.messages ?? []) {
      message.conversation_id = id;
      for (const part of message.message_parts ?? []) if (part?.text) part.text.content = text;
    }
    if (associations?.agent) associations.agent.first_name = agentName;
    if (associations?.group) associations.group.name = groupName;
    if (associations?.channel) associations.channel.name = channelName;
    return envelope;
  });

const anyItem: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: mutatedEnvelope },
  { weight: 2, arbitrary: validWithHostileText },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

/** `items`: how many envelopes the body holds when it is read at all (a 200), where the test can tell. */
type Request = { contentType: string | null; body: Buffer; items?: number };

const encode = (text: string) => Buffer.from(text, 'utf8');
/** Byte sequences that are not UTF-8: a lone continuation byte, an overlong NUL, an encoded surrogate, 0xFF. */
const invalidUtf8 = fc.constantFrom([0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]);

const request: fc.Arbitrary<Request> = fc.oneof(
  // One envelope or an array, as JSON.
  fc
    .oneof(anyItem, fc.array(anyItem, { maxLength: 6 }))
    .map((value) => ({ contentType: 'application/json', body: encode(JSON.stringify(value) ?? 'null'), items: Array.isArray(value) ? value.length : 1 })),
  // NDJSON lines, some of them broken.
  fc
    .array(fc.oneof({ weight: 5, arbitrary: anyItem.map((v) => JSON.stringify(v) ?? 'null') }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }), { minLength: 1, maxLength: 6 })
    .map((lines) => {
      const text = lines.join('\n');
      // A line as the server reads it: split at every LF (a generated string may hold one), blank ones skipped.
      return { contentType: 'application/x-ndjson', body: encode(text), items: text.split('\n').filter((line) => line.trim() !== '').length };
    }),
  // A valid envelope with bytes that are not UTF-8 spliced in.
  fc.tuple(mutatedEnvelope, invalidUtf8, fc.nat()).map(([value, bad, at]) => {
    const text = encode(JSON.stringify(value) ?? 'null');
    const cut = at % (text.length + 1);
    return { contentType: 'application/json', body: Buffer.concat([text.subarray(0, cut), Buffer.from(bad), text.subarray(cut)]) };
  }),
  // Random bytes under any content type.
  fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('application/json', 'application/x-ndjson', 'text/plain', null)).map(([bytes, contentType]) => ({
    contentType,
    body: Buffer.from(bytes),
  })),
  // Deep nesting as raw text, far deeper than the objects built in memory above (kept under 800 levels so the test itself can serialise them).
  fc.tuple(fc.integer({ min: 1_000, max: 200_000 }), fc.boolean()).map(([depth, closed]) => ({
    contentType: 'application/json',
    body: encode(`${'['.repeat(depth)}${closed ? ']'.repeat(depth) : ''}`),
  })),
);

describe('hostile input to POST /api/events (property-based)', () => {
  let server: TestServer;
  const statuses = new Map<number, number>();
  let answered200 = 0;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('answers every request with a 2xx or 4xx and a JSON body, and stays healthy', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ contentType, body, items }) => {
        const headers: Record<string, string> = { authorization: `Bearer ${TEST_TOKEN}` };
        if (contentType) headers['content-type'] = contentType;
        const response = await fetch(`${server.url}/api/events`, { method: 'POST', headers, body: body as BodyInit });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, text.slice(0, 300)).toBeGreaterThanOrEqual(200);
        expect(response.status, text.slice(0, 300)).toBeLessThan(500);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        const json = JSON.parse(text);
        if (response.status === 200) {
          expect(json).toMatchObject({ accepted: expect.any(Number), duplicates: expect.any(Number), rejected: expect.any(Array) });
          // Every item of the body is accounted for exactly once.
          if (items !== undefined) expect(json.accepted + json.duplicates + json.rejected.length, text.slice(0, 300)).toBe(items);
          answered200 += items === undefined ? 0 : 1;
        }
        else expect(json.error).toEqual(expect.any(String));
      }),
      { numRuns: Number(process.env.HOSTILE_RUNS ?? 250), seed: process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : undefined },
    );
    console.log(`hostile ingest: responses by status ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(statuses.get(200)).toBeGreaterThan(0); // some mutations stay valid: the store is exercised too
    expect(answered200).toBeGreaterThan(20); // and the items' sum was checked on many
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect(server.process.exitCode).toBeNull();
  }, 120_000);

  it('stored only valid events, without iparams, and the projections equal a reprojection', async () => {
    const db = openReadOnly(server.databasePath);
    let stored: { payload: string }[];
    try {
      stored = db.prepare('select payload from events').all() as { payload: string }[];
    } finally {
      db.close();
    }
    expect(stored.length).toBeGreaterThan(0);
    for (const { payload } of stored) {
      const envelope = JSON.parse(payload);
      const result = validateEnvelope(envelope);
      expect(result.ok, payload.slice(0, 300)).toBe(true);
      expect(envelope).not.toHaveProperty('iparams');
    }
    console.log(`hostile ingest: ${stored.length} valid events stored`);
    expect(projectionSnapshot(server.databasePath)).toEqual(await reprojectedSnapshot(server.databasePath));
  });
});
