import { asc, gt } from 'drizzle-orm';
import { writeTransaction, type Db } from '../../db/client';
import { events, projectionTables } from '../../db/schema';
import { countProjectionRebuild } from '../events/stored-counts';
import { validateEnvelope, type ValidationIssue } from '../events/validate';
import { projectEvent } from './project-event';
import { writeProjections, type StoredProjection } from './write-projections';

export type ReprojectSummary = { events: number; projected: number; unreadable: { eventId: number; issues: ValidationIssue[] }[] };

/**
 * Rebuilds every projection table from the raw event store, through the same rules as live
 * ingest (projectEvent, writeProjections). One transaction: readers see the old projections
 * until the new ones are complete, and a failure leaves the old ones in place.
 */
export function reprojectAll(db: Db, options: { batchSize?: number; onProgress?: (done: number) => void } = {}): ReprojectSummary {
  const batchSize = options.batchSize ?? 2_000;
  const summary: ReprojectSummary = { events: 0, projected: 0, unreadable: [] };
  writeTransaction(db, () => {
    for (const table of projectionTables) db.delete(table).run();
    countProjectionRebuild(db);
    let lastId = 0;
    for (;;) {
      const page = db
        .select({ id: events.id, dedupeKey: events.dedupeKey, eventTime: events.eventTime, payload: events.payload })
        .from(events)
        .where(gt(events.id, lastId))
        .orderBy(asc(events.id))
        .limit(batchSize)
        .all();
      if (page.length === 0) break;
      const projections: StoredProjection[] = [];
      for (const row of page) {
        // Stored events passed validation when they arrived; a schema change since may reject one.
        const result = validateEnvelope(JSON.parse(row.payload));
        if (result.ok) projections.push({ eventId: row.id, projection: projectEvent(row, result.envelope) });
        else summary.unreadable.push({ eventId: row.id, issues: result.issues });
      }
      writeProjections(db, projections);
      summary.events += page.length;
      summary.projected += projections.length;
      lastId = page[page.length - 1]!.id;
      options.onProgress?.(summary.events);
    }
  });
  return summary;
}
