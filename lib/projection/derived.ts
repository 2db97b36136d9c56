import { and, asc, count, eq, gt, inArray, isNotNull, isNull, lt, max, min, ne, notExists, or, sql, type SQL } from 'drizzle-orm';
import { alias, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { inJsonArray, prepareDirect, writeTransaction, type Db } from '../../db/client';
import { agentLoadIntervals, assignmentChanges, conversations, events, statusTransitions } from '../../db/schema';
import { packStatistics, STATISTIC_KEYS, type StatisticKey } from '../events/statistics';
import { loadIntervals, reconciled, type HistoryChange } from '../queries/load-timeline';
import { countProjectionRebuild } from '../events/stored-counts';
import { getSetting, SETTING, setSetting } from '../settings';
import { restoreUnsentEntityFlags } from './unsent-flags';

/**
 * Facts that depend on a conversation's whole history rather than on one event, kept current at
 * ingest so that pages read them instead of reconstructing them over every conversation of the
 * range on each view (at a million conversations that reconstruction took 1–2 s a page):
 *
 * - `status_transitions.next_at`: when each stay in a status ended (time in status);
 * - `agent_load_intervals`: when each conversation counted towards which agent (load over time);
 * - `assignment_changes.previous_assigned_at` / `previous_reassigned_at`: when the conversation was
 *   last (re)assigned before each change, so distinct conversations in a range are a plain count;
 * - `channel_id` and `source` on status transitions, assignment changes and load intervals: the
 *   conversation's own, so the common filters need no lookup of each row's conversation.
 *
 * The rule is simple and exact: whenever a batch touches a conversation, its derived rows are
 * recomputed from its stored history (a handful of rows, through the per-conversation indexes),
 * inside the batch's transaction. So they equal what a full recomputation gives, whatever order
 * events arrived in, and reprojection (which goes through writeProjections) rebuilds them too.
 */

/** Conversations per refresh: the ids travel as one JSON parameter, so this only bounds memory. */
const CHUNK = 500;

/**
 * Which conversations a statement covers: `{ ids: JSON array of conversation ids }`, or every
 * conversation (the one-off rebuild after an upgrade). Ingest runs these statements for every
 * transaction, so each is built once per connection with the ids as one parameter; building the
 * SQL on each call cost more than running it (a single-event request paid about 0.5 ms of CPU for it).
 */
type Ids = { ids: string };
type Scope = ((column: SQLiteColumn) => SQL) | null;
const forIds = (column: SQLiteColumn): SQL => inJsonArray(column, sql.placeholder('ids'));
const within = (scope: Scope, column: SQLiteColumn) => (scope ? scope(column) : undefined);

export function refreshDerived(db: Db, conversationIds: Iterable<string>): void {
  const s = statementsFor(db);
  const all = [...new Set(conversationIds)];
  for (let i = 0; i < all.length; i += CHUNK) {
    const chunk = all.slice(i, i + CHUNK);
    const ids = { ids: JSON.stringify(chunk) };
    s.stays.run(ids);
    s.previousAssignments.run(ids);
    for (const statement of s.dimensions) statement.run(ids);
    refreshLoadIntervals(s, ids);
  }
}

/**
 * `next_at` of every transition of these conversations: the earliest of the conversation's
 * transitions strictly later (transitions at the same millisecond all end at the next later one).
 */
function staysStatement(db: Db, scope: Scope) {
  const later = alias(statusTransitions, 'later');
  const nextAt = db
    .select({ at: min(later.at) })
    .from(later)
    .where(and(eq(later.conversationId, statusTransitions.conversationId), gt(later.at, statusTransitions.at)));
  // Only rows whose value changes are written: next_at is in the range index, and most of a
  // touched conversation's transitions keep theirs.
  const changed = sql`coalesce(${statusTransitions.nextAt}, -1) <> coalesce((${nextAt}), -1)`;
  return db
    .update(statusTransitions)
    .set({ nextAt: sql`(${nextAt})` })
    .where(and(within(scope, statusTransitions.conversationId), changed));
}

/**
 * Where an event stands among events of the same time, as snapshot versions order them
 * (version.ts: a create before an update, then the event's hash): the order of changes made at
 * the same millisecond, the same whatever order they arrived in (event ids follow arrival).
 */
const eventOrder = (eventId: SQLiteColumn): SQL =>
  sql`(select (case when ${events.event} = 'onConversationCreate' then '0' else '1' end) || ${events.dedupeKey} from ${events} where ${events.id} = ${eventId})`;

/**
 * `previous_assigned_at` and `previous_reassigned_at` of every assignment change of these
 * conversations: the time of the latest earlier change of the same kind (in at, then event
 * order: eventOrder) that assigned (`to_id` set), resp. reassigned (`from_id` and `to_id` set).
 */
function previousAssignmentsStatement(db: Db, scope: Scope) {
  const earlier = alias(assignmentChanges, 'earlier');
  const a = assignmentChanges;
  const latestEarlier = (condition: SQL) =>
    sql`(${db
      .select({ at: max(earlier.at) })
      .from(earlier)
      .where(
        and(
          eq(earlier.conversationId, a.conversationId),
          eq(earlier.kind, a.kind),
          or(lt(earlier.at, a.at), and(eq(earlier.at, a.at), sql`${eventOrder(earlier.eventId)} < ${eventOrder(a.eventId)}`)),
          condition,
        ),
      )})`;
  const previousAssigned = latestEarlier(sql`${earlier.toId} is not null`);
  const previousReassigned = latestEarlier(sql`${earlier.fromId} is not null and ${earlier.toId} is not null`);
  const differs = (column: SQLiteColumn, value: SQL) => sql`coalesce(${column}, -1) <> coalesce(${value}, -1)`;
  return db
    .update(a)
    .set({ previousAssignedAt: previousAssigned, previousReassignedAt: previousReassigned })
    .where(and(within(scope, a.conversationId), or(differs(a.previousAssignedAt, previousAssigned), differs(a.previousReassignedAt, previousReassigned))));
}

/** The conversation's current channel and source on each of its activity rows (only rows that differ are written). */
function dimensionStatements(db: Db, scope: Scope) {
  return [statusTransitions, assignmentChanges].map((table) => {
    const differs = (a: SQLiteColumn, b: SQLiteColumn) => sql`coalesce(${a}, '') <> coalesce(${b}, '')`;
    // UPDATE … FROM (SQLite ≥ 3.33, PostgreSQL): one lookup of the conversation per row.
    return db
      .update(table)
      .set({ channelId: sql`${conversations.channelId}`, source: sql`${conversations.source}` })
      .from(conversations)
      .where(
        and(
          eq(conversations.conversationId, table.conversationId),
          within(scope, table.conversationId),
          or(differs(table.channelId, conversations.channelId), differs(table.source, conversations.source)),
        ),
      );
  });
}

/** The resolve and reopen transitions: the status changes that start or stop a conversation's load. */
const resolveOrReopen = or(eq(statusTransitions.toStatus, 'resolved'), eq(statusTransitions.fromStatus, 'resolved'));

function buildStatements(db: Db) {
  return {
    stays: prepareDirect<Ids>(db, staysStatement(db, forIds)),
    previousAssignments: prepareDirect<Ids>(db, previousAssignmentsStatement(db, forIds)),
    dimensions: dimensionStatements(db, forIds).map((statement) => prepareDirect<Ids>(db, statement)),
    deleteIntervals: prepareDirect<Ids>(db, db.delete(agentLoadIntervals).where(forIds(agentLoadIntervals.conversationId))),
    agentChanges: prepareDirect<Ids>(
      db,
      db
        .select({ id: assignmentChanges.conversationId, order: eventOrder(assignmentChanges.eventId), at: assignmentChanges.at, fromId: assignmentChanges.fromId, toId: assignmentChanges.toId })
        .from(assignmentChanges)
        .where(and(forIds(assignmentChanges.conversationId), eq(assignmentChanges.kind, 'agent'))),
    ),
    statusChanges: prepareDirect<Ids>(
      db,
      db
        .select({ id: statusTransitions.conversationId, at: statusTransitions.at, toStatus: statusTransitions.toStatus, fromStatus: statusTransitions.fromStatus })
        .from(statusTransitions)
        .where(and(forIds(statusTransitions.conversationId), resolveOrReopen)),
    ),
    snapshots: prepareDirect<Ids>(
      db,
      db
        .select({
          id: conversations.conversationId,
          createdAt: conversations.createdAt,
          firstAgentAssignedAt: conversations.firstAgentAssignedAt,
          agentId: conversations.assignedAgentId,
          channelId: conversations.channelId,
          source: conversations.source,
          status: conversations.status,
          assignedAt: conversations.assignedAt,
          resolvedAt: conversations.resolvedAt,
          reopenedAt: conversations.reopenedAt,
        })
        .from(conversations)
        .where(forIds(conversations.conversationId)),
    ),
    insertInterval: prepareDirect<typeof agentLoadIntervals.$inferInsert>(
      db,
      db.insert(agentLoadIntervals).values({
        conversationId: sql.placeholder('conversationId'),
        agentId: sql.placeholder('agentId'),
        fromAt: sql.placeholder('fromAt'),
        toAt: sql.placeholder('toAt'),
        channelId: sql.placeholder('channelId'),
        source: sql.placeholder('source'),
      }),
    ),
  };
}

type Statements = ReturnType<typeof buildStatements>;
const statementCache = new WeakMap<Db, Statements>();

function statementsFor(db: Db): Statements {
  let statements = statementCache.get(db);
  if (!statements) statementCache.set(db, (statements = buildStatements(db)));
  return statements;
}

/** The load intervals of these conversations, from their agent changes and resolves/reopens (load-timeline.ts has the rule). */
function refreshLoadIntervals(s: Statements, ids: Ids): void {
  s.deleteIntervals.run(ids);
  const history = new Map<string, HistoryChange[]>();
  const add = (id: string, change: HistoryChange) => {
    const list = history.get(id);
    if (list) list.push(change);
    else history.set(id, [change]);
  };
  // Each conversation's agent changes in time order, those of the same millisecond in event order
  // (loadIntervals applies them in the order given: the last one stands).
  const agentChanges = (s.agentChanges.rows(ids) as [string, string, number, string | null, string | null][]).sort(
    (a, b) => a[2] - b[2] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0),
  );
  // Who held a conversation before its first recorded agent change: that change's `from`.
  const first = new Map<string, string | null>();
  for (const [id, , at, fromId, toId] of agentChanges) {
    if (!first.has(id)) first.set(id, fromId);
    add(id, { at, agentId: toId });
  }
  // Whether a conversation was resolved before its first recorded resolve or reopen: it was, if
  // that is a reopen (a stream begun after the resolution, as when the dashboard is installed).
  const firstStatus = new Map<string, { at: number; reopen: boolean }>();
  for (const [id, at, toStatus, fromStatus] of s.statusChanges.rows(ids) as [string, number, string, string | null][]) {
    add(id, { at, resolved: toStatus === 'resolved' });
    const known = firstStatus.get(id);
    if (!known || at < known.at) firstStatus.set(id, { at, reopen: fromStatus === 'resolved' && toStatus !== 'resolved' });
  }

  type Snapshot = [string, number | null, number | null, string | null, string | null, string | null, string | null, number | null, number | null, number | null];
  const snapshots = s.snapshots.rows(ids) as Snapshot[];
  for (const [id, createdAt, firstAgentAssignedAt, agentId, channelId, source, status, assignedAt, resolvedAt, reopenedAt] of snapshots) {
    // Who held it before its first recorded agent change: that change's `from`; with none
    // recorded, the agent it has now. Since when: no agent held it before Freshchat's
    // first_agent_assigned_time, nor before its creation (without either, before anything recorded).
    // Then the history is made to end where the conversation stands now (reconciled).
    const since = Math.max(createdAt ?? -Infinity, firstAgentAssignedAt ?? -Infinity);
    const initial = { agentId: first.has(id) ? (first.get(id) ?? null) : agentId, resolved: firstStatus.get(id)?.reopen ?? false };
    const current = { agentId, resolved: status === 'resolved', assignedAt, resolvedAt, reopenedAt };
    const { changes, initialAgentId, initialResolved } = reconciled(history.get(id) ?? [], initial, current);
    for (const i of loadIntervals(id, changes, { start: -Infinity, end: Infinity, initialAgentId, initialResolved, since })) {
      s.insertInterval.run({
        conversationId: id,
        agentId: i.agentId,
        fromAt: Number.isFinite(i.from) ? i.from : null,
        toAt: Number.isFinite(i.to) ? i.to : null,
        channelId,
        source,
      });
    }
  }
}

