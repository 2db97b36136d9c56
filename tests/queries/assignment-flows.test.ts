import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { parseFilters, type Filters } from '@/lib/filters/parse-filters';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { getAssignmentFlow, getAssignmentSummary, getReassignmentPaths, getUnassignments } from '@/lib/queries/assignment-flows';
import { envelope } from '../helpers/conversation-spec';
import { marchStories } from '../helpers/conversation-story';
import { tempDatabasePath } from '../helpers/server';

// The four conversations of marchStories() (tests/helpers/conversation-story.ts); the working of
// each expected figure is written beside it. "Range A" is 2026-03-02 … 2026-03-03 in UTC, that is
// [03-02 00:00, 03-04 00:00): C4 was created before it, C2's unassignment (03-04 09:00) is after it.
const filters = (query: string): Filters => {
  const parsed = parseFilters(new URLSearchParams(query), Date.parse('2026-03-20T12:00:00Z'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.filters;
};
const RANGE_A = 'from=2026-03-02&to=2026-03-03';

function load(order: 'as written' | 'reversed, with a duplicate'): Db {
  const db = openDatabase(tempDatabasePath('flows'));
  const envelopes = marchStories();
  if (order === 'as written') ingestEnvelopes(db, envelopes);
  else ingestEnvelopes(db, [...envelopes].reverse().concat([envelopes[3]!]));
  return db;
}

describe.each(['as written', 'reversed, with a duplicate'] as const)('assignment flows, events delivered %s', (order) => {
  const db = load(order);

  it('draws conversations created in the range by current channel, group and agent', () => {
    // Created in range A: C1 (web, Sales, Bob), C2 (web, none, none), C3 (wa, Support, none); not C4 (03-01).
    // Largest first in each column, ties by name, "nobody" last: Web chat 2, WhatsApp line 1 |
    // Sales 1, Support 1, No group 1 | Bob Roy 1, Unassigned 2.
    expect(getAssignmentFlow(db, filters(RANGE_A))).toEqual({
      conversations: 3,
      nodes: [
        { name: 'Web chat', layer: 'channel', kind: 'entity', conversations: 2 },
        { name: 'WhatsApp line', layer: 'channel', kind: 'entity', conversations: 1 },
        { name: 'Sales', layer: 'group', kind: 'entity', conversations: 1 },
        { name: 'Support', layer: 'group', kind: 'entity', conversations: 1 },
        { name: 'No group', layer: 'group', kind: 'none', conversations: 1 },
        { name: 'Bob Roy', layer: 'agent', kind: 'entity', conversations: 1 },
        { name: 'Unassigned', layer: 'agent', kind: 'none', conversations: 2 },
      ],
      links: [
        { source: 0, target: 2, value: 1 }, // web → Sales (C1)
        { source: 0, target: 4, value: 1 }, // web → No group (C2)
        { source: 1, target: 3, value: 1 }, // wa → Support (C3)
        { source: 2, target: 5, value: 1 }, // Sales → Bob (C1)
        { source: 3, target: 6, value: 1 }, // Support → Unassigned (C3)
        { source: 4, target: 6, value: 1 }, // No group → Unassigned (C2)
      ],
    });
  });

  it('folds the smaller nodes of a column into "Other …" past the limit', () => {
    // Whole of March: C1 web/Sales/Bob, C2 web/-/-, C3 wa/Support/-, C4 wa/Sales/Bob. With one named
    // node a column: channels web 2 = wa 2 → "c-wa" wins the tie by id ("c-wa" < "c-web"); groups Sales 2 kept, Support 1
    // folded; agents Bob 2 kept.
    const flow = getAssignmentFlow(db, filters('from=2026-03-01&to=2026-03-31'), { channel: 1, group: 1, agent: 1 });
    expect(flow.nodes.map((n) => `${n.name}:${n.conversations}`)).toEqual(['WhatsApp line:2', 'Other channels:2', 'Sales:2', 'No group:1', 'Other groups:1', 'Bob Roy:2', 'Unassigned:2']);
    expect(flow.links.reduce((sum, l) => sum + l.value, 0)).toBe(8); // 4 conversations, two links each
  });

  it('counts reassignments, unassignments and the rates in the range', () => {
    // Agent changes in range A: C1 null→Ann, Ann→Bob; C2 null→Cy, Cy→Ann; C3 null→Bob, Bob→Ann, Ann→null;
    // C4 null→Bob. Assignments (to set) 7, reassignments 3 (C1, C2, C3), unassignments 1 (C3);
    // conversations assigned 4, reassigned 3. Group changes: C1 null→Sales; C2 null→Support,
    // Support→Sales; C3 null→Support; C4 null→Sales: assignments 5, reassignments 1 (C2), in 4 and 1 conversations.
    expect(getAssignmentSummary(db, filters(RANGE_A))).toEqual({
      agent: { assignments: 7, reassignments: 3, unassignments: 1, conversationsAssigned: 4, conversationsReassigned: 3 },
      group: { assignments: 5, reassignments: 1, unassignments: 0, conversationsAssigned: 4, conversationsReassigned: 1 },
    });
    // The whole month adds C2's unassignment on 03-04 (agent Ann → none, group Sales → none).
    expect(getAssignmentSummary(db, filters('from=2026-03-01&to=2026-03-31'))).toMatchObject({ agent: { unassignments: 2 }, group: { unassignments: 1 } });
  });

  it('obeys a channel filter: activity of conversations whose current channel matches, whenever created', () => {
    // WhatsApp line: C3 and C4 (created 03-01, before the range, but its assignment is in it).
    // Agent: C3 null→Bob, Bob→Ann, Ann→null; C4 null→Bob: 3 assignments, 1 reassignment, 1 unassignment, 1 of 2 conversations.
    const wa = filters(`${RANGE_A}&channel=c-wa`);
    expect(getAssignmentSummary(db, wa)).toEqual({
      agent: { assignments: 3, reassignments: 1, unassignments: 1, conversationsAssigned: 2, conversationsReassigned: 1 },
      group: { assignments: 2, reassignments: 0, unassignments: 0, conversationsAssigned: 2, conversationsReassigned: 0 },
    });
    // Created in range A on that channel: C3 only.
    expect(getAssignmentFlow(db, wa).nodes.map((n) => `${n.name}:${n.conversations}`)).toEqual(['WhatsApp line:1', 'Support:1', 'Unassigned:1']);
    expect(getReassignmentPaths(db, wa, 'agent').map((p) => `${p.from} → ${p.to}`)).toEqual(['Bob Roy → Ann Lee']);
  });

  it('lists the most frequent reassignment paths and unassignments with names, falling back to ids', () => {
    // Range A agent paths, one each, ordered by from id then to id: a-ann→a-bob, a-bob→a-ann, a-cy→a-ann.
    expect(getReassignmentPaths(db, filters(RANGE_A), 'agent')).toEqual([
      { fromId: 'a-ann', from: 'Ann Lee', toId: 'a-bob', to: 'Bob Roy', changes: 1 },
      { fromId: 'a-bob', from: 'Bob Roy', toId: 'a-ann', to: 'Ann Lee', changes: 1 },
      { fromId: 'a-cy', from: 'a-cy', toId: 'a-ann', to: 'Ann Lee', changes: 1 },
    ]);
    expect(getReassignmentPaths(db, filters(RANGE_A), 'group')).toEqual([{ fromId: 'g-support', from: 'Support', toId: 'g-sales', to: 'Sales', changes: 1 }]);
    // Whole month: Ann lost C3 (03-03) and C2 (03-04) with nobody in her place; Sales lost C2.
    expect(getUnassignments(db, filters('from=2026-03-01&to=2026-03-31'))).toEqual([
      { kind: 'agent', fromId: 'a-ann', from: 'Ann Lee', changes: 2 },
      { kind: 'group', fromId: 'g-sales', from: 'Sales', changes: 1 },
    ]);
    // A range that ends before 03-04 leaves out C2's unassignment.
    expect(getUnassignments(db, filters(RANGE_A))).toEqual([{ kind: 'agent', fromId: 'a-ann', from: 'Ann Lee', changes: 1 }]);
  });

  it('gives empty figures for a range without conversations or activity', () => {
    const empty = filters('from=2025-01-01&to=2025-01-31');
    expect(getAssignmentFlow(db, empty)).toEqual({ conversations: 0, nodes: [], links: [] });
    const none = { assignments: 0, reassignments: 0, unassignments: 0, conversationsAssigned: 0, conversationsReassigned: 0 };
    expect(getAssignmentSummary(db, empty)).toEqual({ agent: none, group: none });
    expect(getReassignmentPaths(db, empty, 'agent')).toEqual([]);
    expect(getUnassignments(db, empty)).toEqual([]);
  });
});

describe('assignment flows at the page’s own limits (6 channels, 8 groups, 10 agents, 10 paths)', () => {
  // Agent j (j = 0 … 10) holds j + 1 conversations, of channel j mod 7 and group j mod 9: 66
  // conversations created in March, so every column has one entity more than its limit, each with
  // a count of its own:
  //   channels (j mod 7): c0 1+8 = 9, c1 2+9 = 11, c2 3+10 = 13, c3 4+11 = 15, c4 5, c5 6, c6 7 → c4 folded
  //   groups (j mod 9): g0 1+10 = 11, g1 2+11 = 13, g2 3, g3 4, … g8 9 → g2 folded
  //   agents: a0 1 … a10 11 → a0 folded
  // And 11 reassignment paths p-j → q-j taken j + 1 times, and agents u-j unassigned j + 1 times,
  // in conversations created in February (so they stay out of March's flow).
  const db = openDatabase(tempDatabasePath('flows-limits'));
  const envelopes: Record<string, unknown>[] = [];
  for (let j = 0; j <= 10; j++) {
    for (let k = 0; k <= j; k++) {
      envelopes.push(
        envelope({
          id: `flow-${j}-${k}`,
          created: `2026-03-${String(2 + k).padStart(2, '0')}T10:00:00Z`,
          status: 'assigned',
          channel: { id: `c${j % 7}`, name: `Channel ${j % 7}` },
          group: { id: `g${j % 9}`, name: `Group ${j % 9}` },
          agent: { id: `a${j}`, first_name: 'Agent', last_name: String(j) },
        }),
      );
      const changed = { created: '2026-02-01T10:00:00Z', event: 'onConversationUpdate' as const, updated: `2026-03-${String(2 + k).padStart(2, '0')}T12:00:00Z` };
      envelopes.push(envelope({ id: `path-${j}-${k}`, ...changed, status: 'assigned', agent: { id: `q-${j}` }, changes: { assigned_agent_id: [`p-${j}`, `q-${j}`] } }));
      envelopes.push(envelope({ id: `unassigned-${j}-${k}`, ...changed, status: 'new', agent: null, changes: { assigned_agent_id: [`u-${j}`, null] } }));
    }
  }
  ingestEnvelopes(db, envelopes);
  const march = filters('from=2026-03-01&to=2026-03-31');

  it('draws the largest entities of each column by name and folds the rest into "Other …"', () => {
    const flow = getAssignmentFlow(db, march);
    expect(flow.conversations).toBe(66);
    expect(flow.nodes.map((n) => `${n.name}:${n.conversations}`)).toEqual([
      ...['Channel 3:15', 'Channel 2:13', 'Channel 1:11', 'Channel 0:9', 'Channel 6:7', 'Channel 5:6', 'Other channels:5'],
      ...['Group 1:13', 'Group 0:11', 'Group 8:9', 'Group 7:8', 'Group 6:7', 'Group 5:6', 'Group 4:5', 'Group 3:4', 'Other groups:3'],
      ...[10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((j) => `Agent ${j}:${j + 1}`),
      'Other agents:1',
    ]);
  });

  it('lists the ten most frequent reassignment paths and unassignments', () => {
    const tenMost = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(getReassignmentPaths(db, march, 'agent').map((p) => `${p.fromId}>${p.toId}:${p.changes}`)).toEqual(tenMost.map((j) => `p-${j}>q-${j}:${j + 1}`));
    expect(getUnassignments(db, march).map((u) => `${u.fromId}:${u.changes}`)).toEqual(tenMost.map((j) => `u-${j}:${j + 1}`));
  });
});
