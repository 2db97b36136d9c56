import * as z from 'zod';
import { STATISTIC_KEYS, type StatisticKey } from './statistics';

/**
 * The envelope a Freshworks serverless app receives for onConversationCreate and
 * onConversationUpdate, as documented in the Freshchat payload reference.
 *
 * Rules, so every field reads the same way:
 * - Only `event`, `data.conversation` and `data.conversation.conversation_id` are required.
 * - Every other documented field has its documented type, and may be absent or `null`:
 *   the platform omits fields and sends `null` freely (see shared/fixtures/README.md).
 * - Objects are loose: unknown fields are kept, never rejected, because the platform adds
 *   fields over time and the raw event must survive intact.
 * - Timestamps the projections compute with must be ISO 8601; other strings are not checked
 *   further, so a cosmetic field can never make a real event unreadable.
 */

/** 9999-12-31T23:59:59.999Z, the last instant an ISO 8601 timestamp of four-digit year can name. */
const LAST_EPOCH_MS = 253_402_300_799_999;

export const EVENT_NAMES = ['onConversationCreate', 'onConversationUpdate'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

const text = z.string().nullish();
const flag = z.boolean().nullish();
const integer = z.int().nullish();
const textList = z.array(z.string()).nullish();
const timestamp = z.iso
  .datetime({ offset: true, error: 'expected an ISO 8601 timestamp such as 2026-10-12T00:46:08.981Z' })
  .nullish();
const image = z.looseObject({ url: text }).nullish();

const actor = z.looseObject({
  id: text,
  type: text,
  first_name: text,
  last_name: text,
  email: text,
  phone: text,
  avatar: image,
});

const messagePart = z.looseObject({
  text: z.looseObject({ content: text }).nullish(),
  image,
  url_button: z.looseObject({ url: text, label: text, target: text }).nullish(),
  collection: z.looseObject({}).nullish(),
});

const message = z.looseObject({
  id: text,
  actor_id: text,
  actor_type: text,
  app_id: text,
  channel_id: text,
  conversation_id: text,
  created_time: timestamp,
  in_reply_to: text,
  interaction_id: text,
  is_agent_first_response: flag,
  is_agent_interim_first_response: flag,
  is_first_message: flag,
  message_parts: z.array(messagePart).nullish(),
  message_source: text,
  message_type: text,
  meta_data: z.looseObject({ isResolved: flag }).nullish(),
  org_actor_id: text,
  org_contact_id: text,
  response_due_type: text,
  status: text,
  stepId: text,
});

const statistics = z.looseObject(
  Object.fromEntries(STATISTIC_KEYS.map((key) => [key, z.number().nullish()])) as Record<
    StatisticKey,
    z.ZodOptional<z.ZodNullable<z.ZodNumber>>
  >,
);

const group = z.looseObject({
  id: text,
  name: text,
  account_alias: text,
  agent_uids: textList,
  agents: textList,
  automatic_agent_assignment: z
    .looseObject({ enabled: flag, type: text, settings: z.looseObject({}).nullish() })
    .nullish(),
  // Documented as a string, yet described as "details of the business hours": accept both shapes.
  business_calendar: z.union([z.string(), z.looseObject({})], { error: 'expected string or object' }).nullish(),
  chat_group_id: text,
  created_at: text,
  description: text,
  group_uid: z.unknown().optional(),
  internal_fields: text,
  is_deactivated: flag,
  org_group_id: text,
  routing_type: text,
  updated_at: text,
});

const agent = z.looseObject({
  id: text,
  agent_status: z.looseObject({ id: integer, name: text }).nullish(),
  app_id: text,
  availability_status: text,
  avatar: image,
  biography: text,
  created_time: text,
  email: text,
  first_name: text,
  freshid_group_ids: textList,
  freshid_uuid: text,
  groups: z.array(z.int()).nullish(),
  internal_fields: text,
  internalDBAppId: integer,
  internalId: text,
  is_deactivated: flag,
  is_deleted: flag,
  last_name: text,
  locale: text,
  login_status: flag,
  max_active_conv: integer,
  org_agent_id: text,
  org_contact_id: text,
  phone: text,
  role_id: text,
  role_name: text,
  skill_id: text,
  status: integer,
  timezone: text,
});

const channel = z.looseObject({
  id: text,
  name: text,
  assign_to_group: group.nullish(),
  configured_bot_details: text,
  enabled: flag,
  icon: image,
  locale: text,
  public: flag,
  tags: textList,
  updated_time: text,
  welcome_message: z.looseObject({}).nullish(),
});

const user = z.looseObject({
  id: text,
  avatar: image,
  created_time: text,
  email: text,
  first_name: text,
  last_name: text,
  login_status: flag,
  org_contact_id: text,
  phone: text,
  properties: z.array(z.looseObject({ name: text, value: text })).nullish(),
  reference_id: text,
  restore_id: text,
  social_profiles: z.array(z.looseObject({ id: integer, string: text })).nullish(),
  status: text,
  updated_time: text,
});

const associations = z.looseObject({
  agent: agent.nullish(),
  channel: channel.nullish(),
  group: group.nullish(),
  label_category: text,
  label_subcategory: text,
  user: user.nullish(),
});

/** `[old, new]`, as Freshchat reports a changed attribute. */
const idChange = z
  .tuple([z.string().nullable(), z.string().nullable()], { error: 'expected an [old, new] pair of strings or nulls' })
  .nullish();

const changes = z.looseObject({
  misc_changes: z.looseObject({}).nullish(),
  model_changes: z
    .looseObject({
      status: idChange,
      assigned_agent_id: idChange,
      assigned_group_id: idChange,
    })
    .nullish(),
  system_changes: z.looseObject({}).nullish(),
});

const conversation = z.looseObject({
  // Blank ("   ") says no more than empty: a row keyed by spaces would be a conversation nobody can name.
  conversation_id: z
    .string({ error: 'required: expected string' })
    .min(1, 'must not be empty')
    .regex(/^$|\S/, 'must not be blank')
    // "." and ".." are the two ids no link can name: browsers resolve them (even as %2E%2E) as
    // path steps, so /conversations/.. is the Overview. Freshchat's ids are UUIDs.
    .refine((id) => id !== '.' && id !== '..', 'must not be "." or ".."'),
  app_id: text,
  assigned_agent_id: text,
  assigned_group_id: text,
  assigned_org_agent_id: text,
  assigned_org_group_id: text,
  assigned_time: timestamp,
  channel_id: text,
  created_time: timestamp,
  do_not_auto_resolve: flag,
  first_agent_assigned_time: timestamp,
  first_group_assigned_time: timestamp,
  group_assigned_time: timestamp,
  is_offline: flag,
  label_category_id: text,
  label_subcategory_id: text,
  messages: z.array(message).nullish(),
  org_contact_id: text,
  reopened_time: timestamp,
  resolved_time: timestamp,
  response_due_type: text,
  source: text,
  statistics: statistics.nullish(),
  status: text,
  updated_time: timestamp,
  user_id: text,
  users: textList,
});

export const envelopeSchema = z.looseObject({
  event: z.enum(EVENT_NAMES),
  account_id: text,
  domain: text,
  region: text,
  /**
   * Epoch milliseconds of the event, set by the platform. The event's time when its conversation
   * has no `updated_time`, so checked like the ISO times: from 1970 to 9999-12-31 (1e300 was
   * stored as a time no page could draw).
   */
  timestamp: z
    .number()
    // Fractions are accepted (the demo generator's timestamps have them) and truncated when used.
    .refine((ms) => ms >= 0 && ms <= LAST_EPOCH_MS, {
      error: (issue) => `expected epoch milliseconds from 0 to ${LAST_EPOCH_MS} (9999-12-31), got ${String(issue.input)}`,
    })
    .nullish(),
  version: text,
  data: z.looseObject({
    actor: actor.nullish(),
    associations: associations.nullish(),
    changes: changes.nullish(),
    conversation,
  }),
  // Carries the installing account's app settings, its secrets among them. Accepted so a
  // forwarder may send the envelope untouched, and dropped before anything is stored.
  iparams: z.unknown().optional(),
});

export type Envelope = z.infer<typeof envelopeSchema>;
export type ConversationPayload = Envelope['data']['conversation'];
export type MessagePayload = NonNullable<ConversationPayload['messages']>[number];
export type AgentPayload = z.infer<typeof agent>;
export type GroupPayload = z.infer<typeof group>;
export type ChannelPayload = z.infer<typeof channel>;
export type ActorPayload = z.infer<typeof actor>;
