/**
 * A large request body, prepared on two threads at once. The writer thread is where every event
 * must end up (one SQLite connection writes), but parsing, validating and projecting an event
 * costs more CPU than storing it: so a large NDJSON body is cut at a line end and its pieces
 * are prepared apart (one by the writer itself, one by the preparer thread, or all by the
 * preparer while the writer stores an earlier request), then put back together. The answer is
 * exactly the one the whole body would get: the same first error, line numbers and item
 * indexes counted in the whole body.
 */
import { prepareBatch, type PreparedBatch } from './ingest-envelopes';
import { checkItemCount, MAX_EVENTS_PER_REQUEST, parseItems, withoutFlags, type BodyError, type RawBody } from './read-body';

/** A body, or a piece of an NDJSON body cut at a line end; `firstLine` is the line it starts at in the body. */
export type BodyPart = RawBody & { firstLine: number };

/** A piece's items, validated and turned into rows, or why the body cannot be read. */
export type PreparedPart = { ok: true; batch: PreparedBatch; items: number } | ({ ok: false; invalidUtf8?: true } & BodyError);

/** A whole body, its pieces put back together. */
export type PreparedBody = { ok: true; batch: PreparedBatch } | ({ ok: false } & BodyError);

/** Bodies smaller than this are prepared in one piece, by the writer (a few dozen envelopes). */
export const SPLIT_MIN_BYTES = 128 * 1024;

export function wholeBody(body: RawBody): BodyPart {
  return { ...body, firstLine: 1 };
}

/**
 * Cuts an NDJSON body after the line end nearest to `fraction` of its bytes (views, no copy: a
 * large body is in shared memory, see readRawBody); null when no line end is found past that
 * point. A line end is never inside a character in UTF-8.
 */
export function splitNdjson(bytes: Uint8Array, fraction: number): [BodyPart, BodyPart] | null {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cut = buffer.indexOf(0x0a, Math.floor(bytes.byteLength * fraction));
  if (cut === -1 || cut === bytes.byteLength - 1) return null;
  let newlines = 0;
  for (let at = buffer.indexOf(0x0a); at !== -1 && at <= cut; at = buffer.indexOf(0x0a, at + 1)) newlines++;
  return [
    { format: 'ndjson', bytes: bytes.subarray(0, cut + 1), firstLine: 1 },
    { format: 'ndjson', bytes: bytes.subarray(cut + 1), firstLine: newlines + 1 },
  ];
}

export function preparePart(part: BodyPart, receivedAt: number): PreparedPart {
  const parsed = parseItems(part, part.firstLine);
  if (!parsed.ok) return parsed;
  const count = parsed.items.length;
  // A piece over the limit on its own: the body is refused whatever the rest holds.
  const batch = count > MAX_EVENTS_PER_REQUEST ? { rows: [], rejected: [] } : prepareBatch(parsed.items, receivedAt);
  return { ok: true, batch, items: count };
}

/**
 * A body's pieces, in order, as one. The checks come in the order the whole body gets them:
 * invalid UTF-8 anywhere first (the whole body is decoded before it is parsed), then the first
 * malformed line, then the item count; rejected items are numbered in the whole body.
 */
export function combineParts(parts: readonly PreparedPart[], format: RawBody['format']): PreparedBody {
  for (const part of parts) if (!part.ok && part.invalidUtf8) return withoutFlags(part);
  const rows: PreparedBatch['rows'] = [];
  const rejected: PreparedBatch['rejected'] = [];
  let items = 0;
  for (const part of parts) {
    if (!part.ok) return withoutFlags(part);
    if (parts.length === 1) return checkItemCount(part.items, format) ?? { ok: true, batch: part.batch };
    for (const row of part.batch.rows) rows.push(row);
    for (const rejection of part.batch.rejected) rejected.push({ ...rejection, index: rejection.index + items });
    items += part.items;
  }
  return checkItemCount(items, format) ?? { ok: true, batch: { rows, rejected } };
}
