import fs from 'node:fs';
import readline from 'node:readline';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { errorMessage, FatalImportError } from './errors';
import { JsonArrayReader, JsonArraySyntaxError } from './json-array';

export type SourceFormat = 'ndjson' | 'json-array';

/**
 * One thing read from the file. `position` says where: the 1-based line for NDJSON, the 0-based
 * element index for a JSON array (see `describePosition`).
 * - `item`: a parsed value (not yet validated as an envelope);
 * - `error`, not fatal: a malformed NDJSON line, skipped;
 * - `error`, fatal: nothing more can be read (a broken JSON array, a corrupt gzip stream, an I/O error).
 */
export type SourceRecord = { position: number; item: unknown } | { position: number; error: string; fatal: boolean };

export type EnvelopeSource = {
  file: string;
  format: SourceFormat;
  gzip: boolean;
  /** Size of the file on disk (compressed, for gzip). */
  sizeBytes: number;
  /** Bytes of the file read so far (compressed, for gzip): progress against `sizeBytes`. */
  bytesRead(): number;
  /** The file's records, read as a stream as they are consumed. Can be iterated once. */
  records(): AsyncGenerator<SourceRecord, void, undefined>;
};

/** `line 12` (NDJSON) or `item 3` (JSON array, 0-based element index). */
export function describePosition(format: SourceFormat, position: number): string {
  return `${format === 'ndjson' ? 'line' : 'item'} ${position}`;
}

/**
 * Opens an NDJSON file (one envelope a line) or a JSON array of envelopes, either optionally
 * gzip-compressed. Gzip is recognised by its magic bytes (1f 8b), an array by `[` as the first
 * non-whitespace character; the name of the file plays no part. Throws FatalImportError when
 * the file cannot be read at all.
 */
export async function openEnvelopeSource(file: string): Promise<EnvelopeSource> {
  const sizeBytes = await sizeOfFile(file);
  const gzip = await startsWithGzipMagic(file);
  const format = await sniffFormat(file, gzip);
  let raw: fs.ReadStream | null = null;
  return {
    file,
    format,
    gzip,
    sizeBytes,
    bytesRead: () => raw?.bytesRead ?? 0,
    async *records() {
      if (raw) throw new Error('records() can be iterated only once');
      raw = fs.createReadStream(file);
      const text = decodedText(raw, gzip);
      try {
        yield* format === 'ndjson' ? ndjsonRecords(text) : arrayRecords(text);
      } finally {
        text.destroy();
        raw.destroy();
      }
    },
  };
}

async function sizeOfFile(file: string): Promise<number> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FatalImportError(`file not found: ${file}`);
    throw new FatalImportError(`cannot read ${file}: ${errorMessage(error)}`);
  }
  if (!stat.isFile()) throw new FatalImportError(`not a file: ${file}`);
  return stat.size;
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, 'r');
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } catch (error) {
    throw new FatalImportError(`cannot read ${file}: ${errorMessage(error)}`);
  } finally {
    await handle?.close();
  }
}

/** Reads (and decompresses) only as far as the first non-whitespace character. */
async function sniffFormat(file: string, gzip: boolean): Promise<SourceFormat> {
  const raw = fs.createReadStream(file);
  const text = decodedText(raw, gzip);
  try {
    for await (const chunk of text as AsyncIterable<string>) {
      const first = /[^\s\uFEFF]/.exec(chunk); // \uFEFF: a byte-order mark
      if (first) return first[0] === '[' ? 'json-array' : 'ndjson';
    }
    return 'ndjson'; // empty, or only whitespace: nothing to import either way
  } catch (error) {
    throw new FatalImportError(`cannot read ${file}${gzip ? ' as gzip' : ''}: ${errorMessage(error)}`);
  } finally {
    text.destroy();
    raw.destroy();
  }
}

/** The file's text as UTF-8 strings, through gunzip when compressed. Errors of either stage surface on the result. */
function decodedText(raw: fs.ReadStream, gzip: boolean): Readable {
  const text: Readable = gzip ? pipeline(raw, zlib.createGunzip(), () => {}) : raw;
  text.setEncoding('utf8');
  return text;
}

async function* ndjsonRecords(text: Readable): AsyncGenerator<SourceRecord, void, undefined> {
  const lines = readline.createInterface({ input: text, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const content of lines) {
      line += 1;
      const json = line === 1 && content.startsWith('\uFEFF') ? content.slice(1) : content;
      if (json.trim() === '') continue; // blank lines carry nothing, as in POST /api/events
      const parsed = parseLine(json);
      yield 'error' in parsed ? { position: line, error: parsed.error, fatal: false } : { position: line, item: parsed.value };
    }
  } catch (error) {
    yield { position: line + 1, error: `cannot read the file after line ${line}: ${errorMessage(error)}`, fatal: true };
  } finally {
    lines.close();
  }
}

function parseLine(json: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(json) };
  } catch (error) {
    // V8: `Unexpected token '}', "{"a":}" is not valid JSON`, or `… in JSON at position 5`: say the column.
    const reason = errorMessage(error).replace(/ in JSON at position (\d+)/, (_, position: string) => ` at column ${Number(position) + 1}`);
    return { error: `malformed JSON: ${reason}` };
  }
}

async function* arrayRecords(text: Readable): AsyncGenerator<SourceRecord, void, undefined> {
  const reader = new JsonArrayReader();
  let index = 0;
  let first = true;
  try {
    for await (const chunk of text as AsyncIterable<string>) {
      const piece = first && chunk.startsWith('\uFEFF') ? chunk.slice(1) : chunk;
      first = false;
      for (const item of reader.push(piece)) yield { position: index++, item };
    }
    for (const item of reader.end()) yield { position: index++, item };
  } catch (error) {
    const message = error instanceof JsonArraySyntaxError ? error.message : `cannot read the file after ${index} items: ${errorMessage(error)}`;
    yield { position: index, error: message, fatal: true };
  }
}
