import * as z from 'zod';
import type { EventName } from '../events/schema';
import { STATISTICS, type StatisticKey } from '../events/statistics';
import { businessMsBetween, nextBusinessMoment } from '../time/business-hours';
import { isValidTimeZone, offsetMs } from '../time/zoned';
import { Occupancy, type Hold } from './occupancy';
import { buildOrganisation, type DemoAgent, type DemoChannel, type DemoGroup, type Organisation } from './organisation';
import { Random } from './random';

/**
 * Believable Freshchat conversation events, deterministic from a seed: what the first run shows,
 * what the benchmarks load and what `npm run simulate` streams. Envelopes come out exactly as
 * ingest accepts them (tests validate every one against the same zod schema).
 */
export const generatorOptionsSchema = z.object({
  seed: z.number().int().default(1),
  /** Days of history, ending at `end`. */
  days: z.number().int().min(1).max(3660).default(28),
  /** Average conversations created per day (weekdays get more, weekends fewer). */
  conversationsPerDay: z.number().min(0).max(100_000).default(150),
  agents: z.number().int().min(1).max(1000).default(14),
  groups: z.number().int().min(1).max(100).default(5),
  channels: z.number().int().min(1).max(100).default(6),
  sources: z.array(z.string().min(1)).min(1).default(['WEBCHAT', 'WHATSAPP', 'MOBILE', 'FACEBOOK_MESSENGER', 'SMS', 'LINE']),
  timezone: z.string().refine(isValidTimeZone, 'must be an IANA timezone such as Europe/Berlin').default('Europe/Berlin'),
  /** Epoch ms the history ends at (events after it have not happened yet). */
  end: z.number().int().optional(),
  accountId: z.string().default('acc-demo'),
  /** Shares of conversations that go through each detour, and of deliveries that misbehave. */
  reassignmentShare: z.number().min(0).max(1).default(0.2),
  groupReassignmentShare: z.number().min(0).max(1).default(0.06),
  unassignmentShare: z.number().min(0).max(1).default(0.06),
  reopenShare: z.number().min(0).max(1).default(0.1),
  outOfOrderShare: z.number().min(0).max(1).default(0.05),
  duplicateShare: z.number().min(0).max(1).default(0.03),
});
export type GeneratorOptions = z.input<typeof generatorOptionsSchema>;
type Options = z.output<typeof generatorOptionsSchema> & { end: number };

/** A generated envelope, as a forwarder would POST it. */
export type DemoEnvelope = {
  account_id: string;
  domain: string;
  event: EventName;
  region: string;
  timestamp: number;
  version: string;
  data: Record<string, unknown> & { conversation: Record<string, unknown> & { conversation_id: string } };
};

export const DEMO_DOMAIN = 'demo-support.freshchat.example';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEKDAY_FACTOR = [0.35, 1.2, 1.1, 1.05, 1.0, 0.9, 0.4]; // Sunday … Saturday
// Share of a day's conversations in each local hour: quiet nights, a morning peak, a long afternoon.
const HOUR_WEIGHT = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 4, 6, 7, 7, 6, 6.5, 7, 6.5, 6, 5, 4, 3.5, 3, 2.5, 2, 1.5];
const HOUR_TOTAL = HOUR_WEIGHT.reduce((a, b) => a + b, 0);
const SOURCE_WEIGHT: Record<string, number> = { WEBCHAT: 35, WHATSAPP: 25, MOBILE: 15, FACEBOOK_MESSENGER: 10, SMS: 8, LINE: 4 };
const OPENINGS = [
  'I cannot log in since this morning',
  'Where is my refund?',
  'How do I export my invoices?',
  'The app crashes when I upload a photo',
  '需要帮助',
  'Kann ich meinen Tarif wechseln?',
  '¿Dónde está mi pedido?',
  'Urgent: <b>payment failed</b> twice',
  'مرحبا، لدي سؤال عن الفاتورة',
];

