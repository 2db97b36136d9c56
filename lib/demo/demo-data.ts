import { eq } from 'drizzle-orm';
import { writeTransaction, type Db } from '../../db/client';
import { events, projectionTables } from '../../db/schema';
import { addToStoredEventCount, storedEventCount } from '../events/stored-counts';
import { ingestEnvelopes } from '../ingest/ingest-envelopes';
import { reprojectAll } from '../projection/reproject';
import { deleteSetting, getSetting, SETTING, setSetting } from '../settings';
import { generateEvents, type GeneratorOptions } from './generator';

/**
 * What the first run loads: a mid-sized team over the dashboard's default range, 30 days (today
 * and the 29 before it, each from midnight UTC), so that no day of the first screen is empty or
 * cut short. (History ending at the moment of loading began part-way through a day: the first
 * screen opened on an empty day and one of a few night-time conversations.)
 */
export const FIRST_RUN_DEMO = { seed: 20261125, days: 30, conversationsPerDay: 150, accountId: 'acc-demo' } as const;

const DAY_MS = 86_400_000;

/** The first run's demo: FIRST_RUN_DEMO.days whole UTC days up to `now`. */
export function loadFirstRunDemo(db: Db, now = Date.now(), onProgress?: (events: number) => void) {
  const from = Math.floor(now / DAY_MS) * DAY_MS - (FIRST_RUN_DEMO.days - 1) * DAY_MS;
  // A day more is generated, and its conversations dropped: those still open at midnight carry
  // their load into the first day (routing respects agents' capacity), as a real team's would.
  return loadDemoData(db, { days: FIRST_RUN_DEMO.days + 1, end: now }, onProgress, { from, days: FIRST_RUN_DEMO.days });
}

export type DemoStatus = { loadedAt: string; accountId: string; days: number; conversations: number };

/**
 * Loads generated history through the same ingest path as real events (validation, raw store,
 * projections), and remembers that the database holds demo data so the UI can say so.
 */
export function loadDemoData(
  db: Db,
  options: GeneratorOptions = {},
  onProgress?: (events: number) => void,
  /** Keep only the conversations created from `from` (epoch ms), `days` days of them: all by default. */
  keep?: { from: number; days: number },
) {
  const settings = { ...FIRST_RUN_DEMO, ...options };
  const totals = { accepted: 0, duplicates: 0, rejected: 0 };
  const conversationIds = new Set<string>();
  let batch: unknown[] = [];
  let receipts: number[] = [];
  const flush = () => {
    const summary = ingestEnvelopes(db, batch, receipts);
    totals.accepted += summary.accepted;
    totals.duplicates += summary.duplicates;
    totals.rejected += summary.rejected.length;
    batch = [];
    receipts = [];
    onProgress?.(totals.accepted + totals.duplicates);
  };
  // Each event is received when it is delivered: at its time, or, delivered late, at the time of
  // the latest event delivered before it (so receipt times grow with event ids, as a live server's
  // do). Never after the load: history generated up to a later end is received now. Stamping every
  // event with the moment of loading instead made the first screen count the whole demo as
  // "events, last 5 min" and every raw event "received" at one instant.
  const loadedAt = Date.now();
  let received = -Infinity;
  for (const envelope of generateEvents(settings)) {
    if (keep && Date.parse(String(envelope.data.conversation.created_time)) < keep.from) continue;
    conversationIds.add(envelope.data.conversation.conversation_id);
    received = Math.max(received, Math.min(Math.floor(envelope.timestamp), loadedAt));
    batch.push(envelope);
    receipts.push(received);
    if (batch.length === 1000) flush();
  }
  if (batch.length > 0) flush();
  const status: DemoStatus = { loadedAt: new Date(loadedAt).toISOString(), accountId: settings.accountId, days: keep?.days ?? settings.days, conversations: conversationIds.size };
  setSetting(db, SETTING.demoData, JSON.stringify(status));
  return { ...totals, conversations: conversationIds.size };
}

export function demoStatus(db: Db): DemoStatus | null {
  const raw = getSetting(db, SETTING.demoData);
  return raw ? (JSON.parse(raw) as DemoStatus) : null;
}

/** Removes the demo events and rebuilds the projections from what is left (real events stay). */
export function clearDemoData(db: Db): { removedEvents: number; remainingEvents: number } {
  const status = getSetting(db, SETTING.demoData);
  const accountId = status ? (JSON.parse(status) as { accountId: string }).accountId : FIRST_RUN_DEMO.accountId;
  return writeTransaction(db, () => {
    // Projections point at events: empty them first, then drop the demo events, then rebuild.
    for (const table of projectionTables) db.delete(table).run();
    const removedEvents = db.delete(events).where(eq(events.accountId, accountId)).run().changes;
    addToStoredEventCount(db, -removedEvents);
    reprojectAll(db);
    deleteSetting(db, SETTING.demoData);
    const remainingEvents = storedEventCount(db);
    return { removedEvents, remainingEvents };
  });
}
