import { getTableColumns, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { prepareDirect, type Db } from '../../db/client';
import {
  agents,
  assignmentChanges,
  channels,
  conversations,
  groups,
  messages,
  statusTransitions,
  type NewAgent,
  type NewChannel,
  type NewGroup,
  type NewMessage,
  sources,
} from '../../db/schema';
import { packStatistics, STATISTIC_KEYS, type StatisticKey } from '../events/statistics';
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
  for (const row of merged.agents.values()) s.upsertAgent.run(row);
  for (const row of merged.groups.values()) s.upsertGroup.run(row);
  for (const row of merged.channels.values()) s.upsertChannel.run(row);
  for (const row of merged.messages.values()) s.upsertMessage.run(row);
  // Every event's source, not only the merged snapshots': the set must not depend on how events
  // were batched. A source already known is a no-op that dirties no page.
  for (const name of new Set(projections.map(({ projection }) => projection.conversation.source))) if (name) s.insertSource.run({ name });
  refreshDerived(db, merged.conversations.keys());
}

/**
 * A conversation's row, merged from the batch's events without copying their snapshots: the
 * statement reads each column from the part that holds it (see upsertConversationStatement).
 */
type MergedConversation = {
  /** The snapshot of the greatest version. */
  snapshot: ConversationSnapshot;
  /** Summed over the batch's events. */
  counters: ConversationCounters;
  createSeen: boolean;
  /** The statistics of the greatest statistics version, if any event carried some. */
  statistics: EventProjection['statistics'];
};

/** A row the projection computed before the event was stored, and the event's id. */
type WithEventId<Row> = { eventId: number; row: Row };

type MergedProjections = {
  conversations: Map<string, MergedConversation>;
  statusTransitions: WithEventId<NonNullable<EventProjection['statusTransition']>>[];
  assignmentChanges: WithEventId<EventProjection['assignmentChanges'][number]>[];
  agents: Map<string, NewAgent>;
  groups: Map<string, NewGroup>;
  channels: Map<string, NewChannel>;
  messages: Map<string, NewMessage>;
};

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
      merged.conversations.set(id, { snapshot: p.conversation, counters: { ...p.counters }, createSeen: p.createSeen, statistics: p.statistics });
    } else {
      current.snapshot =
        p.conversation.version > current.snapshot.version ? withFacts(p.conversation, current.snapshot) : withFacts(current.snapshot, p.conversation);
      current.counters.reopenCount += p.counters.reopenCount;
      current.counters.agentReassignmentCount += p.counters.agentReassignmentCount;
      current.counters.groupReassignmentCount += p.counters.groupReassignmentCount;
      current.counters.unassignmentCount += p.counters.unassignmentCount;
      current.createSeen ||= p.createSeen;
      if (p.statistics && (current.statistics === null || p.statistics.version > current.statistics.version)) current.statistics = p.statistics;
    }
    // The derived columns (next_at, channel, source, previous assignments) are filled once the batch is stored (derived.ts).
    if (p.statusTransition) merged.statusTransitions.push({ eventId, row: p.statusTransition });
    for (const change of p.assignmentChanges) merged.assignmentChanges.push({ eventId, row: change });
    for (const row of p.agents) keepLatest(merged.agents, row.id, row);
    for (const row of p.groups) keepLatest(merged.groups, row.id, row);
    for (const row of p.channels) keepLatest(merged.channels, row.id, row);
    for (const row of p.messages) mergeMessage(merged.messages, row);
  }
  return merged;
}

/**
 * What a conversation is, as opposed to where it stands: facts Freshchat never changes once set
 * (its channel, source, user, account and app; when it was created and first given to a group
 * and an agent). An event that leaves one out, or sends null, says nothing about it: the
 * payload reference's fields may be omitted. So a known fact is never erased by a later
 * snapshot; the times are the earliest any event gave (so "first" stays first). Should events
 * disagree on another fact (Freshchat's never do; a careless sender's might), the greater value
 * is kept, in code point order: like the earliest time, a rule that gives the same result in any
 * order of arrival and however the events are grouped into requests, so a reprojection equals
 * live ingest. ("The latest snapshot's, when it has one" did not: which value won depended on
 * which events met in memory before meeting the stored row.)
 */
const FILLED_FACTS = ['accountId', 'appId', 'channelId', 'userId', 'source'] as const satisfies readonly (keyof ConversationSnapshot)[];
const EARLIEST_FACTS = ['createdAt', 'firstGroupAssignedAt', 'firstAgentAssignedAt'] as const satisfies readonly (keyof ConversationSnapshot)[];

