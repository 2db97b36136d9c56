import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '@/lib/ingest/json-error-offset';
import { streamLines } from '../helpers/fixtures';

const FIXTURE_LINES = streamLines().slice(0, 20);
/** The characters JSON's grammar turns on, and a few it never allows outside strings. */
const ALPHABET = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '-', '.', 'e', 't', 'n', 'f', ' ', '\n', 'x', '\u0001', 'é'];

/** What V8 says of `text`: where it broke, when its message says so, else the character it names, or that the input ended. */
function v8Verdict(text: string): { valid: true } | { position: number } | { token: string } | { end: true } | { other: string } {
  try {
    JSON.parse(text);
    return { valid: true };
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    if (position) return { position: Number(position[1]) };
    if (message.includes('Unexpected end of JSON input')) return { end: true };
    const token = /^Unexpected token '(.)'/su.exec(message);
    return token ? { token: token[1]! } : { other: message };
  }
}

/**
 * Where `text` stops being JSON, found from V8's verdicts on its prefixes alone: a prefix that can
 * still be completed fails only at its end ("Unexpected end of JSON input", or a position equal to
 * its length) or parses; the first character whose prefix fails otherwise is the mistake. Such
 * failures only grow with the prefix, so a binary search finds it. This places the mistakes V8's
 * message does not (a token it names may occur many times in the text), independently of how
 * jsonErrorOffset scans.
 */
function mistakeByPrefixes(text: string): number | null {
  const completable = (length: number) => {
    const verdict = v8Verdict(text.slice(0, length));
    return 'valid' in verdict || 'end' in verdict || ('position' in verdict && verdict.position === length);
  };
  if (completable(text.length)) return 'valid' in v8Verdict(text) ? null : text.length;
  let low = 0; // completable(low)
  let high = text.length; // not completable(high)
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (completable(middle)) low = middle;
    else high = middle;
  }
  return high - 1;
}

function expectAgreesWithV8(text: string) {
  const ours = jsonErrorOffset(text);
  const v8 = v8Verdict(text);
  if ('valid' in v8) expect(ours).toBeNull();
  else if ('position' in v8) expect(ours).toBe(v8.position);
  else if ('end' in v8) expect(ours).toBe(text.length);
  else if ('token' in v8) expect(text[ours!]).toBe(v8.token);
  else throw new Error(`a V8 message the test does not know: ${v8.other}`);
  expect(ours, JSON.stringify(text)).toBe(mistakeByPrefixes(text));
}

describe('jsonErrorOffset: where a text stops being JSON', () => {
  it('finds the mistake V8 names without saying where', () => {
    // V8: "Unexpected token 'o', ...\"{\"event\": onConversa\"... is not valid JSON", no position.
    const text = '[\n  {"event": "onConversationCreate"},\n  {"event": onConversationUpdate}\n]';
    expect(jsonErrorOffset(text)).toBe(text.indexOf('onConversationUpdate'));
    expect(jsonErrorOffset('{"event":')).toBe(9); // V8: "Unexpected end of JSON input"
    expect(jsonErrorOffset('{"a": tru}')).toBe(9);
    expect(jsonErrorOffset('{"a": "x\\q"}')).toBe(9);
    expect(jsonErrorOffset('{"a": 1} {"b": 2}')).toBe(9);
  });

  it('says nothing of valid JSON, and survives a hostile nesting depth', () => {
    expect(jsonErrorOffset('{"a": [1, -2.5e+3, true, false, null, "\\u00e9\\n"], "b": {}}')).toBeNull();
    expect(jsonErrorOffset(' [] ')).toBeNull();
    expect(jsonErrorOffset('['.repeat(100_000) + ']'.repeat(100_000))).toBeNull();
    expect(jsonErrorOffset('['.repeat(100_000))).toBe(100_000);
  });

  it('agrees with V8 on mutated envelopes, short random texts and random JSON cut or spliced', () => {
    const edit = fc.tuple(fc.nat(), fc.constantFrom(...ALPHABET), fc.constantFrom('insert', 'delete', 'replace'));
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURE_LINES), fc.array(edit, { minLength: 1, maxLength: 3 }), (line, edits) => {
        let text = line;
        for (const [n, char, kind] of edits) {
          const at = n % (text.length + 1);
          text = text.slice(0, at) + (kind === 'delete' ? '' : char) + text.slice(kind === 'insert' ? at : at + 1);
        }
        expectAgreesWithV8(text);
      }),
      { numRuns: 3_000 },
    );
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 12 }), expectAgreesWithV8), { numRuns: 3_000 });
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom(...ALPHABET), (json, n, char) => {
        const at = n % (json.length + 1);
        expectAgreesWithV8(json);
        expectAgreesWithV8(json.slice(0, at));
        expectAgreesWithV8(json.slice(0, at) + char + json.slice(at));
      }),
      { numRuns: 3_000 },
    );
  });
});
