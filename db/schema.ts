import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { EVENT_NAMES } from '../lib/events/schema';
import { STATISTIC_KEYS, type StatisticKey } from '../lib/events/statistics';

/**
 * Storage, in two layers:
 * - `events` is the source of truth: every accepted envelope, raw (without `iparams`), append-only.
 * - everything else is a projection of `events`, rebuilt by `npm run db:reproject`.
 *
 * Conventions: times are epoch milliseconds (UTC) in integer columns, so ranges and buckets are
 * plain integer arithmetic on any database; ids are Freshchat's own strings. Snapshot rows carry a
 * `version`, a string that sorts like the event that wrote them (see lib/projection/version.ts):
 * a row is only overwritten by a later version, which makes the result independent of arrival order.
 */

const epochMs = (name: string) => integer(name);
const bool = (name: string) => integer(name, { mode: 'boolean' });

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Hash of the stored payload: the same event delivered twice has the same key. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    event: text('event', { enum: EVENT_NAMES }).notNull(),
    conversationId: text('conversation_id').notNull(),
    /** conversation.updated_time, else the envelope timestamp, else the receipt time. */
    eventTime: epochMs('event_time').notNull(),
    receivedAt: epochMs('received_at').notNull(),
    accountId: text('account_id'),
    /** The envelope as received, minus `iparams`, as JSON text. */
    payload: text('payload').notNull(),
  },
  // Each index costs every ingest a page write; receipt order needs none (ids grow with receipt).
  (t) => [index('events_conversation_idx').on(t.conversationId, t.eventTime)],
);

const statisticColumns = Object.fromEntries(STATISTIC_KEYS.map((key) => [key, real(key)])) as {
  [K in StatisticKey]: ReturnType<typeof real>;
};

export const conversations = sqliteTable(
  'conversations',
  {
    conversationId: text('conversation_id').primaryKey(),
    accountId: text('account_id'),
    appId: text('app_id'),
    channelId: text('channel_id'),
    userId: text('user_id'),
    source: text('source'),
    status: text('status'),
    assignedGroupId: text('assigned_group_id'),
    assignedAgentId: text('assigned_agent_id'),
    responseDueType: text('response_due_type'),
    labelCategoryId: text('label_category_id'),
    labelSubcategoryId: text('label_subcategory_id'),
    labelCategory: text('label_category'),
    labelSubcategory: text('label_subcategory'),
    createdAt: epochMs('created_at'),
    updatedAt: epochMs('updated_at'),
    assignedAt: epochMs('assigned_at'),
    groupAssignedAt: epochMs('group_assigned_at'),
    firstGroupAssignedAt: epochMs('first_group_assigned_at'),
    firstAgentAssignedAt: epochMs('first_agent_assigned_at'),
    resolvedAt: epochMs('resolved_at'),
    reopenedAt: epochMs('reopened_at'),
    /** Version of the event whose snapshot these columns hold: the latest `updated_time`. */
    version: text('version').notNull(),
    /** Whether onConversationCreate has arrived (an update may come first). */
    createSeen: bool('create_seen').notNull().default(false),
    /** Counts from the change history, independent of which snapshot is current. */
    reopenCount: integer('reopen_count').notNull().default(0),
    agentReassignmentCount: integer('agent_reassignment_count').notNull().default(0),
    groupReassignmentCount: integer('group_reassignment_count').notNull().default(0),
    unassignmentCount: integer('unassignment_count').notNull().default(0),
    /** Statistics, in hours, from the latest event that carried a `statistics` object. */
    ...statisticColumns,
    statisticsVersion: text('statistics_version'),
    /** The same statistics packed as one text (packStatistics), for reading a range's values in bulk. */
    statisticsPacked: text('statistics_packed'),
  },
  // Every conversation upsert rewrites each index: keep only what the range and "open now" queries need.
  (t) => [
    // The range index is covering: every column the analytic pages read of the conversations
    // created in a range (the filters' dimensions, the reopen count, the statistics, packed too),
    // so those pages scan one dense index instead of a wide row each (at 1M, a month: the
    // statistics read 150 → 112 ms before it read the packed copy, the flow 87 → 60 ms). The
    // price: every upsert rewrites the entry, about 4 % of ingest's CPU (README, "Benchmarks").
    index('conversations_range_idx').on(
      t.createdAt,
      t.channelId,
      t.source,
      t.assignedGroupId,
      t.assignedAgentId,
      t.status,
      t.reopenCount,
      ...STATISTIC_KEYS.map((key) => t[key]),
      t.statisticsPacked,
    ),
    // The state now (Agent load, live tiles): open conversations by agent, waiting and open ones by
    // group, with the channel and source filters, read from this index alone. With (status, agent)
    // only, the per-group counts read a wide row for every open or waiting conversation: at 1M
    // (3,284 of them), 3.1 ms of the Agent load page's main thread, against 1.0 now.
    index('conversations_status_idx').on(t.status, t.assignedAgentId, t.assignedGroupId, t.channelId, t.source),
  ],
);