/** Bumped when a derived table gains a column or its rule changes: databases are brought up to date on open. */
export const DERIVED_VERSION = '8';
/** From 7, only the load intervals of conversations whose history did not end where they stand are rebuilt (reconciled, new in 8). */
const BEFORE_RECONCILED = '7';
/** From 4, the history rows are current: only the packed statistics (new in 5) are written. */
const BEFORE_PACKED_STATISTICS = '4';
/** From 5, only the flags of agents, groups and channels are re-read (unsent-flags.ts, new in 6). */
const BEFORE_UNSENT_FLAGS = '5';
/** From 6, only the load intervals are rebuilt (the state before a conversation's first recorded change, new in 7). */
const BEFORE_INITIAL_STATE = '6';

/**
 * Brings the derived rows of a database written before they existed (or under an older rule) up
 * to date, once: the column rules in one statement each, load intervals conversation by
 * conversation, then the packed statistics of conversations that have none, then the flags of
 * agents, groups and channels. At a million conversations this takes a few minutes, on the first
 * start after the upgrade (from version 5: under a second; from 6, the load intervals alone: 16 s at
 * 100,000 conversations, 247 s at a million, measured on the benchmark datasets).
 */
export function ensureDerived(db: Db, log: (message: string) => void = () => {}): void {
  if (getSetting(db, SETTING.derivedVersion) === DERIVED_VERSION) return;
  writeTransaction(db, () => {
    // Another connection may have done it while this one waited for the write lock.
    const version = getSetting(db, SETTING.derivedVersion);
    if (version === DERIVED_VERSION) return;
    const started = Date.now();
    const n = db.select({ n: count() }).from(conversations).get()?.n ?? 0;
    if (n > 0) log(`bringing derived rows up to date for ${n} conversations (once, after an upgrade; minutes at a million)…`);
    if (version === BEFORE_RECONCILED) refreshUnreconciled(db);
    else if (version === BEFORE_INITIAL_STATE || version === BEFORE_PACKED_STATISTICS || version === BEFORE_UNSENT_FLAGS) rebuildLoadIntervals(db);
    else rebuildHistoryRows(db);
    const packed = version === BEFORE_UNSENT_FLAGS || version === BEFORE_INITIAL_STATE || version === BEFORE_RECONCILED ? 0 : backfillPackedStatistics(db);
    const entities = version === BEFORE_INITIAL_STATE || version === BEFORE_RECONCILED ? 0 : restoreUnsentEntityFlags(db);
    setSetting(db, SETTING.derivedVersion, DERIVED_VERSION);
    // Rows rewritten without an event: a running server's figure caches must start over.
    countProjectionRebuild(db);
    if (n > 0) log(`derived rows brought up to date (${packed} conversations' statistics packed, ${entities} agents, groups and channels re-read) in ${Date.now() - started} ms`);
  });
}

