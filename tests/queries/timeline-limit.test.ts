/**
 * A conversation's history reads its stored events up to MAX_TIMELINE_EVENTS (1,000), oldest
 * first, and says when more exist (lib/queries/conversation-history.ts; README, Conversations:
 * "The first 1,000 events are shown"). Both sides of the limit: 1,005 events and exactly 1,000.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/client';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { getConversationHistory, MAX_TIMELINE_EVENTS, type EventEntry } from '@/lib/queries/conversation-history';
import { conversationStory } from '../helpers/conversation-story';
import { openReadOnly } from '../helpers/db';
import { postEvents, startServer, tempDatabasePath, type TestServer } from '../helpers/server';

const START = Date.parse('2026-10-01T00:00:00.000Z');
const MINUTE = 60_000;

/**
 * A conversation created at START and updated once a minute after it, `events` events in all
 * (a create and events − 1 updates that change nothing but the time), newest first: the order
 * they are stored in is the reverse of the order they happened in, so "the first 1,000 stored"
 * and "the oldest 1,000" differ.
 */
function longConversation(id: string, events: number): Record<string, unknown>[] {
  const steps = Array.from({ length: events - 1 }, (_, i) => ({ at: new Date(START + (i + 1) * MINUTE).toISOString() }));
  return conversationStory(id, 'c-web', new Date(START).toISOString(), steps).reverse();
}

// T1005: 1,005 events at START + 0 … 1,004 minutes: the oldest 1,000 are minutes 0 … 999, the
// five newest (1,000 … 1,004) are left out. T1000: exactly 1,000 events, nothing left out.
const TRUNCATED = { id: 'T1005', events: 1_005 };
const EXACT = { id: 'T1000', events: 1_000 };

describe('getConversationHistory at the timeline limit', () => {
  let db: Db;
  beforeAll(() => {
    db = openDatabase(tempDatabasePath('timeline-limit'));
    ingestEnvelopes(db, longConversation(TRUNCATED.id, TRUNCATED.events));
    ingestEnvelopes(db, longConversation(EXACT.id, EXACT.events));
  });

  it('is 1,000 events', () => {
    expect(MAX_TIMELINE_EVENTS).toBe(1_000);
  });

  it('with 1,005 events: truncated, the 1,000 oldest as events in time order, eventCount the full number', () => {
    const history = getConversationHistory(db, TRUNCATED.id)!;
    expect(history.truncated).toBe(true);
    expect(history.eventCount).toBe(1_005);
    expect(history.timeline).toHaveLength(1_000);
    expect(history.timeline.every((entry) => entry.kind === 'event')).toBe(true);
    const minutes = history.timeline.map((entry) => ((entry as EventEntry).at - START) / MINUTE);
    expect(minutes).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    expect((history.timeline[0] as EventEntry).event).toBe('onConversationCreate');
  });

  it('with exactly 1,000 events: all of them, not truncated', () => {
    const history = getConversationHistory(db, EXACT.id)!;
    expect(history.truncated).toBe(false);
    expect(history.eventCount).toBe(1_000);
    expect(history.timeline).toHaveLength(1_000);
    expect(((history.timeline.at(-1) as EventEntry).at - START) / MINUTE).toBe(999);
  });
});

describe('the page /conversations/<id> at the timeline limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    for (const { id, events } of [TRUNCATED, EXACT]) {
      const loaded = await postEvents(server, JSON.stringify(longConversation(id, events)));
      expect(loaded.json).toEqual({ accepted: events, duplicates: 0, rejected: [] });
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  const page = async (id: string) => {
    const response = await fetch(`${server.url}/conversations/${id}?tz=UTC`);
    expect(response.status).toBe(200);
    // React separates adjacent text with `<!-- -->`.
    return (await response.text()).replaceAll('<!-- -->', '');
  };
  /** The events the timeline lists: its `<li class="event" data-event-id="…">` items. */
  const listedEventIds = (html: string) => [...html.matchAll(/<li class="event" data-event-id="(\d+)"/g)].map((match) => Number(match[1]));

  it('with 1,005 events says it shows the first 1,000 of 1,005, and lists the 1,000 oldest', async () => {
    const html = await page(TRUNCATED.id);
    expect(html).toContain('Showing the first 1,000 of 1,005 stored events.');
    const db = openReadOnly(server.databasePath);
    const oldest = db
      .prepare('select id from events where conversation_id = ? order by event_time, id limit 1000')
      .pluck()
      .all(TRUNCATED.id) as number[];
    db.close();
    expect(listedEventIds(html)).toEqual(oldest);
  });

  it('with exactly 1,000 events lists them all and says nothing of a limit', async () => {
    const html = await page(EXACT.id);
    expect(html).not.toContain('Showing the first');
    expect(listedEventIds(html)).toHaveLength(1_000);
  });
});
