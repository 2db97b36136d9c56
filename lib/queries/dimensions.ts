import { asc, sql } from 'drizzle-orm';
import { nameSortKey, type Db } from '../../db/client';
import { agents, channels, groups, sources } from '../../db/schema';
import { distinctName, sharedNames, type EntityKind } from './entity-names';

export type Option = { id: string; name: string };

/** What the filters can choose from: channels (topics), groups, agents and sources seen so far. */
export function getFilterOptions(db: Db): { channels: Option[]; groups: Option[]; agents: Option[]; sources: string[] } {
  const named = (kind: EntityKind) => {
    const table = { channel: channels, group: groups, agent: agents }[kind];
    const shared = sharedNames(db, kind);
    return db
      .select({ id: table.id, name: sql<string>`coalesce(${table.name}, ${table.id})` })
      .from(table)
      .orderBy(asc(nameSortKey(sql`coalesce(${table.name}, ${table.id})`)))
      .all()
      .map((o) => ({ id: o.id, name: distinctName(o.id, o.name, shared) }));
  };
  return {
    channels: named('channel'),
    groups: named('group'),
    agents: named('agent'),
    sources: db.select({ name: sources.name }).from(sources).orderBy(asc(sources.name)).all().map((row) => row.name),
  };
}
