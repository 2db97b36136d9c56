import { and, asc, count, eq, gt, inArray, isNotNull, lt, max, min, or, sql, type SQL } from 'drizzle-orm';
import { alias, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { writeTransaction, type Db } from '../../db/client';
import { agentLoadIntervals, assignmentChanges, conversations, statusTransitions } from '../../db/schema';
import { loadIntervals, type HistoryChange } from '../queries/load-timeline';
import { getSetting, SETTING, setSetting } from '../settings';

/**
 * Facts that depend on a conversation's whole history rather than on one event, kept current at
 * ingest so that pages read them instead of reconstructing them over every conversation of the
 * range on each view (at a million conversations that reconstruction took 1–2 s a page):
 *
 * - `status_transitions.next_at`: when each stay in a status ended (time in status);
 * - `agent_load_intervals`: when each conversation counted towards which agent (load over time);
 * - `assignment_changes.previous_assigned_at` / `previous_reassigned_at`: when the conversation was
 *   last (re)assigned before each change, so distinct conversations in a range are a plain count;
 * - `channel_id` and `source` on status transitions and assignment changes: the conversation's own,
 *   so the common filters need no lookup of each activity row's conversation.
 *
 * The rule is simple and exact: whenever a batch touches a conversation, its derived rows are
 * recomputed from its stored history (a handful of rows, through the per-conversation indexes),
 * inside the batch's transaction. So they equal what a full recomputation gives, whatever order
 * events arrived in, and reprojection (which goes through writeProjections) rebuilds them too.
 */

/** Conversations per statement: well under SQLite's and PostgreSQL's limits on bound parameters. */
const CHUNK = 500;

export function refreshDerived(db: Db, conversationIds: Iterable<string>): void {
  const ids = [...new Set(conversationIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    refreshStays(db, chunk);
    refreshPreviousAssignments(db, chunk);
    refreshDimensions(db, chunk);
    refreshLoadIntervals(db, chunk);
  }
}

/**
 * `next_at` of every transition of these conversations: the earliest of the conversation's
 * transitions strictly later (transitions at the same millisecond all end at the next later one).
 */
function refreshStays(db: Db, ids: readonly string[] | 'all'): void {
  const later = alias(statusTransitions, 'later');
  const nextAt = db
    .select({ at: min(later.at) })
    .from(later)
    .where(and(eq(later.conversationId, statusTransitions.conversationId), gt(later.at, statusTransitions.at)));
  // Only rows whose value changes are written: next_at is in the range index, and most of a
  // touched conversation's transitions keep theirs.
  const changed = sql`coalesce(${statusTransitions.nextAt}, -1) <> coalesce((${nextAt}), -1)`;
  db.update(statusTransitions)
    .set({ nextAt: sql`(${nextAt})` })
    .where(and(ids === 'all' ? undefined : inArray(statusTransitions.conversationId, [...ids]), changed))
    .run();
}

/**
 * `previous_assigned_at` and `previous_reassigned_at` of every assignment change of these
 * conversations: the time of the latest earlier change of the same kind (in at, then event
 * order) that assigned (`to_id` set), resp. reassigned (`from_id` and `to_id` set).
 */
function refreshPreviousAssignments(db: Db, ids: readonly string[] | 'all'): void {
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
          or(lt(earlier.at, a.at), and(eq(earlier.at, a.at), lt(earlier.eventId, a.eventId))),
          condition,
        ),
      )})`;
  const previousAssigned = latestEarlier(sql`${earlier.toId} is not null`);
  const previousReassigned = latestEarlier(sql`${earlier.fromId} is not null and ${earlier.toId} is not null`);
  const differs = (column: SQLiteColumn, value: SQL) => sql`coalesce(${column}, -1) <> coalesce(${value}, -1)`;
  db.update(a)
    .set({ previousAssignedAt: previousAssigned, previousReassignedAt: previousReassigned })
    .where(
      and(
        ids === 'all' ? undefined : inArray(a.conversationId, [...ids]),
        or(differs(a.previousAssignedAt, previousAssigned), differs(a.previousReassignedAt, previousReassigned)),
      ),
    )
    .run();
}

/** The conversation's current channel and source on each of its activity rows (only rows that differ are written). */
function refreshDimensions(db: Db, ids: readonly string[] | 'all'): void {
  for (const table of [statusTransitions, assignmentChanges]) {
    const differs = (a: SQLiteColumn, b: SQLiteColumn) => sql`coalesce(${a}, '') <> coalesce(${b}, '')`;
    // UPDATE … FROM (SQLite ≥ 3.33, PostgreSQL): one lookup of the conversation per row.
    db.update(table)
      .set({ channelId: sql`${conversations.channelId}`, source: sql`${conversations.source}` })
      .from(conversations)
      .where(
        and(
          eq(conversations.conversationId, table.conversationId),
          ids === 'all' ? undefined : inArray(table.conversationId, [...ids]),
          or(differs(table.channelId, conversations.channelId), differs(table.source, conversations.source)),
        ),
      )
      .run();
  }
}

/** The resolve and reopen transitions: the status changes that start or stop a conversation's load. */
const resolveOrReopen = or(eq(statusTransitions.toStatus, 'resolved'), eq(statusTransitions.fromStatus, 'resolved'));

/** The load intervals of these conversations, from their agent changes and resolves/reopens (load-timeline.ts has the rule). */
function refreshLoadIntervals(db: Db, ids: readonly string[]): void {
  db.delete(agentLoadIntervals).where(inArray(agentLoadIntervals.conversationId, ids)).run();
  const history = new Map<string, HistoryChange[]>();
  const add = (id: string, change: HistoryChange) => {
    const list = history.get(id);
    if (list) list.push(change);
    else history.set(id, [change]);
  };
  // Who held a conversation before its first recorded agent change: that change's `from`.
  const first = new Map<string, { at: number; eventId: number; fromId: string | null }>();
  const agentChanges = db
    .select({ id: assignmentChanges.conversationId, eventId: assignmentChanges.eventId, at: assignmentChanges.at, fromId: assignmentChanges.fromId, toId: assignmentChanges.toId })
    .from(assignmentChanges)
    .where(and(inArray(assignmentChanges.conversationId, ids), eq(assignmentChanges.kind, 'agent')))
    .all();
  for (const change of agentChanges) {
    const earliest = first.get(change.id);
    if (!earliest || change.at < earliest.at || (change.at === earliest.at && change.eventId < earliest.eventId)) first.set(change.id, change);
    add(change.id, { at: change.at, agentId: change.toId });
  }
  const statusChanges = db
    .select({ id: statusTransitions.conversationId, at: statusTransitions.at, toStatus: statusTransitions.toStatus })
    .from(statusTransitions)
    .where(and(inArray(statusTransitions.conversationId, ids), resolveOrReopen))
    .all();
  for (const change of statusChanges) add(change.id, { at: change.at, resolved: change.toStatus === 'resolved' });

  const rows: (typeof agentLoadIntervals.$inferInsert)[] = [];
  const snapshots = db
    .select({
      id: conversations.conversationId,
      createdAt: conversations.createdAt,
      agentId: conversations.assignedAgentId,
      channelId: conversations.channelId,
      source: conversations.source,
    })
    .from(conversations)
    .where(inArray(conversations.conversationId, ids))
    .all();
  for (const c of snapshots) {
    // A conversation created already assigned counts from its creation; without a recorded
    // creation (its create has not arrived), from before anything recorded.
    const initialAgentId = first.has(c.id) ? first.get(c.id)!.fromId : c.agentId;
    const since = c.createdAt ?? -Infinity;
    for (const i of loadIntervals(c.id, history.get(c.id) ?? [], { start: -Infinity, end: Infinity, initialAgentId, since })) {
      rows.push({
        conversationId: c.id,
        agentId: i.agentId,
        fromAt: Number.isFinite(i.from) ? i.from : null,
        toAt: Number.isFinite(i.to) ? i.to : null,
        channelId: c.channelId,
        source: c.source,
      });
    }
  }
  for (let i = 0; i < rows.length; i += CHUNK / 5) db.insert(agentLoadIntervals).values(rows.slice(i, i + CHUNK / 5)).run();
}

/** Bumped when a derived table gains a column or its rule changes: databases are brought up to date on open. */
export const DERIVED_VERSION = '4';

/**
 * Brings the derived rows of a database written before they existed (or under an older rule) up
 * to date, once: next_at in one statement, load intervals conversation by conversation. At a
 * million conversations this takes about a minute, on the first start after the upgrade.
 */
export function ensureDerived(db: Db, log: (message: string) => void = () => {}): void {
  if (getSetting(db, SETTING.derivedVersion) === DERIVED_VERSION) return;
  writeTransaction(db, () => {
    // Another connection may have done it while this one waited for the write lock.
    if (getSetting(db, SETTING.derivedVersion) === DERIVED_VERSION) return;
    const started = Date.now();
    const [{ n }] = [db.select({ n: count() }).from(conversations).get() ?? { n: 0 }];
    if (n > 0) log(`bringing derived rows up to date for ${n} conversations (once, after an upgrade; about 3 minutes a million)…`);
    refreshStays(db, 'all');
    refreshPreviousAssignments(db, 'all');
    refreshDimensions(db, 'all');
    db.delete(agentLoadIntervals).run();
    const candidates = db
      .selectDistinct({ id: conversations.conversationId })
      .from(conversations)
      .where(or(isNotNull(conversations.assignedAgentId), inArray(conversations.conversationId, db.select({ id: assignmentChanges.conversationId }).from(assignmentChanges).where(eq(assignmentChanges.kind, 'agent')))))
      .orderBy(asc(conversations.conversationId))
      .all()
      .map((row) => row.id);
    for (let i = 0; i < candidates.length; i += CHUNK) refreshLoadIntervals(db, candidates.slice(i, i + CHUNK));
    setSetting(db, SETTING.derivedVersion, DERIVED_VERSION);
    if (candidates.length > 0) log(`derived rows brought up to date for ${candidates.length} conversations in ${Date.now() - started} ms`);
  });
}