/** `latest`, the snapshot of the greater version, with the facts `other` knows and it does not (a copy only when they differ). */
function withFacts(latest: ConversationSnapshot, other: ConversationSnapshot): ConversationSnapshot {
  let merged: ConversationSnapshot | null = null;
  for (const key of FILLED_FACTS) {
    const mine = latest[key];
    const theirs = other[key];
    if (theirs != null && (mine == null || codePointLess(mine, theirs))) (merged ??= { ...latest })[key] = theirs;
  }
  for (const key of EARLIEST_FACTS) {
    const mine = latest[key];
    const theirs = other[key];
    if (theirs != null && (mine == null || theirs < mine)) (merged ??= { ...latest })[key] = theirs;
  }
  return merged ?? latest;
}

function keepLatest<T extends { version: string }>(map: Map<string, T>, id: string, row: T): void {
  const current = map.get(id);
  if (!current || row.version > current.version) map.set(id, row);
}

/**
 * `a < b` in code point order, which is UTF-8's byte order: how SQLite's default (BINARY) collation
 * compares text, and PostgreSQL's "C". JavaScript's `<` compares UTF-16 units instead, which
 * differs where a character beyond U+FFFF (two surrogate units, D800–DFFF) meets one of U+E000–U+FFFF.
 */
export function codePointLess(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate starts a character beyond U+FFFF: greater than any single unit it meets.
    return xSurrogate === ySurrogate ? x < y : ySurrogate;
  }
  return a.length < b.length;
}

/**
 * A message's flags, which only some copies carry: the payload reference lists them for the
 * messages of onConversationUpdate, not of onConversationCreate, so the earliest copy of a
 * conversation's first message (its create's) has none.
 */
const MESSAGE_FLAGS = ['isFirstMessage', 'isAgentFirstResponse', 'isAgentInterimFirstResponse'] as const satisfies readonly (keyof NewMessage)[];

/**
 * A flag from two copies of a message: true if either says true, else false if either says
 * false, else unknown. The same whichever copy comes first, so merging stays order independent.
 */
function mergedFlag(a: boolean | null | undefined, b: boolean | null | undefined): boolean | null {
  if (a === true || b === true) return true;
  if (a === false || b === false) return false;
  return null;
}

/** The earliest copy of a message (its metadata never changes), with the flags of all its copies. */
function mergeMessage(map: Map<string, NewMessage>, row: NewMessage): void {
  const current = map.get(row.id);
  if (!current) return void map.set(row.id, row);
  const [earliest, other] = row.version < current.version ? [row, current] : [current, row];
  const merged = { ...earliest };
  for (const flag of MESSAGE_FLAGS) merged[flag] = mergedFlag(earliest[flag], other[flag]);
  map.set(row.id, merged);
}

// ---------------------------------------------------------------------------------------------
// Statements. Built with drizzle's builder (INSERT … ON CONFLICT … DO UPDATE, which SQLite and
// PostgreSQL share) and prepared once per connection, run through prepareDirect (db/client.ts):
// ingest runs them thousands of times a second.

const excluded = (column: SQLiteColumn): SQL => sql`excluded.${sql.identifier(column.name)}`;

function placeholdersFor(table: SQLiteTable): Record<string, Placeholder> {
  return Object.fromEntries(Object.keys(getTableColumns(table)).map((key) => [key, sql.placeholder(key)]));
}

/**
 * `ON CONFLICT DO UPDATE` that replaces every column only when the incoming version is greater
 * (for what changes: agents, groups, channels). A losing upsert writes nothing.
 */
function upsertLatest<Row>(db: Db, table: typeof agents | typeof groups | typeof channels) {
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  const set = Object.fromEntries(
    Object.entries(columns)
      .filter(([, column]) => !column.primary)
      .map(([key, column]) => [key, excluded(column)]),
  );
  const query = db
    .insert(table)
    .values(placeholdersFor(table) as never)
    .onConflictDoUpdate({ target: columns.id as SQLiteColumn, set, setWhere: sql`${excluded(table.version)} > ${table.version}` });
  return prepareDirect<Row>(db, query);
}

/**
 * The message upsert: the earliest copy's metadata (it never changes once said), each flag merged
 * from every copy (mergedFlag, in SQL). A copy that is not earlier and brings no flag writes
 * nothing: in the usual in-order delivery, one write per message rather than one per event.
 */
function upsertMessageStatement(db: Db) {
  const columns = getTableColumns(messages) as Record<string, SQLiteColumn>;
  const flags = new Set<string>(MESSAGE_FLAGS);
  const earlier = sql`${excluded(messages.version)} < ${messages.version}`;
  const set: Record<string, SQL> = {};
  const bringsFlag: SQL[] = [];
  for (const [key, column] of Object.entries(columns)) {
    if (column.primary) continue;
    if (flags.has(key)) {
      // Booleans are 0 and 1 in SQLite and true > false in PostgreSQL: the greater known value.
      set[key] = sql`case when ${column} is null then ${excluded(column)} when ${excluded(column)} is null or ${column} >= ${excluded(column)} then ${column} else ${excluded(column)} end`;
      bringsFlag.push(sql`(${excluded(column)} is not null and (${column} is null or ${excluded(column)} > ${column}))`);
    } else set[key] = sql`case when ${earlier} then ${excluded(column)} else ${column} end`;
  }
  const query = db
    .insert(messages)
    .values(placeholdersFor(messages) as never)
    .onConflictDoUpdate({ target: messages.id, set, setWhere: sql`${earlier} or ${sql.join(bringsFlag, sql` or `)}` });
  return prepareDirect<NewMessage>(db, query);
}

