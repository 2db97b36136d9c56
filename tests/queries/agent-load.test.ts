import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { ensureDerived } from '@/lib/projection/derived';
import { SETTING, setSetting } from '@/lib/settings';
import { parseFilters, type Filters } from '@/lib/filters/parse-filters';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { getAgentsNow, getGroupsNow, getLoadEdges, getLoadOverTime } from '@/lib/queries/agent-load';
import { getLiveFigures } from '@/lib/queries/live';
import { getTeamFigures } from '@/lib/queries/team-figures';
import { dayBucketsOf, hourBuckets, loadIntervals, peaksByAgent, peaksOfAgents, sortAgentEdges } from '@/lib/queries/load-timeline';
import { edgesOfAgents, peaksOf } from '../helpers/load-reference';
import { createEvent, updateEvent, type ConversationState } from '../helpers/envelopes';
import { streamLines } from '../helpers/fixtures';
import { tempDatabasePath } from '../helpers/server';

/*
 * One day, 2026-03-02 (UTC), hand-written. Agents Ada (capacity 1) and Ben (capacity 2), groups
 * G1 "Support" (both agents) and G2 "Sales" (nobody, nothing open); channels CH1 and CH2.
 *
 *   c1 (CH1, G1) created 09:10 · 09:30 → Ada · 11:15 Ada → Ben · 13:00 resolved · 14:30 reopened (still Ben)
 *                · 16:00 unassigned (Ben → none, status new)
 *   c2 (CH1, G1) created 10:00 · 10:05 → Ada, still open
 *   c3 (CH2, G1) created 10:20 · 10:30 → Ada, still open
 *   c4 (CH1, G1) created 12:00, never assigned
 *
 * Intervals (counting towards an agent while assigned to them and not resolved):
 *   Ada: c1 [09:30, 11:15), c2 [10:05, ∞), c3 [10:30, ∞)
 *   Ben: c1 [11:15, 13:00), c1 [14:30, 16:00)
 * Peak per hour, Ada: 00–08 → 0; 09 → 1; 10 → 3 (c1, c2, c3 from 10:30); 11 → 3 (at 11:00, c1 leaves at 11:15); 12–23 → 2.
 * Peak per hour, Ben: 11 → 1; 12 → 1; 13 → 0 (resolved at 13:00 sharp); 14 → 1; 15 → 1; 16 → 0 (unassigned at 16:00).
 * Ada over capacity (1): hours 10–23 = 14 h. Ben (2): never.
 * Conversation-hours to midnight: Ada 1.75 + 13 11/12 + 13.5 = 29 1/6 h; Ben 1.75 + 1.5 = 3.25 h.
 * Now: Ada holds c2 and c3 (2 > 1: overloaded), Ben none. G1: open 2 (c2, c3), unassigned 2 (c1, c4).
 */
const ADA = { id: 'agent-ada', name: 'Ada', capacity: 1 };
const BEN = { id: 'agent-ben', name: 'Ben', capacity: 2 };
const G1 = { id: 'g1', name: 'Support', agents: [ADA.id, BEN.id] };
const G2 = { id: 'g2', name: 'Sales', agents: [] };
const CH1 = { id: 'ch1', name: 'Web chat' };
const CH2 = { id: 'ch2', name: 'Mobile' };
const day = (time: string) => `2026-03-02T${time}:00.000Z`;
const NOW = Date.parse('2026-03-05T00:00:00Z');

