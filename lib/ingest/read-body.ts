/**
 * Reads the body of POST /api/events into a list of items (not yet validated), enforcing the
 * request limits. Three shapes: one envelope or a JSON array of envelopes (`application/json`),
 * or one envelope a line (`application/x-ndjson`).
 */
import { isUtf8 } from 'node:buffer';
import { jsonErrorOffset } from './json-error-offset';

/** Largest accepted body. 10,000 envelopes of ~5 KB (with `associations`) fit with room to spare. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
export const MAX_EVENTS_PER_REQUEST = 10_000;

const JSON_TYPES = new Set(['application/json']);
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson']);

export type BodyError = {
  status: 400 | 413 | 415;
  error: string;
  line?: number;
  column?: number;
  /** The body was abandoned half-read: the connection cannot carry another request. */
  abandoned?: boolean;
};
export type ReadBody = { ok: true; items: unknown[] } | ({ ok: false } & BodyError);

/** The body as received, before any parsing: plain data, so it can go to the writer thread as it is. */
export type RawBody = { format: 'json' | 'ndjson'; bytes: Uint8Array };
export type ReadRawBody = ({ ok: true } & RawBody) | ({ ok: false } & BodyError);

/** Checks the content type and size and reads the bytes; parsing is left to `parseEventsBody`. */
export async function readRawBody(request: Request): Promise<ReadRawBody> {
  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const isNdjson = NDJSON_TYPES.has(mediaType);
  if (!isNdjson && !JSON_TYPES.has(mediaType)) {
    return fail(415, `unsupported content type ${mediaType ? `"${mediaType}"` : '(none)'}: send application/json (one envelope or an array) or application/x-ndjson (one envelope a line)`);
  }

  // A compressed body would be parsed as text and fail as "not valid UTF-8"; a plain one labelled
  // compressed, stored as if decoded. Neither is what the sender meant: say so (RFC 9110, 415).
  const coding = (request.headers.get('content-encoding') ?? '').trim().toLowerCase();
  if (coding !== '' && coding !== 'identity') return fail(415, `unsupported Content-Encoding "${coding}": send the body uncompressed`);

  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return fail(413, TOO_LARGE);
  const bytes = await readLimited(request);
  if (bytes === null) return fail(413, TOO_LARGE, { abandoned: true });
  return { ok: true, format: isNdjson ? 'ndjson' : 'json', bytes };
}

/** Decodes and parses a body read by `readRawBody` into its items (not yet validated). */
export function parseEventsBody(body: RawBody): ReadBody {
  const parsed = parseItems(body);
  if (!parsed.ok) return withoutFlags(parsed);
  return checkItemCount(parsed.items.length, body.format) ?? { ok: true, items: parsed.items };
}

/** Items of a body, or of a piece of an NDJSON body (body-parts.ts), before the whole-body checks. */
export type ParsedItems = { ok: true; items: unknown[] } | ({ ok: false; invalidUtf8?: true } & BodyError);

/**
 * Decodes and parses `bytes` into items. `firstLine` is the line number the bytes start at in the
 * body (they are a piece of it cut at a line end): error messages count lines in the whole body,
 * and only the body's start may carry a byte order mark.
 */
export function parseItems({ format, bytes }: RawBody, firstLine = 1): ParsedItems {
  if (format === 'ndjson') {
    if (!isUtf8(bytes)) return { ...fail(400, NOT_UTF8), invalidUtf8: true };
    return parseNdjson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), firstLine);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ...fail(400, NOT_UTF8), invalidUtf8: true };
  }
  if (text.trim() === '') return fail(400, EMPTY_BODY);
  const items = parseJson(text);
  return Array.isArray(items) ? { ok: true, items } : { ok: false, ...items };
}

/** The checks on a whole body's item count: at least one, at most MAX_EVENTS_PER_REQUEST. */
export function checkItemCount(count: number, format: RawBody['format']): ({ ok: false } & BodyError) | null {
  // An NDJSON body without items is all blank lines: the whole body blank ('\n' is white space too).
  if (count === 0) return fail(400, format === 'ndjson' ? EMPTY_BODY : NO_EVENTS);
  if (count > MAX_EVENTS_PER_REQUEST) {
    return fail(413, `too many events: ${count} in one request, at most ${MAX_EVENTS_PER_REQUEST}; split the batch`);
  }
  return null;
}

