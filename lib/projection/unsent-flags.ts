import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { agents, channels, events, groups } from '../../db/schema';
import { validateEnvelope } from '../events/validate';
import { projectEvent } from './project-event';

const ENTITY_TABLES = [
  ['agents', agents],
  ['groups', groups],
  ['channels', channels],
] as const;

/**
 * Before derived version 6, a yes/no field an event did not send (an agent seen only as an actor
 * has no login status) was stored as false instead of null, and the Agent load page said "logged
 * out" of an agent whose status nobody knew. This re-reads the flags of every agent, group and
 * channel from the event that wrote its row (the row's version ends with that event's dedupe key)
 * through the same projection as ingest, and stores them as that event sends them. A few hundred
 * rows at most, each one event: instant, even at a million conversations.
 *
 * Message flags had the same fault; pages show a message flag only when it is true, so those rows
 * are left as they are (millions of events to re-read) and `npm run db:reproject` corrects them.
 * Returns how many rows were re-read.
 */
export function restoreUnsentEntityFlags(db: Db): number {
  const eventOf = db
    .select({ dedupeKey: events.dedupeKey, eventTime: events.eventTime, payload: events.payload })
    .from(events)
    .where(eq(events.dedupeKey, sql.placeholder('dedupeKey')))
    .prepare();
  let reread = 0;
  for (const [kind, table] of ENTITY_TABLES) {
    const flags = Object.entries(getTableColumns(table))
      .filter(([, column]) => column.columnType === 'SQLiteBoolean')
      .map(([key]) => key);
    for (const row of db.select({ id: table.id, version: table.version }).from(table).all()) {
      const stored = eventOf.get({ dedupeKey: row.version.slice(row.version.lastIndexOf('.') + 1) });
      if (!stored) continue;
      const result = validateEnvelope(JSON.parse(stored.payload));
      if (!result.ok) continue;
      const entity = (projectEvent(stored, result.envelope)[kind] as { id: string; version: string }[]).find((e) => e.id === row.id && e.version === row.version);
      if (!entity) continue;
      const values = Object.fromEntries(flags.map((key) => [key, (entity as Record<string, unknown>)[key] ?? null]));
      db.update(table).set(values).where(eq(table.id, row.id)).run();
      reread++;
    }
  }
  return reread;
}
