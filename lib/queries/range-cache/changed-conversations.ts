import { and, count, gt, lte } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { events } from '../../../db/schema';
import { storedEventsMark } from '../../events/stored-counts';

/**
 * What changed in the database since a cache last looked, told by the events table alone: every
 * write to the projections (ingest, reprojection) happens in the transaction that stores or
 * re-reads events, and an event only changes the rows of its own conversation. So the
 * conversations of the events stored since then are exactly those whose rows may differ.
 *
 * Events are append-only, ids grow with commit order (one writer), and the only deletion (clearing
 * the demo data) also lowers the stored count (lib/events/stored-counts.ts): a count that is not the
 * last one plus the events added means something was removed, and the cache starts over; so does
 * a rebuild of the projections (reprojection), which rewrites rows without storing an event.
 */
export type Watermark = { lastId: number; count: number; rebuilds: number };
export type Changes = { kind: 'none' } | { kind: 'conversations'; ids: string[] } | { kind: 'everything' };

/** More events than this since the last look (a bulk import): starting over is cheaper than following them. */
const MAX_FOLLOWED = 50_000;

export function changesSince(db: Db, mark: Watermark | null): { changes: Changes; mark: Watermark } {
  const now = storedEventsMark(db);
  const { lastId, count: stored } = now;
  if (!mark) return { changes: { kind: 'everything' }, mark: now };
  if (now.rebuilds !== mark.rebuilds) return { changes: { kind: 'everything' }, mark: now };
  if (lastId === mark.lastId && stored === mark.count) return { changes: { kind: 'none' }, mark: now };
  const since = and(gt(events.id, mark.lastId), lte(events.id, lastId));
  const added = lastId > mark.lastId ? (db.select({ n: count() }).from(events).where(since).get()?.n ?? 0) : 0;
  if (lastId < mark.lastId || mark.count + added !== stored || added > MAX_FOLLOWED) return { changes: { kind: 'everything' }, mark: now };
  const rows = db.selectDistinct({ id: events.conversationId }).from(events).where(since).all();
  return { changes: { kind: 'conversations', ids: rows.map((row) => row.id) }, mark: now };
}
