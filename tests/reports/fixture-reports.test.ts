import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { STATISTIC_KEYS } from '@/lib/events/statistics';
import type { Filters } from '@/lib/filters/parse-filters';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { openReadOnly } from '../helpers/db';
import { streamLines } from '../helpers/fixtures';
import { tempDatabasePath } from '../helpers/server';
import { filters, num, readReport, time } from './read-report';


// The out-of-order fixture stream (60 conversations created 2026-10-05 … 2026-11-01), ingested,
// then every report compared row by row with the tables, read here with plain SQL and filtered
// in JavaScript: an independent reading of the same rules.
type Row = Record<string, any>;
let databasePath: string;
let table: { conversations: Row[]; transitions: Row[]; assignments: Row[]; agents: Map<string, Row>; groups: Map<string, Row>; channels: Map<string, Row> };

beforeAll(() => {
  databasePath = tempDatabasePath('reports');
  const db = openDatabase(databasePath);
  ingestEnvelopes(db, streamLines().map((line) => JSON.parse(line)));
  db.$client.close();
  const read = openReadOnly(databasePath);
  const all = (sql: string) => read.prepare(sql).all() as Row[];
  table = {
    conversations: all('select * from conversations'),
    transitions: all('select * from status_transitions'),
    assignments: all('select * from assignment_changes'),
    agents: new Map(all('select * from agents').map((r) => [r.id, r])),
    groups: new Map(all('select * from groups').map((r) => [r.id, r])),
    channels: new Map(all('select * from channels').map((r) => [r.id, r])),
  };
  read.close();
});

const OCTOBER = 'from=2026-10-01&to=2026-10-31';
const inRange = (ms: number, f: Filters) => ms >= f.startMs && ms < f.endMs;
/** The page's conversation filter, in JavaScript. */
const matches = (c: Row, f: Filters, ignoreRange = false) =>
  (ignoreRange || (c.created_at !== null && inRange(c.created_at, f))) &&
  (f.channels.length === 0 || f.channels.includes(c.channel_id)) &&
  (f.groups.length === 0 || f.groups.includes(c.assigned_group_id)) &&
  (f.agents.length === 0 || f.agents.includes(c.assigned_agent_id)) &&
  (f.sources.length === 0 || f.sources.includes(c.source)) &&
  (f.statuses.length === 0 || f.statuses.includes(c.status));
const byTimeThenId = (time: string, id: string) => (a: Row, b: Row) => a[time] - b[time] || (a[id] < b[id] ? -1 : a[id] > b[id] ? 1 : 0);
const conversationById = () => new Map(table.conversations.map((c) => [c.conversation_id, c]));

function expectedConversations(f: Filters) {
  return table.conversations
    .filter((c) => matches(c, f))
    .sort(byTimeThenId('created_at', 'conversation_id'))
    .map((c) => ({
      conversation_id: c.conversation_id,
      status: c.status ?? '',
      channel_id: c.channel_id ?? '',
      channel_name: table.channels.get(c.channel_id)?.name ?? '',
      source: c.source ?? '',
      assigned_group_id: c.assigned_group_id ?? '',
      group_name: table.groups.get(c.assigned_group_id)?.name ?? '',
      assigned_agent_id: c.assigned_agent_id ?? '',
      agent_name: table.agents.get(c.assigned_agent_id)?.name ?? '',
      created_time: time(c.created_at),
      first_agent_assigned_time: time(c.first_agent_assigned_at),
      resolved_time: time(c.resolved_at),
      reopened_time: time(c.reopened_at),
      reopen_count: num(c.reopen_count),
      reassignment_count: num(c.agent_reassignment_count),
      ...Object.fromEntries(STATISTIC_KEYS.map((key) => [key, num(c[key])])),
      group_reassignment_count: num(c.group_reassignment_count),
      unassignment_count: num(c.unassignment_count),
      first_group_assigned_time: time(c.first_group_assigned_at),
      updated_time: time(c.updated_at),
    }));
}

