import { asc, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { agents, channels, groups, sources } from '../../db/schema';

export type Option = { id: string; name: string };

/** What the filters can choose from: channels (topics), groups, agents and sources seen so far. */
export function getFilterOptions(db: Db): { channels: Option[]; groups: Option[]; agents: Option[]; sources: string[] } {
  const named = (table: typeof channels | typeof groups | typeof agents) =>
    db
      .select({ id: table.id, name: sql<string>`coalesce(${table.name}, ${table.id})` })
      .from(table)
      .orderBy(asc(sql`lower(coalesce(${table.name}, ${table.id}))`))
      .all();
  return {
    channels: named(channels),
    groups: named(groups),
    agents: named(agents),
    sources: db.select({ name: sources.name }).from(sources).orderBy(asc(sources.name)).all().map((row) => row.name),
  };
}
