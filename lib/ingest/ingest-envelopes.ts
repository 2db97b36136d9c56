import { sql } from 'drizzle-orm';
import { writeTransaction, type Db } from '../../db/client';
import { events } from '../../db/schema';
import type { Envelope } from '../events/schema';
import { toStoredEvent } from '../events/stored-event';
import { validateEnvelope, type ValidationIssue } from '../events/validate';
import { projectEvent, type EventProjection } from '../projection/project-event';
import { writeProjections } from '../projection/write-projections';

export type Rejection = { index: number; issues: ValidationIssue[] };

/** The response body of POST /api/events, item by item. */
export type IngestSummary = { accepted: number; duplicates: number; rejected: Rejection[] };

/**
 * Validates, stores and projects a batch of envelopes: the one path every event takes, whether it
 * arrives over HTTP or from `npm run import`.
 *
 * Valid items are stored even when others are rejected. Everything the batch writes (raw events
 * and projections) commits in one transaction, so a crash leaves either all of it or none, and
 * the caller acknowledges only after the commit.
 */
export function ingestEnvelopes(db: Db, items: readonly unknown[], receivedAt = Date.now()): IngestSummary {
  const rejected: Rejection[] = [];
  const valid: { raw: Record<string, unknown>; envelope: Envelope }[] = [];
  items.forEach((item, index) => {
    const result = validateEnvelope(item);
    if (result.ok) valid.push({ raw: item as Record<string, unknown>, envelope: result.envelope });
    else rejected.push({ index, issues: result.issues });
  });
  const rows = valid.map(({ raw, envelope }) => ({ envelope, row: toStoredEvent(raw, envelope, receivedAt) }));

  let accepted = 0;
  if (rows.length > 0) {
    const insertEvent = insertEventStatement(db);
    writeTransaction(db, () => {
      const projections: EventProjection[] = [];
      for (const { envelope, row } of rows) {
        const inserted = insertEvent.get(row);
        if (!inserted) continue; // already stored: a duplicate delivery
        accepted += 1;
        projections.push(projectEvent({ id: inserted.id, dedupeKey: row.dedupeKey, eventTime: row.eventTime }, envelope));
      }
      writeProjections(db, projections);
    });
  }
  return { accepted, duplicates: rows.length - accepted, rejected };
}

const insertEventStatements = new WeakMap<Db, ReturnType<typeof buildInsertEvent>>();

function buildInsertEvent(db: Db) {
  return db
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
    .returning({ id: events.id })
    .prepare();
}

function insertEventStatement(db: Db) {
  let statement = insertEventStatements.get(db);
  if (!statement) {
    statement = buildInsertEvent(db);
    insertEventStatements.set(db, statement);
  }
  return statement;
}