describe('conversations report', () => {
  it('has the columns of the contract, in order, then the fourteen statistics', async () => {
    const { header, fileName } = await readReport(databasePath, 'conversations', OCTOBER);
    expect(header.slice(0, 15)).toEqual([
      'conversation_id', 'status', 'channel_id', 'channel_name', 'source', 'assigned_group_id', 'group_name', 'assigned_agent_id', 'agent_name',
      'created_time', 'first_agent_assigned_time', 'resolved_time', 'reopened_time', 'reopen_count', 'reassignment_count',
    ]);
    expect(header.slice(15, 29)).toEqual([
      'first_response_time_bhrs', 'first_response_time_chrs', 'resolution_time_bhrs', 'resolution_time_chrs', 'wait_time_bhrs', 'wait_time_chrs',
      'first_agent_assignment_time_bhrs', 'first_agent_assignment_time_chrs', 'first_group_assignment_time_bhrs', 'first_group_assignment_time_chrs',
      'agent_reassignment_time_bhrs', 'agent_reassignment_time_chrs', 'group_reassignment_time_bhrs', 'group_reassignment_time_chrs',
    ]);
    expect(header.slice(29)).toEqual(['group_reassignment_count', 'unassignment_count', 'first_group_assigned_time', 'updated_time']);
    expect(fileName).toBe('conversations_2026-10-01_2026-10-31.csv');
  });

  it('has one row per conversation created in the range, equal to the database', async () => {
    const { rows } = await readReport(databasePath, 'conversations', OCTOBER);
    // Known from the overview: 58 created in October, 14 open, 12 unassigned, 32 resolved, 10 reopened.
    expect(rows).toHaveLength(58);
    expect(rows.filter((r) => r.status === 'assigned')).toHaveLength(14);
    expect(rows.filter((r) => r.status === 'new')).toHaveLength(12);
    expect(rows.filter((r) => r.status === 'resolved')).toHaveLength(32);
    expect(rows.filter((r) => Number(r.reopen_count) > 0)).toHaveLength(10);
    expect(rows).toEqual(expectedConversations(filters(OCTOBER)));
    // Times are ISO 8601 UTC, names are filled in.
    expect(rows[0]!.created_time).toMatch(/^2026-10-05T\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(rows.every((r) => r.channel_name !== '')).toBe(true);
  });

  it('applies the filters: range, channel, source, status, timezone', async () => {
    for (const query of [
      'from=2026-10-01&to=2026-10-14',
      'from=2026-10-01&to=2026-11-30&source=WHATSAPP',
      'from=2026-10-01&to=2026-11-30&status=new,assigned',
      `from=2026-10-01&to=2026-11-30&channel=${table.conversations[0]!.channel_id}`,
      `from=2026-10-01&to=2026-11-30&group=${table.conversations.find((c) => c.assigned_group_id)!.assigned_group_id}`,
      'from=2026-10-05&to=2026-10-12&tz=America/Los_Angeles',
      'from=2025-01-01&to=2025-01-31',
    ]) {
      const { rows, fileName } = await readReport(databasePath, 'conversations', query);
      expect(rows, query).toEqual(expectedConversations(filters(query)));
      expect(fileName).toBe(`conversations_${filters(query).from}_${filters(query).to}.csv`);
    }
    // Counts known from the overview tests.
    expect((await readReport(databasePath, 'conversations', 'from=2026-10-01&to=2026-10-14')).rows).toHaveLength(21);
    expect((await readReport(databasePath, 'conversations', 'from=2026-10-01&to=2026-11-30&source=WHATSAPP')).rows).toHaveLength(13);
    // An empty range is a header alone.
    expect((await readReport(databasePath, 'conversations', 'from=2025-01-01&to=2025-01-31')).text.split('\r\n')).toHaveLength(2);
  });
});

describe('transitions and assignments reports', () => {
  const expectedTransitions = (f: Filters) => {
    const conversation = conversationById();
    return table.transitions
      .filter((t) => inRange(t.at, f) && matches(conversation.get(t.conversation_id)!, f, true))
      .sort(byTimeThenId('at', 'event_id'))
      .map((t) => ({ conversation_id: t.conversation_id, from_status: t.from_status ?? '', to_status: t.to_status, at: time(t.at), actor_id: t.actor_id ?? '', actor_type: t.actor_type ?? '' }));
  };
  const expectedAssignments = (f: Filters) => {
    const conversation = conversationById();
    const name = (kind: string, id: string | null) => (id === null ? '' : ((kind === 'agent' ? table.agents : table.groups).get(id)?.name ?? ''));
    return table.assignments
      .filter((a) => inRange(a.at, f) && matches(conversation.get(a.conversation_id)!, f, true))
      .sort((a, b) => a.at - b.at || a.event_id - b.event_id || (a.kind < b.kind ? -1 : 1))
      .map((a) => ({
        conversation_id: a.conversation_id,
        kind: a.kind,
        from_id: a.from_id ?? '',
        from_name: name(a.kind, a.from_id),
        to_id: a.to_id ?? '',
        to_name: name(a.kind, a.to_id),
        at: time(a.at),
        actor_id: a.actor_id ?? '',
        actor_type: a.actor_type ?? '',
      }));
  };

  it('transitions: every status change in the range, equal to the database', async () => {
    const { header, rows, fileName } = await readReport(databasePath, 'transitions', OCTOBER);
    expect(header).toEqual(['conversation_id', 'from_status', 'to_status', 'at', 'actor_id', 'actor_type']);
    expect(fileName).toBe('transitions_2026-10-01_2026-10-31.csv');
    expect(rows).toEqual(expectedTransitions(filters(OCTOBER)));
    // The 58 conversations created in October each have their `→ new` in October.
    expect(rows.filter((r) => r.to_status === 'new' && r.from_status === '')).toHaveLength(58);
    expect(rows.filter((r) => r.from_status === 'resolved').length).toBeGreaterThan(0);
  });

  it('assignments: every agent and group change in the range, with names, equal to the database', async () => {
    const { header, rows } = await readReport(databasePath, 'assignments', OCTOBER);
    expect(header).toEqual(['conversation_id', 'kind', 'from_id', 'from_name', 'to_id', 'to_name', 'at', 'actor_id', 'actor_type']);
    expect(rows).toEqual(expectedAssignments(filters(OCTOBER)));
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['agent', 'group']));
    expect(rows.some((r) => r.from_id !== '' && r.to_id !== '')).toBe(true); // reassignments
    expect(rows.some((r) => r.from_id !== '' && r.to_id === '')).toBe(true); // unassignments
  });

  it('apply the other filters to the conversation and the range to the change', async () => {
    for (const query of ['from=2026-10-10&to=2026-10-20&source=WHATSAPP', 'from=2026-11-01&to=2026-11-30', 'from=2026-10-01&to=2026-11-30&status=resolved&tz=Asia/Kolkata']) {
      expect((await readReport(databasePath, 'transitions', query)).rows, query).toEqual(expectedTransitions(filters(query)));
      expect((await readReport(databasePath, 'assignments', query)).rows, query).toEqual(expectedAssignments(filters(query)));
    }
    // A change counts when it happened in the range, whenever its conversation was created.
    const late = await readReport(databasePath, 'transitions', 'from=2026-10-20&to=2026-10-31');
    const createdBefore = new Set((await readReport(databasePath, 'conversations', 'from=2026-10-01&to=2026-10-19')).rows.map((r) => r.conversation_id));
    expect(late.rows.filter((r) => createdBefore.has(r.conversation_id)).length).toBeGreaterThan(0);
  });
});

