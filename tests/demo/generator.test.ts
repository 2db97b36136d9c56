import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { demoOrganisation, generateEvents, type DemoEnvelope } from '@/lib/demo/generator';
import { STATISTIC_KEYS } from '@/lib/events/statistics';
import { validateEnvelope } from '@/lib/events/validate';
import { zonedParts } from '@/lib/time/zoned';

const END = Date.parse('2026-11-25T12:00:00Z');
const options = { seed: 11, days: 21, conversationsPerDay: 120, end: END };
const events: DemoEnvelope[] = [...generateEvents(options)];
const fingerprint = (list: DemoEnvelope[]) => createHash('sha256').update(JSON.stringify(list)).digest('hex');
const conversation = (e: DemoEnvelope) => e.data.conversation as Record<string, any>;

describe('demo event generator', () => {
  it('is deterministic from its seed', () => {
    expect(fingerprint([...generateEvents(options)])).toBe(fingerprint(events));
    expect(fingerprint([...generateEvents({ ...options, seed: 12 })])).not.toBe(fingerprint(events));
  });

  it('produces envelopes that ingest accepts', () => {
    expect(events.length).toBeGreaterThan(8_000);
    const invalid = events.map((e) => validateEnvelope(e)).filter((r) => !r.ok);
    expect(invalid).toEqual([]);
  });

  it('never puts an update before its create in event time, nor outside the history', () => {
    const created = new Map<string, number>();
    for (const e of events) if (e.event === 'onConversationCreate') created.set(conversation(e).conversation_id, Date.parse(conversation(e).created_time));
    for (const e of events) {
      const c = conversation(e);
      expect(Date.parse(c.updated_time)).toBeGreaterThanOrEqual(Date.parse(c.created_time));
      expect(Date.parse(c.updated_time)).toBeLessThanOrEqual(END);
      expect(created.get(c.conversation_id)).toBe(Date.parse(c.created_time));
    }
  });

  it('keeps business hours within calendar hours, and statistics consistent with timestamps', () => {
    let resolved = 0;
    for (const e of events) {
      const c = conversation(e);
      if (!c.statistics) continue;
      for (const key of STATISTIC_KEYS.filter((k) => k.endsWith('_bhrs'))) {
        const business = c.statistics[key];
        const calendar = c.statistics[key.replace('_bhrs', '_chrs')];
        expect(business === null).toBe(calendar === null);
        if (business !== null) expect(business).toBeLessThanOrEqual(calendar);
      }
      if (c.status === 'resolved') {
        resolved++;
        const hours = (Date.parse(c.resolved_time) - Date.parse(c.created_time)) / 3_600_000;
        expect(c.statistics.resolution_time_chrs).toBeCloseTo(hours, 1);
        expect(c.statistics.first_agent_assignment_time_chrs).toBeCloseTo((Date.parse(c.first_agent_assigned_time) - Date.parse(c.created_time)) / 3_600_000, 1);
      }
    }
    expect(resolved).toBeGreaterThan(1000);
  });

  it('follows weekday and hour-of-day patterns in the configured timezone', () => {
    const byWeekday = Array(7).fill(0);
    const byHour = Array(24).fill(0);
    for (const e of events.filter((e) => e.event === 'onConversationCreate')) {
      const local = zonedParts(Date.parse(conversation(e).created_time), 'Europe/Berlin');
      byWeekday[local.weekday]++;
      byHour[local.hour]++;
    }
    const weekday = (byWeekday[1] + byWeekday[2] + byWeekday[3] + byWeekday[4] + byWeekday[5]) / 5;
    const weekend = (byWeekday[0] + byWeekday[6]) / 2;
    expect(weekday).toBeGreaterThan(2 * weekend);
    expect(byHour[11]).toBeGreaterThan(5 * byHour[3]);
  });

  it('goes through reassignment, unassignment, reopening and routing', () => {
    const changes = events.map((e) => (e.data.changes as any)?.model_changes ?? {});
    expect(changes.filter((m) => m.assigned_agent_id?.[0] && m.assigned_agent_id?.[1]).length).toBeGreaterThan(100); // reassignments
    expect(changes.filter((m) => m.assigned_agent_id?.[0] && m.assigned_agent_id[1] === null && m.assigned_group_id?.[1] === null).length).toBeGreaterThan(20); // unassignments
    expect(changes.filter((m) => m.status?.[0] === 'resolved').length).toBeGreaterThan(100); // reopens
    const org = demoOrganisation(options);
    for (const channel of org.channels) expect(org.groups.map((g) => g.id)).toContain(channel.groupId);
    expect(org.agents.some((a) => a.groupIds.length > 1)).toBe(true);
  });

  it('does not pile work up at the exact moment business opens', () => {
    const perInstant = new Map<string, number>();
    for (const e of new Set(events)) perInstant.set(conversation(e).updated_time, (perInstant.get(conversation(e).updated_time) ?? 0) + 1);
    expect(Math.max(...perInstant.values())).toBeLessThanOrEqual(3);
  });

  it('delivers a share out of order and a share twice', () => {
    const seen = new Set<string>();
    let duplicates = 0;
    for (const e of events) {
      const key = JSON.stringify(e);
      if (seen.has(key)) duplicates++;
      seen.add(key);
    }
    expect(duplicates).toBeGreaterThan(events.length * 0.01);
    let late = 0;
    for (let i = 1; i < events.length; i++) if (conversation(events[i]!).updated_time < conversation(events[i - 1]!).updated_time) late++;
    expect(late).toBeGreaterThan(events.length * 0.02);
    const createdSeen = new Set<string>();
    let updateBeforeCreate = 0;
    for (const e of events) {
      const id = conversation(e).conversation_id;
      if (e.event === 'onConversationCreate') createdSeen.add(id);
      else if (!createdSeen.has(id)) updateBeforeCreate++;
    }
    expect(updateBeforeCreate).toBeGreaterThan(0);
  });
});

