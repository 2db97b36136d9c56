import { desc } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { events } from '../../db/schema';
import { storedConversationCount, storedEventCount } from '../events/stored-counts';
import { toIsoString } from '../events/time';

export type Health = { events: number; conversations: number; lastEventAt: string | null };

/** What GET /api/health reports: stored events, conversations, and when the last event was received. */
export function getHealth(db: Db): Health {
  // Running totals, not counts: counting millions of events took seconds on a cold cache, and a
  // million conversations one second (26 ms warm) on every health check.
  return { events: storedEventCount(db), conversations: storedConversationCount(db), lastEventAt: lastEventReceivedAt(db) };
}

/**
 * When the newest event was received. Ids grow with receipt, so that is the row with the highest
 * id: one step down the primary key, where max(received_at) would read every event.
 */
export function lastEventReceivedAt(db: Db): string | null {
  const last = db.select({ at: events.receivedAt }).from(events).orderBy(desc(events.id)).limit(1).get();
  return toIsoString(last?.at ?? null);
}

/** Whether any event is stored (the empty state), without counting them. */
export function hasEvents(db: Db): boolean {
  return db.select({ id: events.id }).from(events).limit(1).get() !== undefined;
}
