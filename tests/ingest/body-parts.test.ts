import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combineParts, preparePart, splitNdjson, wholeBody, type PreparedBody } from '@/lib/ingest/body-parts';
import { prepareBatch } from '@/lib/ingest/ingest-envelopes';
import { MAX_EVENTS_PER_REQUEST, parseEventsBody, type RawBody } from '@/lib/ingest/read-body';
import { streamLines } from '../helpers/fixtures';

const RECEIVED_AT = 1_790_000_000_000;
const STREAM = streamLines();

/** What the body gets read and prepared in one piece, as before bodies were cut. */
function inOnePiece(body: RawBody): PreparedBody {
  const read = parseEventsBody(body);
  return read.ok ? { ok: true, batch: prepareBatch(read.items, RECEIVED_AT) } : read;
}

/** Cut at `fraction`, each piece prepared apart (and copied as across threads), put back together. */
function inTwoPieces(body: RawBody, fraction: number): PreparedBody | null {
  const pieces = splitNdjson(body.bytes, fraction);
  if (!pieces) return null;
  return combineParts(pieces.map((piece) => structuredClone(preparePart(piece, RECEIVED_AT))), body.format);
}

const ndjson = (bytes: Buffer): RawBody => ({ format: 'ndjson', bytes: new Uint8Array(bytes) });

/** Lines of every kind a body can hold: new and duplicate events, invalid ones, blank, malformed, not UTF-8. */
// A malformed line or bytes that are not UTF-8 make the whole body an error: rare enough here that
// about half the bodies are batches, whose rows and rejections are then compared.
const line = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...STREAM.slice(0, 30)).map((text) => Buffer.from(text)) },
  { weight: 3, arbitrary: fc.constant(Buffer.from('{"event":"onFoo","data":{"conversation":{"conversation_id":"x"}}}')) },
  { weight: 3, arbitrary: fc.constant(Buffer.from('{"event":"onConversationCreate","data":{"conversation":{"conversation_id":5}}}')) },
  { weight: 3, arbitrary: fc.constantFrom('', '  ', '\r', '\t \u00a0', '\uFEFF').map((text) => Buffer.from(text)) },
  { weight: 1, arbitrary: fc.constantFrom('{"a":1,}', '{"event":', 'not json', '\uFEFF{"event":"onConversationCreate"}').map((text) => Buffer.from(text)) },
  { weight: 1, arbitrary: fc.constant(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])) },
);

const body = fc
  .tuple(fc.boolean(), fc.array(line, { maxLength: 25 }), fc.boolean())
  .map(([bom, lines, finalNewline]) => Buffer.concat([Buffer.from(bom ? '\uFEFF' : ''), Buffer.from(lines.map((l) => l.toString('latin1')).join('\n') + (finalNewline ? '\n' : ''), 'latin1')]));

describe('a body cut in two pieces, prepared apart', () => {
  it('gets the answer the whole body gets: rows, rejections and their indexes, the first error and its line', () => {
    const compared = { batches: 0, errors: 0, uncut: 0 };
    fc.assert(
      fc.property(body, fc.nat(), (bytes, pick) => {
        const raw = ndjson(bytes);
        const whole = inOnePiece(raw);
        expect(combineParts([preparePart(wholeBody(raw), RECEIVED_AT)], 'ndjson')).toEqual(whole);
        // Cut at one of the body's own line ends (not its last byte), chosen by `pick`: a fraction
        // drawn at random found no line end after it in a third of the bodies.
        const ends = [...bytes.keys()].filter((at) => bytes[at] === 0x0a && at < bytes.length - 1);
        if (ends.length === 0) {
          expect(inTwoPieces(raw, 0.5)).toBeNull();
          compared.uncut++;
          return;
        }
        const split = inTwoPieces(raw, (ends[pick % ends.length]! + 0.5) / bytes.length);
        expect(split).not.toBeNull();
        expect(split).toEqual(whole);
        compared[whole.ok ? 'batches' : 'errors']++;
      }),
      { numRuns: 300 },
    );
    // Most runs compared two-piece batches (measured: 169–188 of 300), not only errors.
    expect(compared.batches).toBeGreaterThan(75);
    expect(compared.errors).toBeGreaterThan(10);
  });

  it('reports invalid UTF-8 in the second piece before a malformed line in the first', () => {
    const raw = ndjson(Buffer.concat([Buffer.from(`{"a":1,}\n${STREAM[0]}\n`), Buffer.from([0xff, 0x0a])]));
    expect(inTwoPieces(raw, 0.5)).toEqual({ ok: false, status: 400, error: 'body is not valid UTF-8' });
  });

  it('numbers lines and items in the whole body', () => {
    const lines = [STREAM[0], '', '{"event":"onFoo","data":{"conversation":{"conversation_id":"x"}}}', STREAM[1], '{"event":"onFoo","data":{"conversation":{"conversation_id":"y"}}}'];
    const raw = ndjson(Buffer.from(lines.join('\n')));
    const result = inTwoPieces(raw, 0.6);
    expect(result).toEqual(inOnePiece(raw));
    expect(result!.ok && result!.batch.rejected.map((r) => r.index)).toEqual([1, 3]);
    const malformed = ndjson(Buffer.from([...lines, '{"a":1,}'].join('\n')));
    expect(inTwoPieces(malformed, 0.9)).toMatchObject({ ok: false, status: 400, line: 6, error: expect.stringMatching(/^malformed JSON on line 6, column 8: /) });
  });

  it('counts the events of both pieces against the limit', () => {
    const many = ndjson(Buffer.from(`${'{}\n'.repeat(MAX_EVENTS_PER_REQUEST / 2 + 1)}${'{}\n'.repeat(MAX_EVENTS_PER_REQUEST / 2)}`));
    expect(inTwoPieces(many, 0.5)).toEqual({ ok: false, status: 413, error: `too many events: ${MAX_EVENTS_PER_REQUEST + 1} in one request, at most ${MAX_EVENTS_PER_REQUEST}; split the batch` });
  });

  it('cuts only at a line end, and not past the last one', () => {
    expect(splitNdjson(Buffer.from('{"a":1}'), 0.5)).toBeNull();
    expect(splitNdjson(Buffer.from('{"a":1}\n'), 0.5)).toBeNull();
    const [head, tail] = splitNdjson(Buffer.from('{"a":1}\n\n{"b":2}\n{"c":3}'), 0.5)!;
    expect([Buffer.from(head.bytes).toString(), head.firstLine, Buffer.from(tail.bytes).toString(), tail.firstLine]).toEqual(['{"a":1}\n\n{"b":2}\n', 1, '{"c":3}', 4]);
  });
});