function scenario() {
  const c1: ConversationState = { createdAt: day('09:10'), group: G1.id, channel: CH1.id };
  const c2: ConversationState = { createdAt: day('10:00'), group: G1.id, channel: CH1.id };
  const c3: ConversationState = { createdAt: day('10:20'), group: G1.id, channel: CH2.id };
  const c4: ConversationState = { createdAt: day('12:00'), group: G1.id, channel: CH1.id };
  return [
    createEvent('c1', c1, { group: G1, channel: CH1 }),
    updateEvent('c1', day('09:30'), { ...c1, status: 'assigned', agent: ADA.id }, { assigned_agent_id: [null, ADA.id], status: ['new', 'assigned'] }, { agent: ADA, group: G1 }),
    updateEvent('c1', day('11:15'), { ...c1, status: 'assigned', agent: BEN.id }, { assigned_agent_id: [ADA.id, BEN.id] }, { agent: BEN }),
    updateEvent('c1', day('13:00'), { ...c1, status: 'resolved', agent: BEN.id }, { status: ['assigned', 'resolved'] }),
    updateEvent('c1', day('14:30'), { ...c1, status: 'assigned', agent: BEN.id }, { status: ['resolved', 'assigned'] }),
    updateEvent('c1', day('16:00'), { ...c1, status: 'new', agent: null }, { assigned_agent_id: [BEN.id, null], status: ['assigned', 'new'] }),
    createEvent('c2', c2, { channel: CH1 }),
    updateEvent('c2', day('10:05'), { ...c2, status: 'assigned', agent: ADA.id }, { assigned_agent_id: [null, ADA.id], status: ['new', 'assigned'] }),
    createEvent('c3', c3, { channel: CH2, group: G2 }),
    updateEvent('c3', day('10:30'), { ...c3, status: 'assigned', agent: ADA.id }, { assigned_agent_id: [null, ADA.id], status: ['new', 'assigned'] }),
    createEvent('c4', c4),
  ];
}

let db: Db;
const filters = (query: string): Filters => {
  const parsed = parseFilters(new URLSearchParams(query), NOW);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.filters;
};
const hourly = (series: { name: string; values: (number | null)[] }[], name: string) => series.find((s) => s.name === name)?.values;
const repeat = (value: number, times: number) => Array<number>(times).fill(value);

beforeAll(() => {
  db = openDatabase(tempDatabasePath('agent-load'));
  const summary = ingestEnvelopes(db, scenario());
  expect(summary.rejected).toEqual([]);
});

describe('open conversations per agent now', () => {
  it("lists a group's agents by the group's own list of them, holding nothing open or not", () => {
    // Ben holds nothing now and his agent record names no groups (freshid_group_ids are
    // master-record ids, not the group ids the filter uses): G1's agents list has him.
    expect(getAgentsNow(db, filters('group=g1')).map((a) => [a.name, a.open])).toEqual([
      ['Ada', 2],
      ['Ben', 0],
    ]);
  });

  it('counts assigned conversations against capacity and marks the overloaded agent', () => {
    const agents = getAgentsNow(db, filters('from=2026-03-02&to=2026-03-02'));
    expect(agents.map(({ name, open, capacity, overloaded }) => ({ name, open, capacity, overloaded }))).toEqual([
      { name: 'Ada', open: 2, capacity: 1, overloaded: true },
      { name: 'Ben', open: 0, capacity: 2, overloaded: false },
    ]);
    expect(agents[0]).toMatchObject({ availability: 'AVAILABLE', loggedIn: true, deactivated: false });
  });

  it('ignores the date range (it is now) but obeys channel and agent filters', () => {
    expect(getAgentsNow(db, filters('from=2025-01-01&to=2025-01-31')).find((a) => a.name === 'Ada')?.open).toBe(2);
    const mobile = getAgentsNow(db, filters('channel=ch2'));
    expect(mobile.find((a) => a.name === 'Ada')).toMatchObject({ open: 1, overloaded: false });
    expect(getAgentsNow(db, filters('agent=agent-ben')).map((a) => a.name)).toEqual(['Ben']);
  });

  it('gives open and unassigned per group, with the combined capacity of its agents', () => {
    expect(getGroupsNow(db, filters(''))).toEqual([
      { id: 'g1', name: 'Support', open: 2, unassigned: 2, capacity: 3, agents: 2 },
      { id: 'g2', name: 'Sales', open: 0, unassigned: 0, capacity: null, agents: 0 },
    ]);
    expect(getGroupsNow(db, filters('channel=ch2'))).toEqual([
      { id: 'g1', name: 'Support', open: 1, unassigned: 0, capacity: 3, agents: 2 },
      { id: 'g2', name: 'Sales', open: 0, unassigned: 0, capacity: null, agents: 0 },
    ]);
  });

  it("with an agent filter, gives each group's chosen agents: their open conversations, number and capacity", () => {
    // Ben chosen: he holds nothing; of G1 (Ada 1 + Ben 2) only his capacity 2 and one agent. G2
    // has no chosen agent and nothing of his: left out. (Before: G1 "2 agents, capacity 3" beside
    // Ben's open 0, and G2 listed.)
    expect(getGroupsNow(db, filters('agent=agent-ben'))).toEqual([{ id: 'g1', name: 'Support', open: 0, unassigned: 0, capacity: 2, agents: 1 }]);
    // Ada chosen: c2 and c3 are hers (open 2), capacity 1.
    expect(getGroupsNow(db, filters('agent=agent-ada'))).toEqual([{ id: 'g1', name: 'Support', open: 2, unassigned: 0, capacity: 1, agents: 1 }]);
  });
});

