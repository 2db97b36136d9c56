import { and, count, desc, eq, gte, max } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { conversations, events } from '../../db/schema';
import type { Filters } from '../filters/parse-filters';
import { toIsoString } from '../events/time';
import { conversationsMatching } from './conversation-filter';

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
  // Ids grow with receipt, so the newest events are the last ids: scan those, not the table.
  const recent = db.select({ receivedAt: events.receivedAt }).from(events).orderBy(desc(events.id)).limit(RECENT_SCAN).as('recent');
  const since = now - LIVE_WINDOW_MINUTES * 60_000;
  const inWindow = db.select({ n: count() }).from(recent).where(gte(recent.receivedAt, since)).get();
  const last = db.select({ at: max(events.receivedAt) }).from(events).get();
  return {
    openNow: countStatus('assigned'),
    unassignedNow: countStatus('new'),
    eventsLastMinutes: inWindow?.n ?? 0,
    lastEventAt: toIsoString(last?.at ?? null),
    at: new Date(now).toISOString(),
  };
}