describe('agents and groups reports', () => {
  const median = (values: number[]) => {
    if (values.length === 0) return '';
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor((sorted.length - 1) / 2);
    // Written as the decimal it is (3.445, not 3.4450000000000003): the two-decimal values' exact median, rounded once.
    const exact = sorted.length % 2 ? sorted[middle]! : (sorted[middle]! + sorted[middle + 1]!) / 2;
    return String(Math.round(exact * 1000) / 1000);
  };
  function expectedTeam(kind: 'agent' | 'group', f: Filters) {
    const team = kind === 'agent' ? 'assigned_agent_id' : 'assigned_group_id';
    // The status filter does not apply (as on the Agent load page, which exports these).
    const counted: Filters = { ...f, statuses: [], agents: kind === 'agent' ? [] : f.agents, groups: kind === 'group' ? [] : f.groups };
    const conversation = conversationById();
    const current = (id: string) => matches(conversation.get(id)!, counted, true);
    const known = kind === 'agent' ? table.agents : table.groups;
    const ids = new Set<string>([...known.keys(), ...table.conversations.map((c) => c[team]).filter(Boolean)]);
    const capacity = (id: string) => {
      if (kind === 'agent') return num(table.agents.get(id)?.max_active_conv);
      const members = JSON.parse(table.groups.get(id)?.agent_ids ?? '[]') as string[];
      const known = members.map((m) => table.agents.get(m)?.max_active_conv).filter((v) => typeof v === 'number');
      return known.length ? String(known.reduce((a, b) => a + b, 0)) : '';
    };
    return [...ids]
      .filter((id) => (kind === 'agent' ? f.agents : f.groups).length === 0 || (kind === 'agent' ? f.agents : f.groups).includes(id))
      .map((id) => {
        const mine = table.conversations.filter((c) => c[team] === id && matches(c, counted));
        const stat = (key: string) => median(mine.map((c) => c[key]).filter((v) => v !== null));
        return {
          [`${kind}_id`]: id,
          [`${kind}_name`]: known.get(id)?.name ?? '',
          open_now: String(table.conversations.filter((c) => c[team] === id && c.status === 'assigned' && matches(c, counted, true)).length),
          max_active_conv: capacity(id),
          assigned_in_range: String(table.assignments.filter((a) => a.kind === kind && a.to_id === id && inRange(a.at, f) && current(a.conversation_id)).length),
          resolved_in_range: String(table.transitions.filter((t) => t.to_status === 'resolved' && inRange(t.at, f) && conversation.get(t.conversation_id)![team] === id && current(t.conversation_id)).length),
          reassigned_away: String(table.assignments.filter((a) => a.kind === kind && a.from_id === id && a.to_id !== null && a.to_id !== id && inRange(a.at, f) && current(a.conversation_id)).length),
          median_first_response_bhrs: stat('first_response_time_bhrs'),
          median_first_response_chrs: stat('first_response_time_chrs'),
          median_resolution_bhrs: stat('resolution_time_bhrs'),
          median_resolution_chrs: stat('resolution_time_chrs'),
        };
      });
  }
  const sortById = (rows: Record<string, string>[], key: string) => [...rows].sort((a, b) => (a[key]! < b[key]! ? -1 : 1));

  for (const kind of ['agent', 'group'] as const) {
    it(`${kind}s: every figure equal to the tables, for several filters`, async () => {
      for (const query of [OCTOBER, 'from=2026-10-01&to=2026-10-14', 'from=2026-10-01&to=2026-11-30&source=WHATSAPP', `${OCTOBER}&status=resolved`]) {
        const { rows } = await readReport(databasePath, `${kind}s`, query);
        expect(sortById(rows, `${kind}_id`), query).toEqual(sortById(expectedTeam(kind, filters(query)), `${kind}_id`));
      }
      const { rows } = await readReport(databasePath, `${kind}s`, OCTOBER);
      // A status filter in the link (the Agent load page's bar may hold one) changes nothing: with
      // status=resolved every open_now used to be 0.
      expect((await readReport(databasePath, `${kind}s`, `${OCTOBER}&status=resolved`)).rows).toEqual(rows);
      expect(rows.some((r) => Number(r.open_now) > 0)).toBe(true);
      // Sorted by name; the figures are not all zero.
      expect(rows.map((r) => r[`${kind}_name`]!.toLowerCase())).toEqual(rows.map((r) => r[`${kind}_name`]!.toLowerCase()).sort((a, b) => a.localeCompare(b, 'en')));
      expect(rows.some((r) => Number(r.assigned_in_range) > 0)).toBe(true);
      expect(rows.some((r) => Number(r.resolved_in_range) > 0)).toBe(true);
      // The stream moves conversations between agents, never from one group to another.
      if (kind === 'agent') expect(rows.some((r) => Number(r.reassigned_away) > 0)).toBe(true);
      expect(rows.some((r) => r.median_resolution_bhrs !== '')).toBe(true);
    });
  }
});