/** Every derived row of the change history: stays, previous assignments, dimensions, load intervals. */
function rebuildHistoryRows(db: Db): void {
  staysStatement(db, null).run();
  previousAssignmentsStatement(db, null).run();
  for (const statement of dimensionStatements(db, null)) statement.run();
  rebuildLoadIntervals(db);
}

/**
 * The load intervals of the conversations whose history did not end where they stand, which is all
 * `reconciled` changes: an interval still open although the conversation is resolved, unassigned
 * or with another agent now, or a conversation counting now (an agent, not resolved) without an
 * open interval of that agent. Open intervals are few, and so are open conversations: found through
 * the index on the intervals' end and the conversations' status index (2.2 s at a million, on the
 * benchmark database), where rebuilding every conversation's took minutes.
 */
function refreshUnreconciled(db: Db): void {
  const i = agentLoadIntervals;
  const c = conversations;
  const stale = db
    .selectDistinct({ id: i.conversationId })
    .from(i)
    .innerJoin(c, eq(c.conversationId, i.conversationId))
    .where(and(isNull(i.toAt), or(eq(c.status, 'resolved'), isNull(c.assignedAgentId), ne(c.assignedAgentId, i.agentId))))
    .all();
  const openInterval = db
    .select({ one: sql`1` })
    .from(i)
    .where(and(eq(i.conversationId, c.conversationId), isNull(i.toAt), eq(i.agentId, c.assignedAgentId)));
  const missing = db
    .select({ id: c.conversationId })
    .from(c)
    // Not resolved, spelt as two ranges so that SQLite reads conversations_status_idx instead of
    // every conversation (33 ms against 15 s at a million).
    .where(and(isNotNull(c.assignedAgentId), or(isNull(c.status), lt(c.status, 'resolved'), gt(c.status, 'resolved')), notExists(openInterval)))
    .all();
  refreshLoadIntervalsOf(db, [...new Set([...stale, ...missing].map((row) => row.id))].sort());
}

