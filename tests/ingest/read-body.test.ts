import { describe, expect, it } from 'vitest';
import { parseEventsBody, type ReadBody } from '@/lib/ingest/read-body';

const ndjson = (body: string | Buffer): ReadBody => parseEventsBody({ format: 'ndjson', bytes: typeof body === 'string' ? Buffer.from(body) : body });
const items = (result: ReadBody) => (result.ok ? result.items : result);

describe('parseEventsBody, NDJSON (decoded line by line)', () => {
  it('reads one item a line, ASCII or not, with or without a final newline, CRLF too', () => {
    expect(items(ndjson('{"a":1}\n{"b":"Bjørn 中文 😀"}\n'))).toEqual([{ a: 1 }, { b: 'Bjørn 中文 😀' }]);
    expect(items(ndjson('{"a":1}\r\n{"b":2}'))).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('drops a leading byte order mark, as a UTF-8 decoder does', () => {
    expect(items(ndjson('\uFEFF{"a":1}\n{"b":2}'))).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('skips blank lines, white space of any kind, and counts them in line numbers', () => {
    expect(items(ndjson('\n  \n\t\r\n\u00a0\u2028\n{"a":1}\n\uFEFF\n'))).toEqual([{ a: 1 }]);
    expect(ndjson('\n{"a":1}\n\n{"a":1,}\n')).toEqual({
      ok: false,
      status: 400,
      error: expect.stringMatching(/^malformed JSON on line 4, column 8: Expected double-quoted property name/),
      line: 4,
      column: 8,
    });
  });

  it('says where a line broke even when V8 does not (a bare word, a line cut short)', () => {
    // V8's messages for these quote the text ("Unexpected token 'o', ...") or say only that the input ended.
    expect(ndjson('{"a":1}\n{"event": onConversationUpdate}\n{"a":')).toMatchObject({
      status: 400,
      error: expect.stringMatching(/^malformed JSON on line 2, column 11: Unexpected token 'o'/),
      line: 2,
      column: 11,
    });
    expect(ndjson('{"a":1}\n{"a":')).toMatchObject({ status: 400, error: expect.stringMatching(/^malformed JSON on line 2, column 6: Unexpected end of JSON input/), line: 2, column: 6 });
  });

  it('answers an all-blank body as empty', () => {
    expect(ndjson('')).toMatchObject({ ok: false, status: 400, error: 'empty body: send at least one event' });
    expect(ndjson('\n \r\n\t')).toMatchObject({ ok: false, status: 400, error: 'empty body: send at least one event' });
  });

  it('refuses bytes that are not UTF-8 anywhere in the body, even on a blank line', () => {
    for (const bad of [[0xff], [0xc3], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      const body = Buffer.concat([Buffer.from('{"a":1}\n{"b":"'), Buffer.from(bad), Buffer.from('"}\n')]);
      expect(ndjson(body)).toEqual({ ok: false, status: 400, error: 'body is not valid UTF-8' });
      expect(ndjson(Buffer.concat([Buffer.from('{"a":1}\n'), Buffer.from(bad)]))).toMatchObject({ status: 400, error: 'body is not valid UTF-8' });
    }
  });

  it('reads a body in shared memory (large bodies are read into it), NDJSON or JSON', () => {
    const shared = (text: string) => {
      const bytes = new Uint8Array(new SharedArrayBuffer(Buffer.byteLength(text)));
      bytes.set(Buffer.from(text));
      return bytes;
    };
    expect(items(parseEventsBody({ format: 'ndjson', bytes: shared('{"a":"é"}\n{"b":2}\n') }))).toEqual([{ a: 'é' }, { b: 2 }]);
    expect(items(parseEventsBody({ format: 'json', bytes: shared('[{"a":"é"},{"b":2}]') }))).toEqual([{ a: 'é' }, { b: 2 }]);
    const broken = shared('[{"a":"x"}]');
    broken[7] = 0xff;
    expect(parseEventsBody({ format: 'json', bytes: broken })).toEqual({
      ok: false,
      status: 400,
      error: 'body is not valid UTF-8',
    });
  });

  it('reads a body that is a view into a larger buffer (as a worker receives it)', () => {
    const whole = Buffer.from('xxxx{"a":1}\n{"b":2}yyyy');
    expect(items(parseEventsBody({ format: 'ndjson', bytes: new Uint8Array(whole.buffer, whole.byteOffset + 4, whole.length - 8) }))).toEqual([
      { a: 1 },
      { b: 2 },
    ]);
  });
});

describe('parseEventsBody, JSON', () => {
  const json = (body: string): ReadBody => parseEventsBody({ format: 'json', bytes: Buffer.from(body) });

  it('says at which line and column a body broke, wherever V8 says it or not', () => {
    const array = ['[', '  {"event": "onConversationCreate"},', '  {"event": "onConversationUpdate"},', '  {"event": "onConversationUpdate"},', '  {"event": onConversationUpdate}', ']'].join('\n');
    expect(json(array)).toMatchObject({ status: 400, error: expect.stringMatching(/^malformed JSON at line 5, column 13: Unexpected token 'o'/), line: 5, column: 13 });
    expect(json('{\n  "event": "onConversationCreate",\n  "data": {')).toMatchObject({ status: 400, error: expect.stringMatching(/^malformed JSON at line 3, column 12: /), line: 3, column: 12 });
    expect(json('{"event":')).toMatchObject({ status: 400, error: 'malformed JSON at line 1, column 10: Unexpected end of JSON input', line: 1, column: 10 });
    expect(json('{"a": 1,\n "b": }')).toMatchObject({ status: 400, line: 2, column: 7 });
  });
});
