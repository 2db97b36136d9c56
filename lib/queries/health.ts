import { count, max } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { conversations, events } from '../../db/schema';
import { toIsoString } from '../events/time';

export type Health = { events: number; conversations: number; lastEventAt: string | null };

/** What GET /api/health reports: stored events, conversations, and when the last event was received. */
export function getHealth(db: Db): Health {
  const eventStats = db.select({ n: count(), last: max(events.receivedAt) }).from(events).get();
  const conversationStats = db.select({ n: count() }).from(conversations).get();
  return {
    events: eventStats?.n ?? 0,
    conversations: conversationStats?.n ?? 0,
    lastEventAt: toIsoString(eventStats?.last ?? null),
  };
}