/**
 * The conversation's channel and source on each of its activity rows, copied from the conversation
 * (lib/projection/derived.ts keeps them equal to its current values). The two never change in a
 * conversation's life, and the channel and source filters are the common ones: with them on the
 * row, filtered activity figures read the range index alone instead of looking up every row's
 * conversation (a month at a million conversations: 2.3 s for the Transitions page).
 */
const conversationDimensions = () => ({ channelId: text('channel_id'), source: text('source') });

/** Every status change: `changes.model_changes.status`, plus `null → new` for onConversationCreate. */
export const statusTransitions = sqliteTable(
  'status_transitions',
  {
    eventId: integer('event_id')
      .primaryKey()
      .references(() => events.id),
    conversationId: text('conversation_id').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    at: epochMs('at').notNull(),
    actorId: text('actor_id'),
    actorType: text('actor_type'),
    /**
     * When the conversation's next transition happened (its first one later than `at`): the end
     * of the stay this transition began; null while the conversation is still in `to_status`.
     * Derived at ingest (lib/projection/derived.ts), so time in status is read, not searched for.
     */
    nextAt: epochMs('next_at'),
    ...conversationDimensions(),
  },
  // The range index carries the columns the Transitions page groups and measures by, so a month of
  // a large team (a few hundred thousand rows) is read from the index alone (2–3× faster, measured).
  (t) => [
    index('status_transitions_conversation_idx').on(t.conversationId, t.at),
    index('status_transitions_at_covering_idx').on(t.at, t.toStatus, t.fromStatus, t.nextAt, t.channelId, t.source),
  ],
);

export const ASSIGNMENT_KINDS = ['agent', 'group'] as const;

/** Every change of assigned agent or group, unassignment (to `null`) included. */
export const assignmentChanges = sqliteTable(
  'assignment_changes',
  {
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id),
    kind: text('kind', { enum: ASSIGNMENT_KINDS }).notNull(),
    conversationId: text('conversation_id').notNull(),
    fromId: text('from_id'),
    toId: text('to_id'),
    at: epochMs('at').notNull(),
    actorId: text('actor_id'),
    actorType: text('actor_type'),
    ...conversationDimensions(),
    /**
     * When the conversation's previous assignment (of the same kind, `to_id` set) happened, and its
     * previous reassignment (`from_id` and `to_id` set), in (at, event) order; null: none before.
     * Derived (lib/projection/derived.ts): "conversations assigned in the range" is then a count of
     * rows whose previous assignment is before the range, not a distinct count over the range.
     */
    previousAssignedAt: epochMs('previous_assigned_at'),
    previousReassignedAt: epochMs('previous_reassigned_at'),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.kind] }),
    index('assignment_changes_conversation_idx').on(t.conversationId, t.at),
    // Covering, as for status transitions: the Assignments page's figures read the index alone.
    index('assignment_changes_range_idx').on(t.at, t.kind, t.fromId, t.toId, t.conversationId, t.channelId, t.source, t.previousAssignedAt, t.previousReassignedAt),
  ],
);

/**
 * The intervals in which a conversation counted towards an agent's load (lib/queries/load-timeline.ts
 * has the rule): derived at ingest from the conversation's assignment and status history
 * (lib/projection/derived.ts), so the load chart reads the intervals that overlap its range
 * instead of rebuilding every conversation's history on each view. `from_at` null: since before
 * anything recorded (a conversation whose creation has not arrived); `to_at` null: still counting.
 */
export const agentLoadIntervals = sqliteTable(
  'agent_load_intervals',
  {
    conversationId: text('conversation_id').notNull(),
    agentId: text('agent_id').notNull(),
    fromAt: epochMs('from_at'),
    toAt: epochMs('to_at'),
    ...conversationDimensions(),
  },
  (t) => [
    index('agent_load_intervals_conversation_idx').on(t.conversationId),
    // Covering: the load chart reads the intervals of its range from the index alone, filtered by channel and source too.
    index('agent_load_intervals_range_idx').on(t.toAt, t.fromAt, t.agentId, t.channelId, t.source, t.conversationId),
  ],
);

export const agents = sqliteTable('agents', {
  id: text('id').primaryKey(),
  /** First and last name as one display name. */
  name: text('name'),
  maxActiveConv: integer('max_active_conv'),
  availabilityStatus: text('availability_status'),
  loginStatus: bool('login_status'),
  isDeactivated: bool('is_deactivated'),
  isDeleted: bool('is_deleted'),
  roleId: text('role_id'),
  timezone: text('timezone'),
  /** JSON array of the group ids the agent belongs to (`freshid_group_ids`). */
  groupIds: text('group_ids'),
  version: text('version').notNull(),
});