describe('agent capacity', () => {
  // Replay each conversation's events in time order: who holds it, from when to when.
  const byConversation = new Map<string, DemoEnvelope[]>();
  for (const e of events) byConversation.set(conversation(e).conversation_id, [...(byConversation.get(conversation(e).conversation_id) ?? []), e]);
  const changes: { at: number; agent: string; delta: number }[] = [];
  for (const list of byConversation.values()) {
    const ordered = [...new Map(list.map((e) => [conversation(e).updated_time, e])).values()].sort((a, b) => (conversation(a).updated_time < conversation(b).updated_time ? -1 : 1));
    let holder: string | null = null;
    for (const e of ordered) {
      const c = conversation(e);
      const now = c.status === 'assigned' ? c.assigned_agent_id : null;
      if (now !== holder) {
        const at = Date.parse(c.updated_time);
        if (holder) changes.push({ at, agent: holder, delta: -1 });
        if (now) changes.push({ at, agent: now, delta: +1 });
        holder = now;
      }
    }
  }
  const org = demoOrganisation(options);
  const capacity = new Map(org.agents.map((a) => [a.id, a.maxActiveConv]));
  const open = new Map<string, number>();
  const peak = new Map<string, number>();
  // Conversation-milliseconds held, and held beyond the holder's capacity.
  let heldMs = 0;
  let overMs = 0;
  let previous = 0;
  for (const { at, agent, delta } of changes.sort((a, b) => a.at - b.at || a.delta - b.delta)) {
    for (const [id, count] of open) {
      heldMs += count * (at - previous);
      overMs += Math.max(0, count - capacity.get(id)!) * (at - previous);
    }
    previous = at;
    open.set(agent, (open.get(agent) ?? 0) + delta);
    peak.set(agent, Math.max(peak.get(agent) ?? 0, open.get(agent)!));
  }

  it('is respected by routing: hardly any of the held time is beyond it, and no one holds half as much again', () => {
    // Routing that ignored capacity (before organisation.ts sized capacities and occupancy.ts was
    // consulted): 32 % of the held time beyond capacity, peaks of 12 times it.
    expect(heldMs).toBeGreaterThan(0);
    expect(overMs / heldMs).toBeLessThan(0.03);
    for (const agent of org.agents) expect(peak.get(agent.id) ?? 0, agent.id).toBeLessThanOrEqual(Math.floor(agent.maxActiveConv * 1.5));
    // Every agent gets work.
    expect(org.agents.filter((a) => (peak.get(a.id) ?? 0) === 0)).toEqual([]);
  });

  it('is sometimes exceeded: a reopened conversation goes back to its agent, full or not', () => {
    const over = org.agents.filter((a) => (peak.get(a.id) ?? 0) > a.maxActiveConv);
    expect(over.length).toBeGreaterThan(0);
    expect(over.length).toBeLessThan(org.agents.length); // sometimes, not always
  });

  it('staffs the groups as their traffic asks', () => {
    // Topic i goes to group i mod groups, with weight 1/(i+1): the first group gets the most.
    const staff = org.groups.map((g) => org.agents.filter((a) => a.groupIds[0] === g.id).length);
    const traffic = org.groups.map((g) => org.channels.filter((c) => c.groupId === g.id).reduce((sum, c) => sum + c.weight, 0));
    const total = traffic.reduce((a, b) => a + b, 0);
    // Each group has one agent, and its share of the others by traffic, rounded (one agent per group
    // in turn gave the busiest group, 48 % of the traffic, 3 agents of 14, where this asks 5).
    const spare = org.agents.length - org.groups.length;
    org.groups.forEach((g, i) => expect(Math.abs(staff[i]! - (1 + (spare * traffic[i]!) / total)), g.name).toBeLessThan(1));
    expect(staff.every((n) => n >= 1)).toBe(true);
    expect(staff.reduce((a, b) => a + b, 0)).toBe(org.agents.length);
  });
});