describe('agents and groups as the reports list them', () => {
  it('narrows the agents listed to the chosen groups, as the page does, and the groups to the chosen agents', () => {
    // The page's rows and the report's are the same agents: G1's members (Ada, Ben).
    const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
    expect(ids(getTeamFigures(db, 'agent', filters('group=g1')))).toEqual(ids(getAgentsNow(db, filters('group=g1'))));
    expect(ids(getTeamFigures(db, 'agent', filters('group=g1')))).toEqual([ADA.id, BEN.id]);
    // G2 lists nobody and nobody is counted in its conversations: no agent row (there were two, in zeros).
    expect(getTeamFigures(db, 'agent', filters('group=g2'))).toEqual([]);
    // Ben chosen: only G1 has him, and its capacity is his (2), not both agents' (3).
    expect(getTeamFigures(db, 'group', filters('agent=agent-ben')).map((g) => [g.id, g.maxActiveConv])).toEqual([['g1', 2]]);
    expect(getTeamFigures(db, 'group', filters('')).map((g) => [g.id, g.maxActiveConv])).toEqual([
      ['g2', null],
      ['g1', 3],
    ]);
  });
});

describe('the state now, read from one index', () => {
  /** Every statement `read` runs: its SQL and the parameters it ran with. */
  function statementsOf(read: () => void): { source: string; params: unknown[] }[] {
    const client = db.$client;
    const prepare = client.prepare;
    const seen: { source: string; params: unknown[] }[] = [];
    client.prepare = ((source: string) => {
      const statement = prepare.call(client, source);
      for (const method of ['all', 'get', 'run', 'iterate'] as const) {
        const run = statement[method] as (...params: unknown[]) => unknown;
        (statement as unknown as Record<string, unknown>)[method] = (...params: unknown[]) => {
          seen.push({ source, params });
          return run.apply(statement, params);
        };
      }
      return statement;
    }) as typeof prepare;
    try {
      read();
    } finally {
      client.prepare = prepare;
    }
    return seen;
  }

  it('counts open and waiting conversations by agent and by group from conversations_status_idx alone, filtered or not', () => {
    // A wide row per open or waiting conversation was 3.1 ms of the Agent load page at 1M (README, "Storage").
    for (const query of ['', 'channel=ch2', 'channel=ch1&source=WEB&group=g1&agent=agent-ada']) {
      const statements = statementsOf(() => {
        getAgentsNow(db, filters(query));
        getGroupsNow(db, filters(query));
        getLiveFigures(db, filters(query), NOW);
      }).filter(({ source }) => /from "conversations"/.test(source) && /"status" (=|in)/.test(source));
      expect(statements.length, query).toBeGreaterThanOrEqual(3);
      for (const { source, params } of statements) {
        const plan = (db.$client.prepare(`explain query plan ${source}`).all(...params) as { detail: string }[]).map((row) => row.detail);
        const reads = plan.filter((detail) => /^(SCAN|SEARCH) conversations\b/.test(detail));
        expect(reads.length, source).toBeGreaterThan(0);
        for (const detail of reads) expect(detail, source).toMatch(/USING COVERING INDEX conversations_status_idx/);
      }
    }
  });
});

