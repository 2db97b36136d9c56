import type { EventName } from '../events/schema';

/**
 * Versions make projections independent of arrival order. Freshchat delivers events out of order
 * and more than once, so a row is never overwritten by "the last event received" but by "the
 * latest event": each row stores the version of the event that wrote it, and an upsert only
 * replaces it with a greater version. Versions are strings that sort as:
 *
 *   conversation snapshot: updated_time, then update after create, then the event's hash
 *   entity (agent, group, channel): source rank, then event time, then the event's hash
 *
 * The hash is a deterministic tie-breaker, so two events with the same time give the same
 * result in either order, and `npm run db:reproject` reproduces live ingest exactly.
 */

const pad = (ms: number) => String(Math.max(0, Math.trunc(ms))).padStart(15, '0');

const EVENT_RANK: Record<EventName, number> = { onConversationCreate: 0, onConversationUpdate: 1 };

export function snapshotVersion(eventTime: number, event: EventName, dedupeKey: string): string {
  return `${pad(eventTime)}.${EVENT_RANK[event]}.${dedupeKey}`;
}

/** Where an entity's fields came from: a full record in `associations` outranks an event's actor. */
export const SOURCE_RANK = { actor: 0, association: 1 } as const;

export function entityVersion(rank: number, eventTime: number, dedupeKey: string): string {
  return `${rank}.${pad(eventTime)}.${dedupeKey}`;
}
