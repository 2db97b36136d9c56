/** The file reader on small inputs: formats, gzip, line numbers, malformed lines, broken arrays. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FatalImportError } from '@/lib/import/errors';
import { JsonArrayReader, JsonArraySyntaxError } from '@/lib/import/json-array';
import { openEnvelopeSource, type SourceRecord } from '@/lib/import/read-envelopes';
import { streamLines } from '../helpers/fixtures';
import { importDir } from './files';

const dir = importDir('reader');

async function read(name: string, content: string | Buffer): Promise<{ records: SourceRecord[]; format: string; gzip: boolean; sizeBytes: number; bytesRead: number }> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  const source = await openEnvelopeSource(file);
  const records: SourceRecord[] = [];
  for await (const record of source.records()) records.push(record);
  return { records, format: source.format, gzip: source.gzip, sizeBytes: source.sizeBytes, bytesRead: source.bytesRead() };
}

describe('NDJSON', () => {
  it('gives each value with its 1-based line number; blank lines are skipped but counted', async () => {
    const { records, format, gzip } = await read('a.ndjson', '{"a":1}\n\n   \n{"b":2}\r\n[3]\n"four"');
    expect({ format, gzip }).toEqual({ format: 'ndjson', gzip: false });
    expect(records).toEqual([
      { position: 1, item: { a: 1 } },
      { position: 4, item: { b: 2 } },
      { position: 5, item: [3] },
      { position: 6, item: 'four' },
    ]);
  });

  it('reports a malformed line with its number and reads on', async () => {
    const { records } = await read('b.ndjson', '{"a":1}\n{"a":\n{"b":2}\nnope\n{"c":3,}\n{"d":4}\n');
    expect(records.map((r) => ('item' in r ? r.item : r.position))).toEqual([{ a: 1 }, 2, { b: 2 }, 4, 5, { d: 4 }]);
    const errors = records.filter((r) => 'error' in r);
    expect(errors.every((r) => 'error' in r && !r.fatal && r.error.startsWith('malformed JSON: '))).toBe(true);
    expect((errors[2] as { error: string }).error).toMatch(/column 8/); // {"c":3,} breaks at the }
  });

  it('ignores a byte-order mark', async () => {
    const { records } = await read('bom.ndjson', '\uFEFF{"a":1}\n{"b":2}\n');
    expect(records).toEqual([
      { position: 1, item: { a: 1 } },
      { position: 2, item: { b: 2 } },
    ]);
  });

  it('reads an empty file as nothing', async () => {
    expect((await read('empty.ndjson', '')).records).toEqual([]);
    expect((await read('blank.ndjson', '\n  \n')).records).toEqual([]);
  });

  it('reads the fixture stream whole, and bytesRead reaches the size of the file', async () => {
    const text = `${streamLines().join('\n')}\n`;
    const { records, sizeBytes, bytesRead } = await read('stream.ndjson', text);
    expect(records).toHaveLength(250);
    expect(records.map((r) => ('item' in r ? JSON.stringify(r.item) : null))).toEqual(streamLines().map((line) => JSON.stringify(JSON.parse(line))));
    expect(bytesRead).toBe(sizeBytes);
    expect(sizeBytes).toBe(Buffer.byteLength(text));
  });
});

describe('gzip', () => {
  it('is recognised by its magic bytes, whatever the name', async () => {
    const text = '{"a":1}\nbad\n{"b":2}\n';
    const compressed = await read('events.txt', zlib.gzipSync(text));
    expect({ format: compressed.format, gzip: compressed.gzip }).toEqual({ format: 'ndjson', gzip: true });
    expect(compressed.records).toEqual((await read('plain.ndjson', text)).records);
    // and a plain file named .gz is read as plain text
    const plain = await read('not-really.gz', text);
    expect(plain.gzip).toBe(false);
    expect(plain.records).toEqual(compressed.records);
  });

  it('counts compressed bytes as read', async () => {
    const compressed = zlib.gzipSync(`${streamLines().join('\n')}\n`);
    const { records, sizeBytes, bytesRead } = await read('stream.gz', compressed);
    expect(records).toHaveLength(250);
    expect(sizeBytes).toBe(compressed.length);
    expect(bytesRead).toBe(compressed.length);
  });

  it('reads a JSON array inside gzip', async () => {
    const { records, format, gzip } = await read('array.gz', zlib.gzipSync('  [{"a":1}, {"b":2}]'));
    expect({ format, gzip }).toEqual({ format: 'json-array', gzip: true });
    expect(records).toEqual([
      { position: 0, item: { a: 1 } },
      { position: 1, item: { b: 2 } },
    ]);
  });

  it('a truncated gzip file: what came before is read, then a fatal record', async () => {
    const compressed = zlib.gzipSync(`${streamLines().join('\n')}\n`);
    const { records } = await read('truncated.gz', compressed.subarray(0, Math.floor(compressed.length * 0.6)));
    const last = records.at(-1)!;
    expect(last).toMatchObject({ fatal: true });
    expect('error' in last && last.error).toMatch(/^cannot read the file after line \d+: unexpected end of file/);
    expect(records.length).toBeGreaterThan(50);
    expect(records.slice(0, -1).every((r) => 'item' in r)).toBe(true);
  });

  it('a file that starts like gzip but is not: a fatal error before anything is read', async () => {
    const file = path.join(dir, 'fake.gz');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not gzip at all')]));
    await expect(openEnvelopeSource(file)).rejects.toThrow(/^cannot read .*fake\.gz as gzip: /);
  });
});

describe('JSON array', () => {
  it('is recognised by [ as the first non-whitespace character; positions are element indexes', async () => {
    const { records, format } = await read('a.json', '\uFEFF\n  [ {"a":1}, 2, "three", [4], null ]\n');
    expect(format).toBe('json-array');
    expect(records).toEqual([
      { position: 0, item: { a: 1 } },
      { position: 1, item: 2 },
      { position: 2, item: 'three' },
      { position: 3, item: [4] },
      { position: 4, item: null },
    ]);
  });

  it('reads the fixture stream as a pretty-printed array exactly as JSON.parse would', async () => {
    const values = streamLines().map((line) => JSON.parse(line));
    const { records, bytesRead, sizeBytes } = await read('stream.json', JSON.stringify(values, null, 2));
    expect(records).toEqual(values.map((item, position) => ({ position, item })));
    expect(bytesRead).toBe(sizeBytes);
  });

  it('an empty array is nothing', async () => {
    expect((await read('empty.json', '[]')).records).toEqual([]);
  });

  it('a syntax error in the middle: the items before it, then a fatal record naming the line', async () => {
    const text = ['[', '  {"a": 1},', '  {"b": 2},', '  {"c" 3},', '  {"d": 4}', ']'].join('\n');
    const { records } = await read('broken.json', text);
    expect(records).toEqual([
      { position: 0, item: { a: 1 } },
      { position: 1, item: { b: 2 } },
      { position: 2, error: "broken JSON array at line 4, after 2 items: expected ':'", fatal: true },
    ]);
  });

  it('an array cut short: the items before it, then "ends early"', async () => {
    const { records } = await read('cut.json', '[{"a":1},\n{"b":2},\n{"c":');
    expect(records.slice(0, 2)).toEqual([
      { position: 0, item: { a: 1 } },
      { position: 1, item: { b: 2 } },
    ]);
    expect(records[2]).toMatchObject({ position: 2, fatal: true });
    expect('error' in records[2]! && records[2].error).toMatch(/^the JSON array ends early at line 3, after 2 items/);
  });

  it('text after the array is a syntax error too', async () => {
    const { records } = await read('trailing.json', '[1, 2]\n[3]\n');
    expect(records.at(-1)).toEqual({ position: 2, error: 'broken JSON array at line 2, after 2 items: unexpected characters', fatal: true });
  });
});

describe('JsonArrayReader', () => {
  it('gives the same elements however the text is cut into pieces', () => {
    const values = [{ a: 'x\ny', b: [1, 2.5e3, -0], c: { d: null, e: true } }, 'ü €', 7];
    const text = JSON.stringify(values, null, 1);
    for (const size of [1, 2, 3, 7, 64, text.length]) {
      const reader = new JsonArrayReader();
      const out: unknown[] = [];
      for (let i = 0; i < text.length; i += size) out.push(...reader.push(text.slice(i, i + size)));
      out.push(...reader.end());
      expect(out, `pieces of ${size}`).toEqual(JSON.parse(text));
    }
  });

  it('keeps the line number across pieces', () => {
    const reader = new JsonArrayReader();
    const read = (text: string) => [...reader.push(text)];
    expect(read('[\n1,\n2')).toEqual([1]);
    expect(read(',\n3,\n')).toEqual([2, 3]);
    let error: unknown;
    try {
      read('\n4 5]');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JsonArraySyntaxError);
    expect(error).toMatchObject({ line: 6, itemsRead: 3, atEnd: false });
  });
});

describe('files that cannot be read', () => {
  it('a missing file', async () => {
    const missing = openEnvelopeSource(path.join(dir, 'missing.ndjson'));
    await expect(missing).rejects.toThrow(FatalImportError);
    await expect(missing).rejects.toThrow(/^file not found: /);
  });

  it('a directory', async () => {
    await expect(openEnvelopeSource(dir)).rejects.toThrow(/^not a file: /);
  });
});