const NOT_UTF8 = 'body is not valid UTF-8';

/** The error as answered: without the flag that only combining pieces of a body needs. */
export function withoutFlags({ invalidUtf8: _flag, ...error }: { ok: false; invalidUtf8?: true } & BodyError): { ok: false } & BodyError {
  return error;
}

const EMPTY_BODY = 'empty body: send at least one event';
const NO_EVENTS = 'no events in the request';

/**
 * An authenticated request without events (an empty body, `[]`, blank lines): answered 400, and
 * used by clients to check the address and token without storing anything (the Freshworks app's
 * installation check, `npm run simulate` before it streams), so it is not counted as a
 * refused request on the Ingest health page.
 */
export const isEmptyRequest = (error: BodyError) => error.status === 400 && (error.error === EMPTY_BODY || error.error === NO_EVENTS);
const TOO_LARGE = `body too large: at most ${MAX_BODY_BYTES / 1024 / 1024} MiB and ${MAX_EVENTS_PER_REQUEST} events a request; split the batch`;

function fail(status: BodyError['status'], error: string, details: Omit<BodyError, 'status' | 'error'> = {}): { ok: false } & BodyError {
  return { ok: false, status, error, ...details };
}

/** Bodies at least this large are read into shared memory. */
const SHARED_MIN_BYTES = 64 * 1024;

/**
 * The body's bytes, or null as soon as it passes the limit (without buffering the rest). They
 * are gathered into a buffer of their own (Buffer.concat may hand out a slice of a shared pool),
 * so the ingest threads can be given the buffer itself rather than a copy (writer.ts): moved to
 * the writer thread, or, for a large body, shared between the writer and preparer threads.
 */
async function readLimited(request: Request): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  // A large body is shared with the threads that prepare its pieces (body-parts.ts), not copied.
  const bytes = new Uint8Array(size >= SHARED_MIN_BYTES ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function parseJson(text: string): unknown[] | BodyError {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [value];
  } catch (error) {
    const where = locate(text, error);
    return { status: 400, error: `malformed JSON${describeWhere(where)}: ${jsonErrorReason(error)}`, ...where };
  }
}

/**
 * One envelope a line, decoded line by line from the bytes (valid UTF-8, checked before): a
 * line without non-ASCII characters then stays a one-byte string, and JSON.parse reads it
 * about twice as fast as a slice of one decoded two-byte text. Splitting the bytes at '\n' is
 * splitting the text: in UTF-8 that byte is never part of another character.
 */
function parseNdjson(bytes: Buffer, firstLine: number): ParsedItems {
  const items: unknown[] = [];
  // A leading byte order mark is not part of the first line (TextDecoder drops it too).
  let start = firstLine === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (let lineNumber = firstLine; ; lineNumber++) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    const line = bytes.toString('utf8', start, end);
    // blank lines (a trailing newline, say) carry nothing
    if (line.trim() !== '') {
      try {
        items.push(JSON.parse(line));
      } catch (error) {
        const column = locate(line, error).column;
        return {
          ok: false,
          status: 400,
          error: `malformed JSON on line ${lineNumber}${column ? `, column ${column}` : ''}: ${jsonErrorReason(error)}`,
          line: lineNumber,
          ...(column ? { column } : {}),
        };
      }
    }
    if (newline === -1) return { ok: true, items };
    start = newline + 1;
  }
}

/**
 * Line and column (1-based) of a JSON.parse failure: at the position V8 reports, or, for the
 * messages that quote the text around the mistake instead ("Unexpected token 'o', ..."), or
 * say only that the input ended, where jsonErrorOffset finds it (the same place, where V8 says).
 */
function locate(text: string, error: unknown): { line?: number; column?: number } {
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  const position = match ? Number(match[1]) : jsonErrorOffset(text);
  if (position === null) return {};
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n') };
}

function describeWhere({ line, column }: { line?: number; column?: number }): string {
  return line ? ` at line ${line}, column ${column}` : '';
}

function jsonErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // V8 says e.g. `Unexpected token } in JSON at position 42`: the position is given separately.
  return message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
}