/** These conversations' load intervals, from their history (refreshLoadIntervals), CHUNK at a time. */
function refreshLoadIntervalsOf(db: Db, ids: readonly string[]): void {
  const s = statementsFor(db);
  for (let k = 0; k < ids.length; k += CHUNK) refreshLoadIntervals(s, { ids: JSON.stringify(ids.slice(k, k + CHUNK)) });
}

/** Every conversation's load intervals, from its history (refreshLoadIntervals). */
function rebuildLoadIntervals(db: Db): void {
  db.delete(agentLoadIntervals).run();
  const candidates = db
    .selectDistinct({ id: conversations.conversationId })
    .from(conversations)
    .where(or(isNotNull(conversations.assignedAgentId), inArray(conversations.conversationId, db.select({ id: assignmentChanges.conversationId }).from(assignmentChanges).where(eq(assignmentChanges.kind, 'agent')))))
    .orderBy(asc(conversations.conversationId))
    .all()
    .map((row) => row.id);
  refreshLoadIntervalsOf(db, candidates);
}

/**
 * `statistics_packed` of the conversations stored before it existed, from their fourteen columns
 * (packStatistics, as ingest writes it). Read in pages of the primary key: a million rows do not
 * sit in memory at once. Returns how many were written.
 */
function backfillPackedStatistics(db: Db): number {
  const c = conversations;
  const statistics = Object.fromEntries(STATISTIC_KEYS.map((key) => [key, c[key]])) as { [K in StatisticKey]: (typeof c)[K] };
  const page = db
    .select({ id: c.conversationId, ...statistics })
    .from(c)
    .where(and(isNull(c.statisticsPacked), gt(c.conversationId, sql.placeholder('after'))))
    .orderBy(asc(c.conversationId))
    .limit(CHUNK * 10)
    .prepare();
  const update = db
    .update(c)
    .set({ statisticsPacked: sql`${sql.placeholder('packed')}` })
    .where(eq(c.conversationId, sql.placeholder('id')))
    .prepare();
  let written = 0;
  for (let after = ''; ; ) {
    const rows = page.all({ after });
    if (rows.length === 0) return written;
    for (const row of rows) update.run({ id: row.id, packed: packStatistics(row) });
    written += rows.length;
    after = rows[rows.length - 1]!.id;
  }
}
