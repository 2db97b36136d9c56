import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { agents, channels, groups } from '../../db/schema';

const TABLES = { channel: channels, group: groups, agent: agents } as const;
export type EntityKind = keyof typeof TABLES;

/**
 * Display names for the given ids of channels (topics), groups or agents: the name from the
 * latest payload that carried one, else the id itself, so an entity never seen in `associations`
 * still has a label. Names come from payloads: render them as text.
 */
export function namesOf(db: Db, kind: EntityKind, ids: Iterable<string | null>): Map<string, string> {
  const wanted = [...new Set([...ids].filter((id): id is string => id !== null))];
  const names = new Map(wanted.map((id) => [id, id]));
  const table = TABLES[kind];
  // Chunks keep each statement under SQLite's bound-parameter limit.
  for (let i = 0; i < wanted.length; i += 500) {
    for (const row of db.select({ id: table.id, name: table.name }).from(table).where(inArray(table.id, wanted.slice(i, i + 500))).all()) {
      if (row.name) names.set(row.id, row.name);
    }
  }
  return names;
}
