import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { STATISTIC_KEYS } from '@/lib/events/statistics';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { DERIVED_VERSION, ensureDerived } from '@/lib/projection/derived';
import { getSetting, SETTING, setSetting } from '@/lib/settings';
import { FIXTURE_FILES, fixtureText, streamLines } from '../helpers/fixtures';
import { tempDatabasePath } from '../helpers/server';

/*
 * The derived rows (lib/projection/derived.ts) against a from-scratch computation written here
 * independently over the stored history: next_at as "the earliest later transition" by brute
 * force, and the load intervals from each conversation's whole history by the rule stated by
 * instants (heldBetweenChanges), not through the sweep the product uses. (It failed with resolving
 * no longer ending the load in that sweep, which it had passed when it replayed through it.)
 * Events arrive in three different orders and batchings; the rows must be the same each time.
 */

const events = streamLines().map((line) => JSON.parse(line) as unknown);

function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function ingestInBatches(db: Db, items: readonly unknown[], batchSize: number): void {
  for (let i = 0; i < items.length; i += batchSize) ingestEnvelopes(db, items.slice(i, i + batchSize));
}

type Transition = { event_id: number; conversation_id: string; from_status: string | null; to_status: string; at: number; next_at: number | null };

function expectedNextAt(db: Db): Map<number, number | null> {
  const rows = db.$client.prepare('select event_id, conversation_id, at from status_transitions').all() as Transition[];
  const expected = new Map<number, number | null>();
  for (const row of rows) {
    const later = rows.filter((other) => other.conversation_id === row.conversation_id && other.at > row.at).map((other) => other.at);
    expected.set(row.event_id, later.length ? Math.min(...later) : null);
  }
  return expected;
}

type Interval = { conversation_id: string; agent_id: string; from_at: number | null; to_at: number | null; channel_id: string | null; source: string | null };

function expectedIntervals(db: Db): Interval[] {
  const conversations = db.$client.prepare('select conversation_id as id, created_at, first_agent_assigned_at, assigned_agent_id, channel_id, source from conversations').all() as {
    id: string;
    created_at: number | null;
    first_agent_assigned_at: number | null;
    assigned_agent_id: string | null;
    channel_id: string | null;
    source: string | null;
  }[];
  const intervals: Interval[] = [];
  for (const c of conversations) {
    const agentChanges = db.$client
      // Changes of the same millisecond in the order of their events' versions (a create first, then by hash), not of arrival.
      .prepare(
        "select a.at, a.from_id, a.to_id from assignment_changes a join events e on e.id = a.event_id where a.kind = 'agent' and a.conversation_id = ? order by a.at, e.event = 'onConversationUpdate', e.dedupe_key",
      )
      .all(c.id) as { at: number; from_id: string | null; to_id: string | null }[];
    const statusChanges = db.$client
      .prepare("select at, from_status, to_status from status_transitions where conversation_id = ? and (to_status = 'resolved' or from_status = 'resolved') order by at")
      .all(c.id) as { at: number; from_status: string | null; to_status: string }[];
    const history: HistoryChange[] = [
      ...agentChanges.map((change) => ({ at: change.at, agentId: change.to_id })),
      ...statusChanges.map((change) => ({ at: change.at, resolved: change.to_status === 'resolved' })),
    ];
    const initialAgentId = agentChanges.length ? agentChanges[0]!.from_id : c.assigned_agent_id;
    // Resolved before the first of these if it is a reopen; nobody held it before creation or Freshchat's first agent assignment.
    const initialResolved = statusChanges.length > 0 && statusChanges[0]!.from_status === 'resolved' && statusChanges[0]!.to_status !== 'resolved';
    const since = Math.max(...[c.created_at, c.first_agent_assigned_at].map((at) => at ?? -Infinity));
    for (const i of heldBetweenChanges(history, initialAgentId, initialResolved, since)) {
      intervals.push({ conversation_id: c.id, agent_id: i.agentId, from_at: Number.isFinite(i.from) ? i.from : null, to_at: Number.isFinite(i.to) ? i.to : null, channel_id: c.channel_id, source: c.source });
    }
  }
  return sortIntervals(intervals);
}