/** Every envelope of the history, in delivery order (mostly by time; some late, some twice). */
export function* generateEvents(input: GeneratorOptions = {}): Generator<DemoEnvelope> {
  const options = { ...generatorOptionsSchema.parse(input), end: input.end ?? Date.now() } as Options;
  const rng = new Random(options.seed);
  const org = buildOrganisation(rng, options);
  const delivery = new Delivery(rng, options);
  const routing: Routing = { occupancy: new Occupancy(), agents: new Map(org.agents.map((a) => [a.id, a])) };
  const pending = new MinHeap<{ time: number; seq: number; envelope: DemoEnvelope }>((a, b) => a.time - b.time || a.seq - b.seq);
  let seq = 0;
  let n = 0;
  for (const createdAt of creationTimes(rng, options)) {
    // Everything due before this conversation starts can go out: later conversations start later still.
    while (pending.size > 0 && pending.peek()!.time <= createdAt) yield* delivery.send(pending.pop()!.envelope);
    routing.occupancy.forgetBefore(createdAt);
    for (const { time, envelope } of conversationLife(rng, org, routing, options, createdAt, n++)) pending.push({ time, seq: seq++, envelope });
  }
  while (pending.size > 0) yield* delivery.send(pending.pop()!.envelope);
  yield* delivery.drain();
}

/** The organisation a seed produces (the same one generateEvents uses). */
export function demoOrganisation(input: GeneratorOptions = {}): Organisation {
  const options = generatorOptionsSchema.parse(input);
  return buildOrganisation(new Random(options.seed), options);
}

/** Creation times, hour by hour, following the weekday and hour-of-day pattern in the configured timezone. */
function* creationTimes(rng: Random, options: Options): Generator<number> {
  const endHour = Math.floor(options.end / HOUR) * HOUR;
  for (let hour = endHour - options.days * DAY; hour < endHour; hour += HOUR) {
    const local = new Date(hour + localOffset(hour, options.timezone));
    const expected = options.conversationsPerDay * WEEKDAY_FACTOR[local.getUTCDay()]! * (HOUR_WEIGHT[local.getUTCHours()]! / HOUR_TOTAL);
    const times = Array.from({ length: rng.poisson(expected) }, () => hour + Math.floor(rng.next() * HOUR));
    yield* times.sort((a, b) => a - b);
  }
}