describe('names shared by two agents or two groups', () => {
  it('are told apart by their ids, as on every other page', () => {
    const twins = openDatabase(tempDatabasePath('agent-load-names'));
    ingestEnvelopes(twins, scenario());
    // As if the payloads had named Ben "Ada" and the group Sales "Support".
    twins.$client.exec("update agents set name = 'Ada' where id = 'agent-ben'; update groups set name = 'Support' where id = 'g2'");
    expect(getAgentsNow(twins, filters('')).map((a) => a.name)).toEqual(['Ada (agent-ad)', 'Ada (agent-be)']);
    expect(getGroupsNow(twins, filters('')).map((g) => g.name)).toEqual(['Support (g1)', 'Support (g2)']);
  });
});

describe('load over time', () => {
  it('rebuilds the hour-by-hour load through assignment, reassignment, resolution, reopening and unassignment', () => {
    const load = getLoadOverTime(db, filters('from=2026-03-02&to=2026-03-02'), NOW);
    expect(load.resolution).toBe('hour');
    expect(load.buckets).toHaveLength(24);
    expect(load.buckets[9]!.label).toBe('03-02 09:00');
    expect(hourly(load.series, 'Ada')).toEqual([...repeat(0, 9), 1, 3, 3, ...repeat(2, 12)]);
    expect(hourly(load.series, 'Ben')).toEqual([...repeat(0, 11), 1, 1, 0, 1, 1, ...repeat(0, 8)]);
    expect(load.othersCount).toBe(0);
    const [ada, ben] = load.agents;
    expect(ada).toMatchObject({ name: 'Ada', peak: 3, capacity: 1, hoursOverCapacity: 14 });
    expect(ada!.conversationHours).toBeCloseTo(29 + 1 / 6, 9);
    expect(ben).toMatchObject({ name: 'Ben', peak: 1, capacity: 2, hoursOverCapacity: 0 });
    expect(ben!.conversationHours).toBeCloseTo(3.25, 9);
  });

  it('carries conversations open at the start of a later range, and leaves hours after now empty', () => {
    // 2026-03-03 has no event: Ada still holds c2 and c3 all day; c1 ended the day before.
    const load = getLoadOverTime(db, filters('from=2026-03-03&to=2026-03-03'), NOW);
    expect(load.agents.map((a) => [a.name, a.peak, a.conversationHours])).toEqual([['Ada', 2, 48]]);
    expect(hourly(load.series, 'Ada')).toEqual(repeat(2, 24));
    // Weeks later (history read by id rather than by time): still Ada's two.
    const later = getLoadOverTime(db, filters('from=2026-03-20&to=2026-03-20'), Date.parse('2026-04-01T00:00:00Z'));
    expect(later.agents.map((a) => [a.name, a.peak, a.hoursOverCapacity])).toEqual([['Ada', 2, 24]]);
    // Lord Howe's clock skips half an hour on 4 October 2026 (02:00 → 02:30): that day has 23½
    // hours, and Ada, over her capacity of 1 all day, was over it for 23½ of them, not 24.
    const lordHowe = getLoadOverTime(db, filters('from=2026-10-04&to=2026-10-04&tz=Australia/Lord_Howe'), Date.parse('2026-11-01T00:00:00Z'));
    expect(lordHowe.buckets).toHaveLength(24);
    expect(lordHowe.agents.map((a) => [a.name, a.peak, a.hoursOverCapacity])).toEqual([['Ada', 2, 23.5]]);
    expect(lordHowe.agents[0]!.conversationHours).toBeCloseTo(47, 9);
    const halfDay = getLoadOverTime(db, filters('from=2026-03-04&to=2026-03-04'), Date.parse('2026-03-04T12:00:00Z'));
    expect(hourly(halfDay.series, 'Ada')).toEqual([...repeat(2, 12), ...repeat(null as unknown as number, 12)]);
  });

  it('shows daily peaks over long ranges', () => {
    const load = getLoadOverTime(db, filters('from=2026-03-01&to=2026-03-31'), NOW);
    expect(load.resolution).toBe('day');
    expect(load.buckets.map((b) => b.label).slice(0, 3)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    // 03-01 nothing yet, 03-02 peak 3, 03-03 and 03-04 two all day; 03-05 starts at `now`: empty.
    expect(hourly(load.series, 'Ada')!.slice(0, 5)).toEqual([0, 3, 2, 2, null]);
    expect(hourly(load.series, 'Ben')!.slice(0, 4)).toEqual([0, 1, 0, 0]);
  });

  it('obeys the channel, agent and range filters', () => {
    const mobile = getLoadOverTime(db, filters('from=2026-03-02&to=2026-03-02&channel=ch2'), NOW);
    expect(mobile.agents.map((a) => a.name)).toEqual(['Ada']);
    expect(hourly(mobile.series, 'Ada')).toEqual([...repeat(0, 10), ...repeat(1, 14)]);
    const ben = getLoadOverTime(db, filters('from=2026-03-02&to=2026-03-02&agent=agent-ben'), NOW);
    expect(ben.agents.map((a) => a.name)).toEqual(['Ben']);
    expect(getLoadEdges(db, filters('from=2026-02-01&to=2026-02-28'), NOW).starts.length).toBe(0);
    expect(getLoadOverTime(db, filters('from=2026-02-01&to=2026-02-28'), NOW)).toMatchObject({ agents: [], series: [], othersCount: 0 });
  });

  it('uses the filter timezone for hour labels', () => {
    const berlin = getLoadOverTime(db, filters('from=2026-03-02&to=2026-03-02&tz=Europe/Berlin'), NOW);
    expect(berlin.buckets[0]!.label).toBe('03-02 00:00');
    // 10:00 Berlin is 09:00 UTC: c1 reaches Ada at 09:30 UTC.
    expect(hourly(berlin.series, 'Ada')!.slice(9, 13)).toEqual([0, 1, 3, 3]);
  });
});

describe('interval rules', () => {
  it('counts from assignment until reassigned, unassigned or resolved; a reopen counts again', () => {
    const at = (h: number) => h * 3_600_000;
    const intervals = loadIntervals('c', [
      { at: at(1), agentId: 'a' },
      { at: at(2), resolved: true },
      { at: at(3), resolved: false },
      { at: at(4), agentId: 'b' },
      { at: at(5), agentId: null },
      { at: at(6), agentId: 'a' },
      { at: at(6), resolved: true }, // assigned and resolved in the same event: never counts
    ], { start: 0, end: at(10) });
    expect(intervals.map((i) => [i.agentId, i.from / 3_600_000, i.to / 3_600_000])).toEqual([
      ['a', 1, 2],
      ['a', 3, 4],
      ['b', 4, 5],
    ]);
  });

  it('a stream that begins after a conversation started: no load while it was resolved, nor before an agent was first assigned', () => {
    // Installed on 2026-03-02: these conversations are older, and their creates never arrive.
    //   m1 created 02-20 09:00, resolved by Ada some time before; first event: reopened 03-02 12:00 (still Ada), resolved 14:00.
    //   m2 created 03-01 08:00, first agent assigned 03-02 09:00 (Ben); first event: resolved 03-02 10:00.
    //   m3 created 03-01 08:00, Freshchat's first assignment time not sent; first event: resolved 03-02 10:00 (Ben).
    // Before: Ada counted m1 from 02-20 (as if open for ten days), Ben m2 from 03-01 08:00.
    const midStream = openDatabase(tempDatabasePath('agent-load-mid-stream'));
    const m1: ConversationState = { createdAt: '2026-02-20T09:00:00.000Z', agent: ADA.id, group: G1.id, channel: CH1.id };
    const m2: ConversationState = { createdAt: '2026-03-01T08:00:00.000Z', firstAgentAssignedAt: day('09:00'), agent: BEN.id, group: G1.id, channel: CH1.id };
    const m3: ConversationState = { createdAt: '2026-03-01T08:00:00.000Z', agent: BEN.id, group: G1.id, channel: CH1.id };
    const events = [
      updateEvent('m1', day('14:00'), { ...m1, status: 'resolved' }, { status: ['assigned', 'resolved'] }),
      updateEvent('m1', day('12:00'), { ...m1, status: 'assigned' }, { status: ['resolved', 'assigned'] }, { agent: ADA, group: G1 }),
      updateEvent('m2', day('10:00'), { ...m2, status: 'resolved' }, { status: ['assigned', 'resolved'] }, { agent: BEN }),
      updateEvent('m3', day('10:00'), { ...m3, status: 'resolved' }, { status: ['assigned', 'resolved'] }),
    ];
    expect(ingestEnvelopes(midStream, events).rejected).toEqual([]);
    const stored = midStream.$client
      .prepare('select conversation_id as id, agent_id as agent, from_at as "from", to_at as "to" from agent_load_intervals order by conversation_id')
      .all()
      .map((row) => {
        const r = row as { id: string; agent: string; from: number; to: number };
        return [r.id, r.agent, new Date(r.from).toISOString(), new Date(r.to).toISOString()];
      });
    expect(stored).toEqual([
      ['m1', ADA.id, day('12:00'), day('14:00')],
      ['m2', BEN.id, day('09:00'), day('10:00')],
      // Nothing says when Ben took it: from its creation, as before.
      ['m3', BEN.id, '2026-03-01T08:00:00.000Z', day('10:00')],
    ]);
    const load = getLoadOverTime(midStream, filters('from=2026-03-02&to=2026-03-02'), NOW);
    expect(hourly(load.series, 'Ada')).toEqual([...repeat(0, 12), 1, 1, ...repeat(0, 10)]);
    // Ben: m3 all morning, m2 too from 09:00.
    expect(hourly(load.series, 'Ben')).toEqual([...repeat(1, 9), 2, ...repeat(0, 14)]);
    midStream.$client.close();
  });

  it('ends where the conversation stands now: a change never recorded is placed at the time its snapshot gives', () => {
    // Installed on 2026-03-02. None of these conversations' status or agent changes below is recorded:
    //   r1 resolved on 03-01 at 12:00 (Ada since 09:00); its one event, 03-02 10:00, changes a label.
    //   r2 the same, without resolved_time: resolved at some moment before anything recorded.
    //   r3 assigned to Ada at 09:00 (recorded), then to Ben at 10:30 (that event lost; 11:00's says Ben).
    //   r4 resolved at 09:00 (recorded), reopened at 11:00 (lost; 12:00's says assigned).
    // Before: r1 and r2 counted towards Ada until now, r3 towards Ada until now, r4 not after 09:00.
    const db = openDatabase(tempDatabasePath('agent-load-unrecorded'));
    const base: ConversationState = { createdAt: '2026-03-01T08:00:00.000Z', agent: ADA.id, group: G1.id, channel: CH1.id };
    const resolved = { ...base, status: 'resolved' as const, firstAgentAssignedAt: '2026-03-01T09:00:00.000Z' };
    const label: Record<string, [unknown, unknown]> = { response_due_type: ['FIRST_RESPONSE_DUE', 'NO_RESPONSE_DUE'] };
    const events = [
      updateEvent('r1', day('10:00'), { ...resolved, resolvedAt: '2026-03-01T12:00:00.000Z' }, label),
      updateEvent('r2', day('10:00'), resolved, label),
      updateEvent('r3', day('09:00'), { ...base, status: 'assigned', assignedAt: day('09:00') }, { assigned_agent_id: [null, ADA.id], status: ['new', 'assigned'] }),
      updateEvent('r3', day('11:00'), { ...base, agent: BEN.id, status: 'assigned', assignedAt: day('10:30') }, label),
      updateEvent('r4', day('09:00'), { ...base, status: 'resolved', firstAgentAssignedAt: '2026-03-01T08:30:00.000Z' }, { status: ['assigned', 'resolved'] }),
      updateEvent('r4', day('12:00'), { ...base, status: 'assigned', firstAgentAssignedAt: '2026-03-01T08:30:00.000Z', reopenedAt: day('11:00') }, label),
    ];
    expect(ingestEnvelopes(db, events).rejected).toEqual([]);
    const stored = () =>
      db.$client
        .prepare('select conversation_id as id, agent_id as agent, from_at as "from", to_at as "to" from agent_load_intervals order by conversation_id, from_at')
        .all()
        .map((row) => {
          const r = row as { id: string; agent: string; from: number; to: number | null };
          return [r.id, r.agent, new Date(r.from).toISOString(), r.to === null ? 'open' : new Date(r.to).toISOString()];
        });
    const expected = [
      ['r1', ADA.id, '2026-03-01T09:00:00.000Z', '2026-03-01T12:00:00.000Z'],
      ['r3', ADA.id, day('09:00'), day('10:30')],
      ['r3', BEN.id, day('10:30'), 'open'],
      ['r4', ADA.id, '2026-03-01T08:30:00.000Z', day('09:00')],
      ['r4', ADA.id, day('11:00'), 'open'],
    ];
    expect(stored()).toEqual(expected);
    // A database written under the rule before (derived version 7) has r1's, r2's and r3's
    // intervals open and r4's missing: brought up to date on open, only those conversations.
    db.$client.exec(`delete from agent_load_intervals where conversation_id in ('r3', 'r4')`);
    db.$client.exec(`update agent_load_intervals set to_at = null where conversation_id = 'r1'`);
    db.$client.prepare(`insert into agent_load_intervals (conversation_id, agent_id, from_at, to_at) values ('r2', ?, ?, null), ('r3', ?, ?, null)`).run(ADA.id, Date.parse('2026-03-01T09:00:00.000Z'), ADA.id, Date.parse(day('09:00')));
    setSetting(db, SETTING.derivedVersion, '7');
    ensureDerived(db);
    expect(stored()).toEqual(expected);
    db.$client.close();
  });

  it('takes peaks per bucket, a hand-over at the same instant not counting twice', () => {
    const buckets = hourBuckets(0, 3 * 3_600_000, 'UTC');
    const intervals = [
      { from: 0, to: 1_800_000 },
      { from: 1_800_000, to: 3_600_000 },
      { from: 3_600_000 + 1, to: 3_600_000 + 2 },
      { from: 3_600_000 + 1, to: 7_200_000 },
    ];
    const edges = sortAgentEdges({
      agentIds: ['a'],
      starts: Float64Array.from(intervals, (i) => i.from),
      startAgents: new Uint16Array(intervals.length),
      ends: Float64Array.from(intervals, (i) => i.to),
      endAgents: new Uint16Array(intervals.length),
    });
    // The chart's two sweeps (every agent apart, several together), and the rule stated plainly.
    expect([...peaksByAgent(edges, buckets)]).toEqual([1, 2, 0]);
    expect(peaksOfAgents(edges, new Set(['a']), buckets)).toEqual([1, 2, 0]);
    expect(peaksOf(edges, buckets)).toEqual([1, 2, 0]);
  });
});

describe('the fixture stream', () => {
  it('open now per agent adds up to the conversations assigned now', () => {
    const db2 = openDatabase(tempDatabasePath('agent-load-stream'));
    ingestEnvelopes(db2, streamLines().map((line) => JSON.parse(line)));
    // From the stream: 15 conversations are `assigned` now (the overview's "Open now" tile);
    // Jamal Okafor and Ines Ortiz hold 3 each, Chen Wei 2 of a capacity of 3; nobody is over.
    const agents = getAgentsNow(db2, filters('from=2026-10-01&to=2026-10-31'));
    expect(agents.reduce((sum, a) => sum + a.open, 0)).toBe(15);
    expect(agents.find((a) => a.name === 'Jamal Okafor')).toMatchObject({ open: 3, capacity: 8 });
    expect(agents.find((a) => a.name === 'Chen Wei')).toMatchObject({ open: 2, capacity: 3, overloaded: false });
    expect(agents.filter((a) => a.overloaded)).toEqual([]);
  });

  it('draws each line as the peaks of its own intervals, in zones whose midnights fall on the hour or not', () => {
    const db2 = openDatabase(tempDatabasePath('agent-load-peaks'));
    ingestEnvelopes(db2, streamLines().map((line) => JSON.parse(line)));
    const now = Date.parse('2026-11-01T00:00:00Z');
    // Lord Howe moves its clock by half an hour on 4 October: its midnights stop falling on the
    // hours counted from the range's start, so daily peaks are swept, not taken from the hours.
    for (const tz of ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
      const f = filters(`from=2026-10-01&to=2026-10-31&tz=${tz}`);
      const load = getLoadOverTime(db2, f, now);
      const edges = getLoadEdges(db2, f, now);
      const days = dayBucketsOf(f.startMs, f.endMs, tz);
      const hours = hourBuckets(f.startMs, f.endMs, tz);
      expect(load.resolution).toBe('day');
      expect(load.series.length).toBeGreaterThan(2);
      for (const line of load.series) {
        const others = load.agents.slice(6).map((a) => a.agentId);
        const own = edgesOfAgents(edges, new Set(line.agentId ? [line.agentId] : others));
        const peaks = peaksOf(own, days).map((v, i) => (days[i]!.start >= now ? null : v));
        if (line.agentId) {
          expect(line.values, `${tz} ${line.name}`).toEqual(peaks);
          expect(line.combined).toBeUndefined();
        } else {
          // The other agents: their joint load, and drawn, that load per agent to one decimal.
          expect(line.name).toBe(`${others.length} other agents, average`);
          expect(line.combined, `${tz} ${line.name}`).toEqual(peaks);
          expect(line.values).toEqual(peaks.map((v) => (v === null ? null : Math.round((10 * v) / others.length) / 10)));
          expect(line.values.some((v) => v !== null && !Number.isInteger(v))).toBe(true);
        }
      }
      expect(load.series.at(-1)!.agentId).toBeNull();
      // Seven agents chosen: one other agent, drawn as its own load, with no joint load in its tooltip.
      const seven = load.agents.slice(0, 7).map((a) => a.agentId);
      const chosen = filters(`from=2026-10-01&to=2026-10-31&tz=${tz}&agent=${seven.join(',')}`);
      const one = getLoadOverTime(db2, chosen, now);
      expect(one.othersCount).toBe(1);
      const other = one.series.at(-1)!;
      expect([other.name, other.combined]).toEqual(['1 other agent', undefined]);
      const alone = edgesOfAgents(getLoadEdges(db2, chosen, now), new Set([one.agents[6]!.agentId]));
      expect(other.values).toEqual(peaksOf(alone, days).map((v, i) => (days[i]!.start >= now ? null : v)));
      for (const agent of load.agents) {
        const hourly = peaksOf(edgesOfAgents(edges, new Set([agent.agentId])), hours);
        expect(agent.peak, `${tz} ${agent.name}`).toBe(Math.max(0, ...hourly));
        // Hours over capacity: each hour bucket's length (Lord Howe's half hour counts ½).
        const over = hourly.reduce((sum, n, h) => sum + (agent.capacity !== null && n > agent.capacity ? (hours[h]!.end - hours[h]!.start) / 3_600_000 : 0), 0);
        expect(agent.hoursOverCapacity, `${tz} ${agent.name}`).toBe(over);
      }
    }
  });
});
