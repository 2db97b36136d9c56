import { describe, expect, it } from 'vitest';
import { demoOrganisation, generateEvents, type DemoEnvelope } from '@/lib/demo/generator';
import { validateEnvelope } from '@/lib/events/validate';
import { eventTime } from '@/lib/simulate/calibrate';
import { MergedSource, openWindow } from '@/lib/simulate/source';
import { TEAM_SEED, teamRewriter } from '@/lib/simulate/team';

const END = Date.parse('2026-11-25T12:00:00Z');
// The default volume: the team's capacities follow it (organisation.ts), and demoOrganisation({ seed }) is the team at that volume.
const sample = (seed: number) => [...generateEvents({ seed, days: 3, end: END })];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const orgIds = (seed: number) => {
  const org = demoOrganisation({ seed });
  return new Set([org.appId, ...org.groups.map((g) => g.id), ...org.agents.map((a) => a.id), ...org.channels.map((c) => c.id)]);
};

/** Each association payload (agent, group, routed group, channel) by id, as JSON: what the team looks like in events. */
function payloads(envelopes: any[]): Map<string, string> {
  const out = new Map<string, string>();
  const note = (kind: string, p: any) => {
    if (!p?.id) return;
    const json = JSON.stringify(p, Object.keys(p).sort());
    const key = `${kind}:${p.id}`;
    if (out.has(key)) expect(out.get(key)).toBe(json); // one payload per id within a seed
    out.set(key, json);
  };
  for (const e of envelopes) {
    const a = e.data.associations ?? {};
    note('agent', a.agent);
    note('group', a.group);
    note('group', a.channel?.assign_to_group);
    if (a.channel) note('channel', { ...a.channel, assign_to_group: a.channel.assign_to_group?.id });
  }
  return out;
}

describe('one team for every generator', () => {
  const team = sample(TEAM_SEED);
  const other = sample(777);
  const rewrite = teamRewriter(demoOrganisation({ seed: 777 }), demoOrganisation({ seed: TEAM_SEED }));
  const rewritten = other.map((e) => JSON.parse(rewrite(e)));

  it('rewrites another seed’s events onto the first-run demo team, payloads and all', () => {
    const expected = payloads(team);
    const actual = payloads(rewritten);
    expect(actual.size).toBeGreaterThan(20);
    for (const [key, json] of actual) expect(json, key).toBe(expected.get(key));
    const foreign = orgIds(777);
    for (const line of rewritten.map((e) => JSON.stringify(e))) for (const id of line.match(UUID) ?? []) expect(foreign.has(id)).toBe(false);
  });

  it('keeps everything else: conversations, users, messages, times; the envelopes stay valid', () => {
    expect(rewritten.map((e) => e.data.conversation.conversation_id)).toEqual(other.map((e) => e.data.conversation.conversation_id));
    expect(rewritten.map((e) => e.data.conversation.updated_time)).toEqual(other.map((e) => e.data.conversation.updated_time));
    expect(rewritten.map((e) => e.data.conversation.messages?.length)).toEqual(other.map((e) => (e.data.conversation.messages as unknown[] | undefined)?.length));
    expect(rewritten.filter((e) => !validateEnvelope(e).ok)).toEqual([]);
  });

  it('does not change the generator’s objects (a duplicate delivery is the same object)', () => {
    const envelope = other.find((e) => (e.data.associations as any)?.agent)!;
    const before = JSON.stringify(envelope);
    rewrite(envelope);
    expect(JSON.stringify(envelope)).toBe(before);
  });
});

describe('merged generators', () => {
  it('merges by event time, keeping each generator’s own order', () => {
    const make = (seed: number) => [...generateEvents({ seed, days: 1, conversationsPerDay: 100, end: END })];
    const a = make(1);
    const b = make(2);
    const source = new MergedSource([
      { events: a, toLine: (e) => `a ${eventTime(e)} ${JSON.stringify(e).length}` },
      { events: b, toLine: (e) => `b ${eventTime(e)} ${JSON.stringify(e).length}` },
    ]);
    const lines: string[] = [];
    while (source.peekTime() !== undefined) lines.push(source.take());
    expect(lines).toHaveLength(a.length + b.length);
    const of = (tag: string) => lines.filter((l) => l.startsWith(tag)).map((l) => l.slice(2));
    expect(of('a ')).toEqual(a.map((e) => `${eventTime(e)} ${JSON.stringify(e).length}`));
    expect(of('b ')).toEqual(b.map((e) => `${eventTime(e)} ${JSON.stringify(e).length}`));
  });

  it('opens a live window: events from now on, valid, on the team, at about the planned rate', () => {
    // A fixed weekday afternoon; a low rate keeps the start-up cheap.
    const now = Date.parse('2026-12-01T13:20:00Z');
    const { source, info } = openWindow({ now, rate: 10, seed: 5, index: 0, horizonMs: 10 * 60_000, durationMs: 10 * 60_000 });
    expect(info.start).toBe(Date.parse('2026-12-01T13:00:00Z'));
    expect(info.plan.shards * info.plan.copies).toBeGreaterThan(1);
    while ((source.peekTime() ?? Infinity) < now) source.skip();
    const lines: DemoEnvelope[] = [];
    while ((source.peekTime() ?? Infinity) < now + 10 * 60_000) lines.push(JSON.parse(source.take()));
    // 10 minutes at about 10 a second (late and duplicate deliveries included).
    expect(lines.length).toBeGreaterThan(10 * 600 * 0.7);
    expect(lines.length).toBeLessThan(10 * 600 * 1.3);
    expect(lines.filter((e) => !validateEnvelope(e).ok)).toEqual([]);
    const teamIds = orgIds(TEAM_SEED);
    for (const e of lines) {
      const c = e.data.conversation as any;
      expect(eventTime(e)).toBeGreaterThanOrEqual(now - 60_000);
      if (c.assigned_agent_id) expect(teamIds.has(c.assigned_agent_id)).toBe(true);
      if (c.assigned_group_id) expect(teamIds.has(c.assigned_group_id)).toBe(true);
      expect(teamIds.has(c.channel_id)).toBe(true);
    }
  });
});
