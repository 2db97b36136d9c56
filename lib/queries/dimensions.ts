import { asc, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { agents, channels, groups, sources } from '../../db/schema';

export type Option = { id: string; name: string };

/** What the filters can choose from: channels (topics), groups, agents and sources seen so far. */
export function getFilterOptions(db: Db): { channels: Option[]; groups: Option[]; agents: Option[]; sources: string[] } {
  const named = (table: typeof channels | typeof groups | typeof agents) =>
    distinguish(
      db
        .select({ id: table.id, name: sql<string>`coalesce(${table.name}, ${table.id})` })
        .from(table)
        .orderBy(asc(sql`lower(coalesce(${table.name}, ${table.id}))`))
        .all(),
    );
  return {
    channels: named(channels),
    groups: named(groups),
    agents: named(agents),
    sources: db.select({ name: sources.name }).from(sources).orderBy(asc(sources.name)).all().map((row) => row.name),
  };
}

/**
 * Two teams (or a demo beside real data) can have groups or channels of the same name: those get
 * the start of their id after the name, so a filter never offers two identical choices.
 */
function distinguish(options: Option[]): Option[] {
  const seen = new Map<string, number>();
  for (const { name } of options) seen.set(name, (seen.get(name) ?? 0) + 1);
  return options.map((o) => (seen.get(o.name)! > 1 ? { id: o.id, name: `${o.name} (${o.id.slice(0, 8)})` } : o));
}