const offsetCache = new Map<string, number>();
function localOffset(ms: number, timeZone: string): number {
  // Offsets only change at DST boundaries: caching per UTC day is exact enough for traffic shape.
  const key = `${timeZone}|${Math.floor(ms / DAY)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    offset = offsetMs(ms, timeZone);
    offsetCache.set(key, offset);
  }
  return offset;
}

type Message = Record<string, unknown> & { created_time: string };

/** What routing consults: who holds what when (every earlier conversation's life), and each agent's capacity. */
type Routing = { occupancy: Occupancy; agents: Map<string, DemoAgent> };

type State = {
  status: 'new' | 'assigned' | 'resolved';
  groupId: string | null;
  agentId: string | null;
  assignedAt: number | null;
  groupAssignedAt: number | null;
  firstGroupAt: number | null;
  firstAgentAt: number | null;
  resolvedAt: number | null;
  reopenedAt: number | null;
  statistics: Record<StatisticKey, number | null> | null;
  messages: Message[];
};

/** One conversation, from creation to its last resolution: the events that happened before `end`. */
function conversationLife(rng: Random, org: Organisation, routing: Routing, options: Options, t0: number, n: number): { time: number; envelope: DemoEnvelope }[] {
  const channel = rng.weighted(org.channels, (c) => c.weight);
  const source = rng.weighted(options.sources, (s) => SOURCE_WEIGHT[s] ?? 5);
  const conversationId = rng.uuid();
  const user = { id: rng.uuid(), first_name: rng.pick(['Sam', 'Alex', 'Renée', 'Kai', 'Noor', 'Zoë', 'Lin', 'Ada']), last_name: 'Customer', n };
  const groupOf = (id: string) => org.groups.find((g) => g.id === id)!;
  const agentOf = (id: string) => routing.agents.get(id)!;
  let group = groupOf(channel.groupId);
  const calendar = group.calendar;
  const events: { time: number; envelope: DemoEnvelope }[] = [];
  const state: State = {
    status: 'new',
    groupId: null,
    agentId: null,
    assignedAt: null,
    groupAssignedAt: null,
    firstGroupAt: null,
    firstAgentAt: null,
    resolvedAt: null,
    reopenedAt: null,
    statistics: null,
    messages: [],
  };
  const message = (time: number, actor: 'user' | 'agent', extra: Record<string, unknown> = {}): Message => ({
    id: rng.uuid(),
    actor_id: actor === 'user' ? user.id : state.agentId,
    actor_type: actor,
    app_id: org.appId,
    channel_id: channel.id,
    conversation_id: conversationId,
    created_time: new Date(time).toISOString(),
    message_type: 'normal',
    message_source: actor === 'user' ? 'web' : 'api',
    message_parts: [{ text: { content: actor === 'user' ? rng.pick(OPENINGS) : 'Thanks for reaching out, let me look into it.' } }],
    ...extra,
  });
  const emit = (time: number, event: EventName, actor: Record<string, unknown>, modelChanges: Record<string, [unknown, unknown]> | null) => {
    if (time > options.end) return; // not happened yet: the conversation is still open at `end`
    events.push({ time, envelope: envelope(org, options, channel, source, user, conversationId, state, time, event, actor, modelChanges, groupOf, agentOf) });
  };
  const system = { id: 'system', type: 'system', first_name: 'IntelliAssign' };
  const agentActor = (id: string) => {
    const a = agentOf(id);
    return { id: a.id, first_name: a.firstName, last_name: a.lastName, email: `${a.firstName.toLowerCase()}@demo-support.example`, type: 'agent' };
  };
  const userActor = { id: user.id, first_name: user.first_name, last_name: user.last_name, email: `user${n}@customer.test`, phone: `+1555${String(n).padStart(7, '0')}`, type: 'user' };
  /**
   * Automatic assignment: among the group's agents (but `not`), the one with room at `time`, the
   * least loaded for their capacity first; when all are full, whoever has room first, and the
   * conversation waits in the queue until then.
   */
  const route = (g: DemoGroup, not: string | null, time: number): { agentId: string; at: number } => {
    const others = g.agentIds.filter((id) => id !== not);
    const candidates = others.length > 0 ? others : [g.agentIds[0] ?? org.agents[0]!.id];
    let best: string[] = [];
    let bestAt = Infinity;
    let bestLoad = Infinity;
    for (const id of candidates) {
      const capacity = agentOf(id).maxActiveConv;
      const free = routing.occupancy.freeFrom(id, time, capacity);
      const [at, load] = [free.at, free.load / capacity];
      if (at < bestAt || (at === bestAt && load < bestLoad)) [best, bestAt, bestLoad] = [[id], at, load];
      else if (at === bestAt && load === bestLoad) best.push(id);
    }
    return { agentId: rng.pick(best), at: bestAt };
  };
  // Who held this conversation from when to when: added to the occupancy once the life is complete.
  const holds: Hold[] = [];
  let heldSince: number | null = null;
  const release = (time: number) => {
    if (state.agentId !== null && heldSince !== null) holds.push({ agentId: state.agentId, from: heldSince, to: time });
    heldSince = null;
  };
  const assignGroup = (time: number, g: DemoGroup) => {
    const before = state.groupId;
    state.groupId = g.id;
    state.groupAssignedAt = time;
    state.firstGroupAt ??= time;
    state.assignedAt = time;
    emit(time, 'onConversationUpdate', system, { assigned_group_id: [before, g.id] });
  };
  const assignAgent = (time: number, agentId: string, actor: Record<string, unknown>) => {
    const before = state.agentId;
    const beforeStatus = state.status;
    release(time);
    heldSince = time;
    state.agentId = agentId;
    state.status = 'assigned';
    state.firstAgentAt ??= time;
    state.assignedAt = time;
    emit(time, 'onConversationUpdate', actor, {
      assigned_agent_id: [before, agentId],
      ...(beforeStatus !== 'assigned' ? { status: [beforeStatus, 'assigned'] } : {}),
    });
  };

  // Work that waits for opening time does not all happen at 09:00:00.000: spread it over the first hour.
  const atWork = (time: number) => {
    const next = nextBusinessMoment(time, calendar);
    return next === time ? time : next + rng.exponential(20 * MINUTE);
  };

  // 1. The customer writes in.
  state.messages.push(message(t0, 'user', { is_first_message: true }));
  emit(t0, 'onConversationCreate', userActor, null);

  // 2. Routing assigns the topic's group within minutes.
  let t = t0 + MINUTE + rng.exponential(3 * MINUTE);
  assignGroup(t, group);

  // 3. An agent picks it up once someone is at work.
  t = atWork(t + rng.exponential(12 * MINUTE)) + rng.exponential(8 * MINUTE);
  const first = route(group, null, t);
  t = first.at;
  assignAgent(t, first.agentId, rng.chance(0.7) ? system : agentActor(first.agentId));

  // 4. The first response (a message: no event of its own; later events carry it).
  const firstResponseAt = atWork(t + rng.logNormal(10 * MINUTE, 0.9));
  state.messages.push(message(firstResponseAt, 'agent', { is_agent_first_response: true }));
  t = firstResponseAt;

  let groupReassignAt: number | null = null;
  let agentReassignAt: number | null = null;
  if (rng.chance(options.groupReassignmentShare) && org.groups.length > 1) {
    // 5a. Wrong team: moved to another group, back in the queue, then picked up there.
    t = atWork(t + rng.exponential(40 * MINUTE));
    groupReassignAt = t;
    const from = state.agentId;
    const next = rng.pick(org.groups.filter((g) => g.id !== group.id));
    release(t);
    state.agentId = null;
    state.status = 'new';
    state.groupId = next.id;
    state.groupAssignedAt = t;
    state.assignedAt = t;
    emit(t, 'onConversationUpdate', agentActor(from!), { assigned_group_id: [group.id, next.id], assigned_agent_id: [from, null], status: ['assigned', 'new'] });
    group = next;
    const routed = route(group, from, atWork(t + rng.exponential(20 * MINUTE)));
    t = routed.at;
    assignAgent(t, routed.agentId, system);
  }
  if (rng.chance(options.reassignmentShare)) {
    // 5b. Handed over to a colleague in the same group.
    t = atWork(t + rng.exponential(50 * MINUTE));
    const from = state.agentId!;
    // The colleague takes it over once they have room; until then it stays with its agent.
    const routed = route(group, from, t);
    t = routed.at;
    agentReassignAt = t;
    assignAgent(t, routed.agentId, rng.chance(0.5) ? agentActor(from) : system);
  }
  if (rng.chance(options.unassignmentShare)) {
    // 5c. Dropped back to the unassigned queue, then routed again.
    t = atWork(t + rng.exponential(60 * MINUTE));
    const from = state.agentId;
    const fromGroup = state.groupId;
    release(t);
    state.agentId = null;
    state.groupId = null;
    state.status = 'new';
    emit(t, 'onConversationUpdate', agentActor(from!), { assigned_agent_id: [from, null], assigned_group_id: [fromGroup, null], status: ['assigned', 'new'] });
    t += rng.exponential(45 * MINUTE);
    assignGroup(t, group);
    const routed = route(group, from, atWork(t + rng.exponential(20 * MINUTE)));
    t = routed.at;
    assignAgent(t, routed.agentId, system);
  }

  // 6. Resolution, and now and then a reopen and a second resolution.
  const resolve = (time: number) => {
    state.status = 'resolved';
    state.resolvedAt = time;
    release(time);
    state.statistics = statistics(t0, firstResponseAt, time, state, groupReassignAt, agentReassignAt, calendar);
    emit(time, 'onConversationUpdate', agentActor(state.agentId!), { status: ['assigned', 'resolved'] });
  };
  t = atWork(t + rng.logNormal(2.5 * HOUR, 1.1));
  state.messages.push(message(t - rng.int(1, 20) * MINUTE, 'user'));
  resolve(t);
  if (rng.chance(options.reopenShare)) {
    t += rng.exponential(18 * HOUR);
    state.messages.push(message(t, 'user'));
    state.status = 'assigned';
    state.reopenedAt = t;
    state.resolvedAt = null;
    // Back to the agent who resolved it, whatever they hold now.
    heldSince = t;
    emit(t, 'onConversationUpdate', userActor, { status: ['resolved', 'assigned'] });
    resolve(atWork(t + rng.logNormal(1.5 * HOUR, 1)));
  }
  for (const hold of holds) routing.occupancy.add(hold);
  return events;
}

/** Statistics in hours, from the conversation's own timestamps; business hours clipped to the group's calendar. */
function statistics(
  createdAt: number,
  firstResponseAt: number,
  resolvedAt: number,
  state: State,
  groupReassignAt: number | null,
  agentReassignAt: number | null,
  calendar: DemoGroup['calendar'],
): Record<StatisticKey, number | null> {
  const intervals: Record<(typeof STATISTICS)[number], [number, number] | null> = {
    first_response_time: [state.firstAgentAt!, firstResponseAt],
    resolution_time: [createdAt, resolvedAt],
    wait_time: [createdAt, firstResponseAt],
    first_agent_assignment_time: [createdAt, state.firstAgentAt!],
    first_group_assignment_time: [createdAt, state.firstGroupAt!],
    agent_reassignment_time: agentReassignAt === null ? null : [state.firstAgentAt!, agentReassignAt],
    group_reassignment_time: groupReassignAt === null ? null : [state.firstGroupAt!, groupReassignAt],
  };
  const hours = (ms: number) => Math.round((Math.max(0, ms) / HOUR) * 100) / 100;
  const out = {} as Record<StatisticKey, number | null>;
  for (const name of STATISTICS) {
    const interval = intervals[name];
    out[`${name}_bhrs`] = interval ? hours(businessMsBetween(interval[0], interval[1], calendar)) : null;
    out[`${name}_chrs`] = interval ? hours(interval[1] - interval[0]) : null;
  }
  return out;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function groupPayload(g: DemoGroup) {
  return {
    id: g.id,
    name: g.name,
    routing_type: g.routingType,
    is_deactivated: false,
    description: `${g.name} team`,
    agents: g.agentIds,
    automatic_agent_assignment: { enabled: g.routingType !== 'DISABLED', type: 'round_robin', settings: {} },
    business_calendar: { timezone: g.calendar.timezone, working_days: g.calendar.days, open: g.calendar.open, close: g.calendar.close },
  };
}

function agentPayload(a: DemoAgent, appId: string) {
  return {
    id: a.id,
    first_name: a.firstName,
    last_name: a.lastName,
    email: `${a.firstName.toLowerCase()}@demo-support.example`,
    app_id: appId,
    availability_status: a.available ? 'AVAILABLE' : 'UNAVAILABLE',
    avatar: { url: null },
    groups: [],
    freshid_group_ids: a.groupIds,
    max_active_conv: a.maxActiveConv,
    role_id: 'AGENT',
    role_name: 'Agent',
    is_deactivated: false,
    is_deleted: false,
    login_status: a.available,
    locale: 'en',
    timezone: a.timezone,
    status: a.available ? 0 : 1,
  };
}

function envelope(
  org: Organisation,
  options: Options,
  channel: DemoChannel,
  source: string,
  user: { id: string; first_name: string; last_name: string; n: number },
  conversationId: string,
  state: State,
  time: number,
  event: EventName,
  actor: Record<string, unknown>,
  modelChanges: Record<string, [unknown, unknown]> | null,
  groupOf: (id: string) => DemoGroup,
  agentOf: (id: string) => DemoAgent,
): DemoEnvelope {
  const isCreate = event === 'onConversationCreate';
  const routedGroup = groupOf(channel.groupId);
  const associations: Record<string, unknown> = isCreate
    ? {}
    : {
        channel: {
          id: channel.id,
          name: channel.name,
          enabled: true,
          public: true,
          locale: 'en',
          tags: [channel.tag],
          assign_to_group: groupPayload(routedGroup),
        },
        ...(state.groupId ? { group: groupPayload(groupOf(state.groupId)) } : {}),
        ...(state.agentId ? { agent: agentPayload(agentOf(state.agentId), org.appId) } : {}),
        user: { id: user.id, first_name: user.first_name, last_name: user.last_name, status: 'active' },
      };
  const conversation: Record<string, unknown> & { conversation_id: string } = {
    conversation_id: conversationId,
    app_id: org.appId,
    channel_id: channel.id,
    user_id: user.id,
    created_time: state.messages[0]!.created_time,
    updated_time: iso(time),
    status: state.status,
    source,
    assigned_group_id: state.groupId,
    assigned_agent_id: state.agentId,
    assigned_time: iso(state.assignedAt),
    reopened_time: iso(state.reopenedAt),
    resolved_time: iso(state.resolvedAt),
    response_due_type: state.status === 'resolved' ? 'NO_RESPONSE_DUE' : 'FIRST_RESPONSE_DUE',
    messages: state.messages.filter((m) => Date.parse(m.created_time) <= time),
    ...(state.firstGroupAt !== null ? { first_group_assigned_time: iso(state.firstGroupAt), group_assigned_time: iso(state.groupAssignedAt) } : {}),
    ...(state.firstAgentAt !== null ? { first_agent_assigned_time: iso(state.firstAgentAt) } : {}),
    ...(state.statistics ? { statistics: { ...state.statistics } } : {}),
  };
  return {
    account_id: options.accountId,
    domain: DEMO_DOMAIN,
    event,
    region: 'EU',
    timestamp: time,
    version: '1.0.0',
    data: {
      actor,
      associations,
      conversation,
      ...(modelChanges ? { changes: { misc_changes: null, model_changes: modelChanges, system_changes: null } } : {}),
    },
  };
}

/** How real forwarders deliver: mostly in order, a share late (a few deliveries behind), a share twice. */
class Delivery {
  private held: { envelope: DemoEnvelope; after: number }[] = [];

  constructor(
    private readonly rng: Random,
    private readonly options: Options,
  ) {}

  *send(envelope: DemoEnvelope): Generator<DemoEnvelope> {
    if (this.rng.chance(this.options.outOfOrderShare)) this.held.push({ envelope, after: this.rng.int(1, 25) });
    else yield envelope;
    if (this.rng.chance(this.options.duplicateShare)) this.held.push({ envelope, after: this.rng.int(1, 50) });
    for (const h of this.held) h.after -= 1;
    const due = this.held.filter((h) => h.after <= 0);
    if (due.length > 0) {
      this.held = this.held.filter((h) => h.after > 0);
      for (const h of due) yield h.envelope;
    }
  }

  *drain(): Generator<DemoEnvelope> {
    for (const h of this.held) yield h.envelope;
    this.held = [];
  }
}

/** A binary min-heap: the generator's queue of future events, ordered by time. */
class MinHeap<T> {
  private items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => number) {}
  get size(): number {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.less(a[i]!, a[parent]!) >= 0) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