const COUNTER_KEYS = new Set<string>(['reopenCount', 'agentReassignmentCount', 'groupReassignmentCount', 'unassignmentCount'] satisfies (keyof ConversationCounters)[]);
const STATISTIC_KEY_SET = new Set<string>(STATISTIC_KEYS);

/**
 * The conversation upsert, in one statement:
 * - snapshot columns take the incoming values only when its version is greater (latest `updated_time`),
 *   except the facts (withFacts): never erased, the times the earliest known, the others the greatest;
 * - statistics take the incoming values only when its statistics version is greater;
 * - counters add up; `create_seen` stays true once true.
 */
function upsertConversationStatement(db: Db) {
  const columns = getTableColumns(conversations) as Record<string, SQLiteColumn>;
  const statisticKeys = new Set<string>([...STATISTIC_KEYS, 'statisticsVersion', 'statisticsPacked']);
  const newer = sql`${excluded(conversations.version)} > ${conversations.version}`;
  const newerStatistics = sql`${excluded(conversations.statisticsVersion)} > coalesce(${conversations.statisticsVersion}, '')`;
  const filled = new Set<string>(FILLED_FACTS);
  const earliest = new Set<string>(EARLIEST_FACTS);
  const set: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(columns)) {
    if (column.primary) continue;
    if (COUNTER_KEYS.has(key)) set[key] = sql`${column} + ${excluded(column)}`;
    else if (filled.has(key)) set[key] = sql`case when ${column} is null or ${excluded(column)} > ${column} then coalesce(${excluded(column)}, ${column}) else ${column} end`;
    else if (earliest.has(key)) set[key] = sql`case when ${column} is null or ${excluded(column)} < ${column} then coalesce(${excluded(column)}, ${column}) else ${column} end`;
    else if (key === 'createSeen') set[key] = sql`(${column} or ${excluded(column)})`;
    else if (statisticKeys.has(key)) set[key] = sql`case when ${newerStatistics} then ${excluded(column)} else ${column} end`;
    else set[key] = sql`case when ${newer} then ${excluded(column)} else ${column} end`;
  }
  const query = db
    .insert(conversations)
    .values(placeholdersFor(conversations) as never)
    .onConflictDoUpdate({ target: conversations.conversationId, set });
  return prepareDirect<MergedConversation>(db, query, conversationColumn);
}

/** Where each column of the conversation row is in a merged conversation. */
function conversationColumn(key: string): (row: MergedConversation) => unknown {
  if (COUNTER_KEYS.has(key)) return (row) => row.counters[key as keyof ConversationCounters];
  if (key === 'createSeen') return (row) => row.createSeen;
  if (key === 'statisticsVersion') return (row) => row.statistics?.version ?? null;
  // Never null, so a range's packed statistics line up with its other columns when concatenated.
  if (key === 'statisticsPacked') return (row) => packStatistics(row.statistics?.values ?? null);
  if (STATISTIC_KEY_SET.has(key)) return (row) => row.statistics?.values[key as StatisticKey] ?? null;
  return (row) => row.snapshot[key as keyof ConversationSnapshot];
}

/** The rows of `insert…values` with an event id added: read from the pair, without copying the row. */
function withEventId<Row>(key: string): (pair: WithEventId<Row>) => unknown {
  return key === 'eventId' ? (pair) => pair.eventId : (pair) => pair.row[key as keyof Row];
}

function buildStatements(db: Db) {
  return {
    upsertConversation: upsertConversationStatement(db),
    insertStatusTransition: prepareDirect(
      db,
      db.insert(statusTransitions).values(placeholdersFor(statusTransitions) as never).onConflictDoNothing(),
      withEventId<NonNullable<EventProjection['statusTransition']>>,
    ),
    insertAssignmentChange: prepareDirect(
      db,
      db.insert(assignmentChanges).values(placeholdersFor(assignmentChanges) as never).onConflictDoNothing(),
      withEventId<EventProjection['assignmentChanges'][number]>,
    ),
    upsertAgent: upsertLatest<NewAgent>(db, agents),
    upsertGroup: upsertLatest<NewGroup>(db, groups),
    upsertChannel: upsertLatest<NewChannel>(db, channels),
    upsertMessage: upsertMessageStatement(db),
    insertSource: prepareDirect<{ name: string }>(db, db.insert(sources).values({ name: sql.placeholder('name') }).onConflictDoNothing()),
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
