import { sql } from 'drizzle-orm';
import { prepareDirect, writeTransaction, type Db } from '../../db/client';
import { events, type NewEvent } from '../../db/schema';
import { addToStoredEventCount } from '../events/stored-counts';
import { toStoredEvent } from '../events/stored-event';
import { validateEnvelope, type ValidationIssue } from '../events/validate';
import { projectEvent, type EventProjection } from '../projection/project-event';
import { writeProjections, type StoredProjection } from '../projection/write-projections';

export type Rejection = { index: number; issues: ValidationIssue[] };

/** The response body of POST /api/events, item by item. */
export type IngestSummary = { accepted: number; duplicates: number; rejected: Rejection[] };

/**
 * A request's items, validated and turned into rows and projections: all the CPU work, done before
 * taking the write lock (and, in the server, on another thread than the writes). Plain data, so
 * it can be handed to the writer thread as it is.
 */
export type PreparedBatch = { rows: { row: NewEvent; projection: EventProjection }[]; rejected: Rejection[] };

/**
 * The one path every event takes, whether it arrives over HTTP or from `npm run import`:
 * validate → store raw → project.
 *
 * Valid items are stored even when others are rejected. Everything a call writes (raw events and
 * projections) commits in one transaction, so a crash leaves either all of it or none, and the
 * caller acknowledges only after the commit.
 */
export function ingestEnvelopes(db: Db, items: readonly unknown[], receivedAt: ReceivedAt = Date.now()): IngestSummary {
  return storeBatches(db, [prepareBatch(items, receivedAt)])[0]!;
}

/**
 * When the items were received: one time for all (a request), or one per item (the demo loader,
 * whose generated history is received as it happens rather than all at the moment it is loaded).
 */
export type ReceivedAt = number | readonly number[];

export function prepareBatch(items: readonly unknown[], receivedAt: ReceivedAt = Date.now()): PreparedBatch {
  const batch: PreparedBatch = { rows: [], rejected: [] };
  items.forEach((item, index) => {
    const result = validateEnvelope(item);
    if (!result.ok) batch.rejected.push({ index, issues: result.issues });
    else {
      const at = typeof receivedAt === 'number' ? receivedAt : receivedAt[index]!;
      const row = toStoredEvent(item as Record<string, unknown>, result.envelope, at);
      batch.rows.push({ row, projection: projectEvent(row, result.envelope) });
    }
  });
  return batch;
}

/** Stores several prepared batches in one transaction (see group-commit.ts) and says what became of each. */
export function storeBatches(db: Db, batches: readonly PreparedBatch[]): IngestSummary[] {
  const summaries = batches.map((batch) => ({ accepted: 0, duplicates: batch.rows.length, rejected: batch.rejected }));
  if (batches.every((batch) => batch.rows.length === 0)) return summaries;
  const insertEvent = insertEventStatement(db);
  writeTransaction(db, () => {
    const projections: StoredProjection[] = [];
    batches.forEach((batch, i) => {
      for (const { row, projection } of batch.rows) {
        const eventId = insertEvent.firstValue(row) as number | undefined;
        if (eventId === undefined) continue; // already stored: a duplicate delivery
        summaries[i]!.accepted += 1;
        summaries[i]!.duplicates -= 1;
        projections.push({ eventId, projection });
      }
    });
    writeProjections(db, projections);
    addToStoredEventCount(db, projections.length);
  });
  return summaries;
}

const insertEventStatements = new WeakMap<Db, ReturnType<typeof buildInsertEvent>>();

function buildInsertEvent(db: Db) {
  const query = db
    .insert(events)
    .values({
      dedupeKey: sql.placeholder('dedupeKey'),
      event: sql.placeholder('event'),
      conversationId: sql.placeholder('conversationId'),
      eventTime: sql.placeholder('eventTime'),
      receivedAt: sql.placeholder('receivedAt'),
      accountId: sql.placeholder('accountId'),
      payload: sql.placeholder('payload'),
    })
    .onConflictDoNothing({ target: events.dedupeKey })
    .returning({ id: events.id });
  return prepareDirect<NewEvent>(db, query);
}

function insertEventStatement(db: Db) {
  let statement = insertEventStatements.get(db);
  if (!statement) {
    statement = buildInsertEvent(db);
    insertEventStatements.set(db, statement);
  }
  return statement;
}
