import { and, count, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { conversations, events } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { conversationsMatching } from './conversation-filter';
import { lastEventReceivedAt } from './health';

export const LIVE_WINDOW_MINUTES = 5;
/** How far back (in stored events) the "received lately" count looks: a bounded, indexed scan. */
const RECENT_SCAN = 100_000;

export type LiveFigures = {
  /** Conversations assigned to an agent right now, whatever their creation date. */
  openNow: number;
  /** Conversations waiting for an agent right now. */
  unassignedNow: number;
  /** Events received in the last LIVE_WINDOW_MINUTES minutes (all channels); capped at RECENT_SCAN. */
  eventsLastMinutes: number;
  lastEventAt: string | null;
  at: string;
};

/** The figures the live tiles refresh: the current state, so the date range does not apply. */
export function getLiveFigures(db: Db, filters: Filters, now = Date.now()): LiveFigures {
  const matching = conversationsMatching({ ...filters, statuses: [] }, { ignoreRange: true });
  const countStatus = (status: string) =>
    db.select({ n: count() }).from(conversations).where(and(matching, eq(conversations.status, status))).get()?.n ?? 0;
  return {
    openNow: countStatus('assigned'),
    unassignedNow: countStatus('new'),
    eventsLastMinutes: eventsReceivedSince(db, now - LIVE_WINDOW_MINUTES * 60_000),
    lastEventAt: lastEventReceivedAt(db),
    at: new Date(now).toISOString(),
  };
}

/**
 * Events received since `since`, counted from the newest backwards. Ids grow with receipt, so the
 * window is the tail of the primary key: read it in growing steps and stop at the first older
 * event, instead of reading receipt times across the table (which has no index on them).
 */
function eventsReceivedSince(db: Db, since: number): number {
  for (let limit = 1_000; ; limit *= 10) {
    const times = db.select({ at: events.receivedAt }).from(events).orderBy(desc(events.id)).limit(Math.min(limit, RECENT_SCAN)).all();
    const older = times.findIndex((row) => row.at < since);
    if (older >= 0) return older;
    if (times.length < limit || limit >= RECENT_SCAN) return times.length;
  }
}