type HistoryChange = { at: number; agentId?: string | null; resolved?: boolean };

/**
 * The load rule (README, "Agent load"), written here by instants rather than with the sweep of
 * lib/queries/load-timeline.ts: the state at a moment is every change up to it applied in order;
 * between two moments of change it is constant, and counts towards its agent unless resolved, not
 * before `since` unless the state already changed before it. Consecutive counting spans with the
 * same agent are one interval.
 */
function heldBetweenChanges(history: HistoryChange[], initialAgentId: string | null, initialResolved: boolean, since: number) {
  const stateAt = (t: number) => {
    let agentId = initialAgentId;
    let resolved = initialResolved;
    for (const change of history) {
      if (change.at > t) continue;
      if (change.agentId !== undefined) agentId = change.agentId;
      if (change.resolved !== undefined) resolved = change.resolved;
    }
    return { agentId, resolved };
  };
  const times = [...new Set(history.map((change) => change.at))].sort((a, b) => a - b);
  const changedAt = times.find((t, k) => {
    const before = k === 0 ? stateAt(-Infinity) : stateAt(times[k - 1]!);
    const after = stateAt(t);
    return before.agentId !== after.agentId || before.resolved !== after.resolved;
  });
  const bounds = [-Infinity, ...new Set([...times, since].filter(Number.isFinite))].sort((a, b) => a - b);
  const held: { agentId: string; from: number; to: number }[] = [];
  bounds.forEach((from, k) => {
    const to = bounds[k + 1] ?? Infinity;
    const { agentId, resolved } = stateAt(from);
    const counting = agentId !== null && !resolved && (from >= since || (changedAt !== undefined && changedAt <= from));
    if (!counting) return;
    const last = held.at(-1);
    if (last && last.agentId === agentId && last.to === from) last.to = to;
    else held.push({ agentId, from, to });
  });
  return held;
}

const sortIntervals = (rows: Interval[]) => rows.map((row) => JSON.stringify(row)).sort().map((json) => JSON.parse(json) as Interval);
const storedIntervals = (db: Db) => sortIntervals(db.$client.prepare('select conversation_id, agent_id, from_at, to_at, channel_id, source from agent_load_intervals').all() as Interval[]);
const storedNextAt = (db: Db) =>
  new Map((db.$client.prepare('select event_id, next_at from status_transitions').all() as Transition[]).map((row) => [row.event_id, row.next_at]));

const storedPacked = (db: Db) => db.$client.prepare('select conversation_id, statistics_packed from conversations order by 1').all();

