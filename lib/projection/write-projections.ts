import { getTableColumns, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client';
import {
  agents,
  assignmentChanges,
  channels,
  conversations,
  groups,
  messages,
  statusTransitions,
  type NewAgent,
  type NewAssignmentChange,
  type NewChannel,
  type NewGroup,
  type NewMessage,
  type NewStatusTransition,
  sources,
} from '../../db/schema';
import { STATISTIC_KEYS, type StatisticKey } from '../events/statistics';
import { refreshDerived } from './derived';
import type { ConversationCounters, ConversationSnapshot, EventProjection } from './project-event';

/**
 * Writes what a batch of events contributes to the projection tables, inside the caller's
 * transaction. The batch is merged first (a conversation touched by 40 events of the batch is
 * written once, with the greatest version), which is exact because "greatest version wins" and
 * "counters add up" give the same result whether applied one event at a time or merged.
 */
export type StoredProjection = { eventId: number; projection: EventProjection };

export function writeProjections(db: Db, projections: readonly StoredProjection[]): void {
  if (projections.length === 0) return;
  const merged = mergeProjections(projections);
  const s = statementsFor(db);
  for (const row of merged.conversations.values()) s.upsertConversation.run(row);
  for (const row of merged.statusTransitions) s.insertStatusTransition.run(row);
  for (const row of merged.assignmentChanges) s.insertAssignmentChange.run(row);
  for (const row of merged.agents.values()) s.upsertAgent.run(withNulls(agentKeys, row));
  for (const row of merged.groups.values()) s.upsertGroup.run(row);
  for (const row of merged.channels.values()) s.upsertChannel.run(row);
  for (const row of merged.messages.values()) s.upsertMessage.run(row);
  // Every event's source, not only the merged snapshots': the set must not depend on how events
  // were batched. A source already known is a no-op that dirties no page.
  for (const name of new Set(projections.map(({ projection }) => projection.conversation.source))) if (name) s.insertSource.run({ name });
  refreshDerived(db, merged.conversations.keys());
}

type ConversationRowParams = ConversationSnapshot &
  ConversationCounters &
  Record<StatisticKey, number | null> & { createSeen: boolean; statisticsVersion: string | null };

type MergedProjections = {
  conversations: Map<string, ConversationRowParams>;
  statusTransitions: NewStatusTransition[];
  assignmentChanges: NewAssignmentChange[];
  agents: Map<string, NewAgent>;
  groups: Map<string, NewGroup>;
  channels: Map<string, NewChannel>;
  messages: Map<string, NewMessage>;
};

const NO_STATISTICS = Object.fromEntries(STATISTIC_KEYS.map((key) => [key, null])) as Record<StatisticKey, null>;

function mergeProjections(projections: readonly StoredProjection[]): MergedProjections {
  const merged: MergedProjections = {
    conversations: new Map(),
    statusTransitions: [],
    assignmentChanges: [],
    agents: new Map(),
    groups: new Map(),
    channels: new Map(),
    messages: new Map(),
  };
  for (const { eventId, projection: p } of projections) {
    const id = p.conversation.conversationId;
    const current = merged.conversations.get(id);
    if (!current) {
      merged.conversations.set(id, {
        ...p.conversation,
        ...p.counters,
        ...(p.statistics?.values ?? NO_STATISTICS),
        createSeen: p.createSeen,
        statisticsVersion: p.statistics?.version ?? null,
      });
    } else {
      if (p.conversation.version > current.version) Object.assign(current, p.conversation);
      current.reopenCount += p.counters.reopenCount;
      current.agentReassignmentCount += p.counters.agentReassignmentCount;
      current.groupReassignmentCount += p.counters.groupReassignmentCount;
      current.unassignmentCount += p.counters.unassignmentCount;
      current.createSeen ||= p.createSeen;
      if (p.statistics && (current.statisticsVersion === null || p.statistics.version > current.statisticsVersion)) {
        Object.assign(current, p.statistics.values);
        current.statisticsVersion = p.statistics.version;
      }
    }
    // The derived columns are filled once the batch is stored (derived.ts).
    if (p.statusTransition) merged.statusTransitions.push({ ...p.statusTransition, eventId, nextAt: null, channelId: null, source: null });
    for (const change of p.assignmentChanges) {
      merged.assignmentChanges.push({ ...change, eventId, channelId: null, source: null, previousAssignedAt: null, previousReassignedAt: null });
    }
    for (const row of p.agents) keepLatest(merged.agents, row.id, row);
    for (const row of p.groups) keepLatest(merged.groups, row.id, row);
    for (const row of p.channels) keepLatest(merged.channels, row.id, row);
    for (const row of p.messages) keepEarliest(merged.messages, row.id, row);
  }
  return merged;
}

function keepLatest<T extends { version: string }>(map: Map<string, T>, id: string, row: T): void {
  const current = map.get(id);
  if (!current || row.version > current.version) map.set(id, row);
}

function keepEarliest<T extends { version: string }>(map: Map<string, T>, id: string, row: T): void {
  const current = map.get(id);
  if (!current || row.version < current.version) map.set(id, row);
}

const agentKeys = Object.keys(getTableColumns(agents)) as (keyof NewAgent)[];

/** Prepared statements bind every placeholder: fill the columns a partial row leaves out. */
function withNulls<T extends object>(keys: readonly (keyof T)[], row: T): T {
  const full = { ...row };
  for (const key of keys) if (full[key] === undefined) (full as Record<keyof T, unknown>)[key] = null;
  return full;
}

// ---------------------------------------------------------------------------------------------
// Statements. Built with drizzle's builder (INSERT … ON CONFLICT … DO UPDATE, which SQLite and
// PostgreSQL share) and prepared once per connection: ingest runs them thousands of times a second.

const excluded = (column: SQLiteColumn): SQL => sql`excluded.${sql.identifier(column.name)}`;

function placeholdersFor(table: SQLiteTable): Record<string, Placeholder> {
  return Object.fromEntries(Object.keys(getTableColumns(table)).map((key) => [key, sql.placeholder(key)]));
}

/**
 * `ON CONFLICT DO UPDATE` that replaces every column only when the incoming version is greater
 * (`latest`, for what changes: agents, groups, channels) or smaller (`earliest`, for what never
 * changes once said: message metadata). A losing upsert writes nothing.
 */
function upsertVersioned(db: Db, table: typeof agents | typeof groups | typeof channels | typeof messages, wins: 'latest' | 'earliest') {
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  const set = Object.fromEntries(
    Object.entries(columns)
      .filter(([, column]) => !column.primary)
      .map(([key, column]) => [key, excluded(column)]),
  );
  return db
    .insert(table)
    .values(placeholdersFor(table) as never)
    .onConflictDoUpdate({
      target: columns.id as SQLiteColumn,
      set,
      setWhere: wins === 'latest' ? sql`${excluded(table.version)} > ${table.version}` : sql`${excluded(table.version)} < ${table.version}`,
    })
    .prepare();
}

/**
 * The conversation upsert, in one statement:
 * - snapshot columns take the incoming values only when its version is greater (latest `updated_time`);
 * - statistics take the incoming values only when its statistics version is greater;
 * - counters add up; `create_seen` stays true once true.
 */
function upsertConversationStatement(db: Db) {
  const columns = getTableColumns(conversations) as Record<string, SQLiteColumn>;
  const counterKeys = new Set<string>(['reopenCount', 'agentReassignmentCount', 'groupReassignmentCount', 'unassignmentCount']);
  const statisticKeys = new Set<string>([...STATISTIC_KEYS, 'statisticsVersion']);
  const newer = sql`${excluded(conversations.version)} > ${conversations.version}`;
  const newerStatistics = sql`${excluded(conversations.statisticsVersion)} > coalesce(${conversations.statisticsVersion}, '')`;
  const set: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(columns)) {
    if (column.primary) continue;
    if (counterKeys.has(key)) set[key] = sql`${column} + ${excluded(column)}`;
    else if (key === 'createSeen') set[key] = sql`(${column} or ${excluded(column)})`;
    else if (statisticKeys.has(key)) set[key] = sql`case when ${newerStatistics} then ${excluded(column)} else ${column} end`;
    else set[key] = sql`case when ${newer} then ${excluded(column)} else ${column} end`;
  }
  return db
    .insert(conversations)
    .values(placeholdersFor(conversations) as never)
    .onConflictDoUpdate({ target: conversations.conversationId, set })
    .prepare();
}

function buildStatements(db: Db) {
  return {
    upsertConversation: upsertConversationStatement(db),
    insertStatusTransition: db
      .insert(statusTransitions)
      .values(placeholdersFor(statusTransitions) as never)
      .onConflictDoNothing()
      .prepare(),
    insertAssignmentChange: db
      .insert(assignmentChanges)
      .values(placeholdersFor(assignmentChanges) as never)
      .onConflictDoNothing()
      .prepare(),
    upsertAgent: upsertVersioned(db, agents, 'latest'),
    upsertGroup: upsertVersioned(db, groups, 'latest'),
    upsertChannel: upsertVersioned(db, channels, 'latest'),
    upsertMessage: upsertVersioned(db, messages, 'earliest'),
    insertSource: db.insert(sources).values({ name: sql.placeholder('name') }).onConflictDoNothing().prepare(),
  };
}

const statementCache = new WeakMap<Db, ReturnType<typeof buildStatements>>();

function statementsFor(db: Db): ReturnType<typeof buildStatements> {
  let statements = statementCache.get(db);
  if (!statements) {
    statements = buildStatements(db);
    statementCache.set(db, statements);
  }
  return statements;
}
