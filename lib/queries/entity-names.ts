import { count, gt, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { agents, channels, groups } from '../../db/schema';

const TABLES = { channel: channels, group: groups, agent: agents } as const;
export type EntityKind = keyof typeof TABLES;
export const ENTITY_KINDS = Object.keys(TABLES) as EntityKind[];

/**
 * Display names for the given ids of channels (topics), groups or agents: the name from the
 * latest payload that carried one, else the id itself, so an entity never seen in `associations`
 * still has a label. Names come from payloads: render them as text.
 */
export function namesOf(db: Db, kind: EntityKind, ids: Iterable<string | null>): Map<string, string> {
  const wanted = [...new Set([...ids].filter((id): id is string => id !== null))];
  const names = new Map(wanted.map((id) => [id, id]));
  const table = TABLES[kind];
  const shared = sharedNames(db, kind);
  // Chunks keep each statement under SQLite's bound-parameter limit.
  for (let i = 0; i < wanted.length; i += 500) {
    for (const row of db.select({ id: table.id, name: table.name }).from(table).where(inArray(table.id, wanted.slice(i, i + 500))).all()) {
      if (row.name) names.set(row.id, distinctName(row.id, row.name, shared));
    }
  }
  return names;
}

/** Names that more than one channel (group, agent) carries: two teams, or the demo beside real data. */
export function sharedNames(db: Db, kind: EntityKind): Set<string> {
  const table = TABLES[kind];
  return new Set(
    db
      .select({ name: table.name })
      .from(table)
      .where(isNotNull(table.name))
      .groupBy(table.name)
      .having(gt(count(), 1))
      .all()
      .map((row) => row.name!),
  );
}

/** A shared name gets the start of its id after it, so two entities never read the same. */
export function distinctName(id: string, name: string, shared: ReadonlySet<string>): string {
  return shared.has(name) ? `${name} (${id.slice(0, 8)})` : name;
}

/**
 * Every channel's (group's, agent's) name as stored, by id, null where no payload named it: for
 * the CSV exports, which write ids beside names and so need no suffix to tell names apart.
 */
export function storedNames(db: Db, kind: EntityKind): Map<string, string | null> {
  const table = TABLES[kind];
  return new Map(db.select({ id: table.id, name: table.name }).from(table).all().map((row) => [row.id, row.name]));
}