export const groups = sqliteTable('groups', {
  id: text('id').primaryKey(),
  name: text('name'),
  routingType: text('routing_type'),
  isDeactivated: bool('is_deactivated'),
  autoAssignmentEnabled: bool('auto_assignment_enabled'),
  /** JSON of `business_calendar` as sent. */
  businessCalendar: text('business_calendar'),
  /** JSON array of the group's agent ids (its `agents` list). */
  agentIds: text('agent_ids'),
  version: text('version').notNull(),
});

/** Freshchat calls them channels in the API and topics in the product. */
export const channels = sqliteTable('channels', {
  id: text('id').primaryKey(),
  name: text('name'),
  enabled: bool('enabled'),
  isPublic: bool('public'),
  locale: text('locale'),
  /** JSON array of tags. */
  tags: text('tags'),
  assignToGroupId: text('assign_to_group_id'),
  version: text('version').notNull(),
});

/**
 * Every conversation source any event carried (WEBCHAT, WHATSAPP, …), for the filter bar: a few
 * rows, where `select distinct source from conversations` would read every conversation on every page.
 */
export const sources = sqliteTable('sources', {
  name: text('name').primaryKey(),
});

/**
 * Message metadata only: no text, no contact details. A message's metadata does not change, and
 * every later event repeats it; so the *earliest* version wins here, which in the usual in-order
 * delivery means one write per message rather than one per event. Its flags are merged from every
 * copy instead: only updates' copies carry them (write-projections.ts, upsertMessageStatement).
 */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id').notNull(),
    actorId: text('actor_id'),
    actorType: text('actor_type'),
    messageType: text('message_type'),
    messageSource: text('message_source'),
    createdAt: epochMs('created_at'),
    isFirstMessage: bool('is_first_message'),
    isAgentFirstResponse: bool('is_agent_first_response'),
    isAgentInterimFirstResponse: bool('is_agent_interim_first_response'),
    inReplyTo: text('in_reply_to'),
    interactionId: text('interaction_id'),
    version: text('version').notNull(),
  },
  (t) => [index('messages_conversation_idx').on(t.conversationId, t.createdAt)],
);

/** Small facts about this installation (whether demo data was loaded, a generated ingest token). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Running totals kept in the transactions that change them, so /api/health answers without
 * counting: `events` (+ accepted at ingest, − removed with the demo data). Counting 4.7M events
 * read an index entry of each, 0.2 s on a warm cache and 8.7 s on a cold one, on every health
 * check and before the first one a server started could answer.
 */
export const counters = sqliteTable('counters', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
});

export type EventRow = typeof events.$inferSelect;
export type NewEvent = typeof events.$inferInsert;
export type ConversationRow = typeof conversations.$inferSelect;
export type NewConversation = typeof conversations.$inferInsert;
export type NewStatusTransition = typeof statusTransitions.$inferInsert;
export type NewAssignmentChange = typeof assignmentChanges.$inferInsert;
export type NewAgent = typeof agents.$inferInsert;
export type NewGroup = typeof groups.$inferInsert;
export type NewChannel = typeof channels.$inferInsert;
export type NewMessage = typeof messages.$inferInsert;

/** The tables `npm run db:reproject` rebuilds from `events`, children before parents. */
export const projectionTables = [
  agentLoadIntervals,
  sources,
  statusTransitions,
  assignmentChanges,
  messages,
  conversations,
  agents,
  groups,
  channels,
] as const;

/**
 * The ingest log (lib/ingest/ingest-log.ts): per-minute counters of POST /api/events, aggregated
 * in memory and flushed every few seconds, so a request never waits for a write of its own.
 * Kept 30 days.
 */
export const ingestMinutes = sqliteTable('ingest_minutes', {
  /** Start of the minute, epoch ms (UTC). */
  minute: epochMs('minute').primaryKey(),
  requests: integer('requests').notNull().default(0),
  eventsAccepted: integer('events_accepted').notNull().default(0),
  duplicates: integer('duplicates').notNull().default(0),
  /** Items that failed validation (in 200 answers and in 400 "no valid event" answers). */
  eventsRejected: integer('events_rejected').notNull().default(0),
  /** Requests answered with an error status, by status. */
  status400: integer('status_400').notNull().default(0),
  status401: integer('status_401').notNull().default(0),
  status413: integer('status_413').notNull().default(0),
  status415: integer('status_415').notNull().default(0),
  status503: integer('status_503').notNull().default(0),
});

/** The latest rejected requests and items (the newest 100 are kept): why, never what was sent. */
export const ingestRejections = sqliteTable('ingest_rejections', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: epochMs('at').notNull(),
  status: integer('status').notNull(),
  /** The answer's error message, cut before anything quoted from the body. */
  error: text('error'),
  rejectedItems: integer('rejected_items').notNull().default(0),
  /** JSON array of the first issues: `{index, path, message}`, quoted values removed. */
  issues: text('issues').notNull().default('[]'),
});

export type IngestMinuteRow = typeof ingestMinutes.$inferSelect;
export type IngestRejectionRow = typeof ingestRejections.$inferSelect;
export type NewIngestRejection = typeof ingestRejections.$inferInsert;