describe('derived history', () => {
  const random = seeded(11);
  const orders: [string, unknown[], number][] = [
    ['in order, one batch', events, events.length],
    ['reversed, batches of 7', [...events].reverse(), 7],
    ['shuffled, one at a time', [...events].sort(() => random() - 0.5), 1],
  ];

  const results = orders.map(([name, items, batchSize]) => {
    const db = openDatabase(tempDatabasePath('derived'));
    ingestInBatches(db, items, batchSize);
    return { name, db };
  });

  it.each(results.map((r) => [r.name, r.db] as const))('next_at is the conversation’s next later transition (%s)', (_name, db) => {
    const stored = storedNextAt(db);
    expect(stored.size).toBeGreaterThan(100);
    expect([...stored.values()].filter((v) => v !== null).length).toBeGreaterThan(50);
    expect(stored).toEqual(expectedNextAt(db));
  });

  it.each(results.map((r) => [r.name, r.db] as const))('load intervals replay each conversation’s whole history (%s)', (_name, db) => {
    const stored = storedIntervals(db);
    expect(stored.length).toBeGreaterThan(20);
    // Both kinds of end: conversations still held, and intervals closed by a resolve or hand-over.
    expect(stored.some((i) => i.to_at === null)).toBe(true);
    expect(stored.some((i) => i.to_at !== null)).toBe(true);
    expect(stored).toEqual(expectedIntervals(db));
  });

  it.each(results.map((r) => [r.name, r.db] as const))('each assignment change knows the previous (re)assignment of its kind (%s)', (_name, db) => {
    type Change = { event_id: number; kind: string; conversation_id: string; from_id: string | null; to_id: string | null; at: number; previous_assigned_at: number | null; previous_reassigned_at: number | null };
    const rows = db.$client.prepare('select * from assignment_changes').all() as Change[];
    const before = (a: Change, b: Change) => a.at < b.at || (a.at === b.at && a.event_id < b.event_id);
    const latest = (r: Change, keep: (c: Change) => boolean) => {
      const earlier = rows.filter((c) => c.conversation_id === r.conversation_id && c.kind === r.kind && before(c, r) && keep(c)).map((c) => c.at);
      return earlier.length ? Math.max(...earlier) : null;
    };
    const wrong = rows.filter(
      (r) => r.previous_assigned_at !== latest(r, (c) => c.to_id !== null) || r.previous_reassigned_at !== latest(r, (c) => c.from_id !== null && c.to_id !== null),
    );
    expect(rows.filter((r) => r.previous_assigned_at !== null).length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.previous_reassigned_at !== null).length).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });

  it.each(results.map((r) => [r.name, r.db] as const))('activity rows carry their conversation’s channel and source (%s)', (_name, db) => {
    for (const table of ['status_transitions', 'assignment_changes']) {
      const rows = db.$client
        .prepare(`select t.channel_id as row_channel, t.source as row_source, c.channel_id, c.source from ${table} t join conversations c using (conversation_id)`)
        .all() as { row_channel: string | null; row_source: string | null; channel_id: string | null; source: string | null }[];
      expect(rows.length).toBeGreaterThan(20);
      expect(rows.filter((row) => row.row_channel !== null && row.row_source !== null).length).toBeGreaterThan(20);
      expect(rows.filter((row) => row.row_channel !== row.channel_id || row.row_source !== row.source)).toEqual([]);
    }
  });

  it.each(results.map((r) => [r.name, r.db] as const))('packed statistics read back as the fourteen columns, nulls included (%s)', (_name, db) => {
    const rows = db.$client.prepare(`select statistics_packed, ${STATISTIC_KEYS.join(', ')} from conversations`).all() as Record<string, number | string | null>[];
    expect(rows.filter((row) => row.first_response_time_chrs !== null).length).toBeGreaterThan(10);
    const wrong = rows.filter((row) => JSON.stringify(JSON.parse(`[${row.statistics_packed}]`)) !== JSON.stringify(STATISTIC_KEYS.map((key) => row[key])));
    expect(wrong).toEqual([]);
  });

  it('arrival order and batching change nothing', () => {
    // Transitions keyed by their event's dedupe key: event ids follow the arrival order.
    const transitions = (db: Db) =>
      db.$client.prepare('select e.dedupe_key, t.conversation_id, t.from_status, t.to_status, t.at, t.actor_id, t.actor_type, t.next_at, t.channel_id, t.source from status_transitions t join events e on e.id = t.event_id order by e.dedupe_key').all();
    const [first, ...others] = results.map((r) => ({ intervals: storedIntervals(r.db), transitions: transitions(r.db) }));
    expect(first!.transitions.length).toBeGreaterThan(100);
    for (const other of others) {
      expect(other.intervals).toEqual(first!.intervals);
      expect(other.transitions).toEqual(first!.transitions);
    }
  });

  it('a database from before the derived rows gets them on its next open, once', () => {
    const path = tempDatabasePath('derived-upgrade');
    const live = openDatabase(path);
    ingestInBatches(live, events, 50);
    const dimensions = (db: Db) =>
      db.$client.prepare('select event_id, kind, channel_id, source, previous_assigned_at, previous_reassigned_at from assignment_changes order by 1, 2').all();
    const expected = { intervals: storedIntervals(live), nextAt: storedNextAt(live), dimensions: dimensions(live), packed: storedPacked(live) };
    expect(getSetting(live, SETTING.derivedVersion)).toBe(DERIVED_VERSION);
    // What an older version left: the new column empty, the new table empty, no version.
    live.$client.exec(
      'update status_transitions set next_at = null, channel_id = null, source = null; update assignment_changes set channel_id = null, source = null, previous_assigned_at = null, previous_reassigned_at = null; delete from agent_load_intervals; update conversations set statistics_packed = null',
    );
    setSetting(live, SETTING.derivedVersion, '0');
    live.$client.close();

    const messages: string[] = [];
    const upgraded = openDatabase(path, { migrate: false });
    ensureDerived(upgraded, (message) => messages.push(message));
    expect(storedIntervals(upgraded)).toEqual(expected.intervals);
    expect(storedNextAt(upgraded)).toEqual(expected.nextAt);
    expect(dimensions(upgraded)).toEqual(expected.dimensions);
    expect(storedPacked(upgraded)).toEqual(expected.packed);
    // Says it starts (it can take minutes) and when it is done.
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/bringing derived rows up to date for \d+ conversations/);
    expect(messages[1]).toMatch(/derived rows brought up to date \(\d+ conversations' statistics packed, \d+ agents, groups and channels re-read\) in \d+ ms/);
    // Already current: nothing is redone.
    ensureDerived(upgraded, (message) => messages.push(message));
    expect(messages).toHaveLength(2);
  });

  /** Marks `live` as written by derived version `version`, then opens it again as the next start after an upgrade would. */
  function upgradeFrom(live: Db, path: string, version: string): Db {
    setSetting(live, SETTING.derivedVersion, version);
    live.$client.close();
    const upgraded = openDatabase(path, { migrate: false });
    ensureDerived(upgraded);
    expect(getSetting(upgraded, SETTING.derivedVersion)).toBe(DERIVED_VERSION);
    return upgraded;
  }
  /** Transitions still carrying the marker a test wrote: a rebuild of the history rows would have replaced it. */
  const historyMarkers = (db: Db) => (db.$client.prepare('select count(*) as n from status_transitions where next_at = -1').get() as { n: number }).n;

  it('from version 4, only the packed statistics are written: the history rows stay as they are', () => {
    const path = tempDatabasePath('derived-packed-upgrade');
    const live = openDatabase(path);
    ingestInBatches(live, events, 50);
    const expected = storedPacked(live);
    live.$client.exec('update conversations set statistics_packed = null; update status_transitions set next_at = -1');
    const upgraded = upgradeFrom(live, path, '4');
    expect(storedPacked(upgraded)).toEqual(expected);
    // A version-4 database's history rows are current: not recomputed (the marker stays).
    expect(historyMarkers(upgraded)).toBeGreaterThan(0);
  });

  it('from version 5, flags stored false though never sent are null again; flags sent stay as sent', () => {
    const path = tempDatabasePath('derived-flags-upgrade');
    const live = openDatabase(path);
    // An agent seen only as an actor (nothing known of their login), beside the stream's agents, whose flags are sent.
    const byActor = JSON.parse(fixtureText(FIXTURE_FILES[2]!)) as { data: { actor: { id: string } } };
    byActor.data.actor.id = 'agent-seen-only-as-actor';
    ingestInBatches(live, [byActor, ...events], 50);
    const flags = (db: Db) => ({
      agents: db.$client.prepare('select id, login_status, is_deactivated, is_deleted from agents order by id').all(),
      groups: db.$client.prepare('select id, is_deactivated, auto_assignment_enabled from groups order by id').all(),
      channels: db.$client.prepare('select id, enabled, public from channels order by id').all(),
    });
    const expected = flags(live);
    expect(expected.agents.some((a: any) => a.login_status === null)).toBe(true);
    expect(expected.agents.some((a: any) => a.is_deleted === 0)).toBe(true);
    // What a version-5 database holds: every unsent flag stored as false.
    live.$client.exec(`
      update agents set login_status = coalesce(login_status, 0), is_deactivated = coalesce(is_deactivated, 0), is_deleted = coalesce(is_deleted, 0);
      update groups set is_deactivated = coalesce(is_deactivated, 0), auto_assignment_enabled = coalesce(auto_assignment_enabled, 0);
      update channels set enabled = coalesce(enabled, 0), public = coalesce(public, 0);
      update status_transitions set next_at = -1;`);
    expect(flags(live)).not.toEqual(expected);
    const upgraded = upgradeFrom(live, path, '5');
    expect(flags(upgraded)).toEqual(expected);
    // Nothing else is recomputed from version 5 (the marker stays).
    expect(historyMarkers(upgraded)).toBeGreaterThan(0);
  });
});
