import { lt, lte, sql } from 'drizzle-orm';
import { getDb, openDatabase, setBusyTimeout, writeTransaction, type Db } from '../../db/client';
import { config } from '../config';
import { ingestMinutes, ingestRejections, type IngestMinuteRow, type NewIngestRejection } from '../../db/schema';
import type { IngestSummary } from './ingest-envelopes';

/**
 * The ingest log: what POST /api/events answered, minute by minute, and why requests or items
 * were rejected. Recording is a few in-memory additions (no database write per request: the
 * single-event POST rate is measured against a parse-only baseline); the counters are flushed to
 * `ingest_minutes` / `ingest_rejections` every FLUSH_INTERVAL_MS and when the process exits.
 *
 * Never recorded: the payload, the token, anything quoted from the body.
 */
export const FLUSH_INTERVAL_MS = 5_000;
/** Minutes older than this are pruned at each flush. */
export const KEEP_MINUTES_MS = 30 * 86_400_000;
/** Rejection reasons kept (the newest). */
export const KEEP_REJECTIONS = 100;
const ISSUES_KEPT = 5;
const MAX_ERROR_LENGTH = 300;

export const ERROR_STATUSES = [400, 401, 413, 415, 503] as const;
export type ErrorStatus = (typeof ERROR_STATUSES)[number];
const STATUS_COLUMN = { 400: 'status400', 401: 'status401', 413: 'status413', 415: 'status415', 503: 'status503' } as const;

export type MinuteCounters = Omit<IngestMinuteRow, 'minute'>;
export type PendingMinute = IngestMinuteRow;
export type PendingRejection = Omit<NewIngestRejection, 'id'> & { at: number; status: number; issues: string };

/** What the log has not written yet: readers add it to the stored figures, so pages are never 5 s behind. */
export type PendingLog = { minutes: PendingMinute[]; rejections: PendingRejection[] };

const emptyCounters = (): MinuteCounters => ({
  requests: 0,
  eventsAccepted: 0,
  duplicates: 0,
  eventsRejected: 0,
  status400: 0,
  status401: 0,
  status413: 0,
  status415: 0,
  status503: 0,
});

export const minuteOf = (ms: number) => Math.floor(ms / 60_000) * 60_000;

export class IngestLog {
  private minutes = new Map<number, MinuteCounters>();
  private rejections: PendingRejection[] = [];

  /** A request that was read and validated: 200, or 400 when no item in it was valid. */
  recordSummary(summary: IngestSummary, status: 200 | 400, error: string | null = null, now = Date.now()): void {
    const counters = this.countersAt(now);
    counters.requests += 1;
    counters.eventsAccepted += summary.accepted;
    counters.duplicates += summary.duplicates;
    counters.eventsRejected += summary.rejected.length;
    if (status === 400) counters.status400 += 1;
    if (summary.rejected.length > 0) {
      const issues = summary.rejected
        .flatMap((item) => item.issues.map((issue) => ({ index: item.index, path: issue.path, message: withoutQuotedValues(issue.message) })))
        .slice(0, ISSUES_KEPT);
      this.addRejection({ at: now, status, error: error === null ? null : safeError(error), rejectedItems: summary.rejected.length, issues: JSON.stringify(issues) });
    }
  }

  /** A request refused as a whole (auth, content type, size, malformed body, storage unavailable). */
  recordFailure(status: ErrorStatus, error: string, now = Date.now()): void {
    const counters = this.countersAt(now);
    counters.requests += 1;
    counters[STATUS_COLUMN[status]] += 1;
    this.addRejection({ at: now, status, error: safeError(error), rejectedItems: 0, issues: '[]' });
  }

  pending(): PendingLog {
    return { minutes: [...this.minutes].map(([minute, counters]) => ({ minute, ...counters })), rejections: [...this.rejections] };
  }

  /**
   * Writes what is pending in one short transaction, and prunes. If the database is busy (a large
   * batch holds the write lock) nothing is lost: the counts stay pending for the next flush.
   */
  flush(db: Db, now = Date.now()): void {
    const { minutes, rejections } = this.pending();
    if (minutes.length === 0 && rejections.length === 0) return;
    this.minutes = new Map();
    this.rejections = [];
    try {
      writeTransaction(db, () => {
        for (const row of minutes) {
          db.insert(ingestMinutes)
            .values(row)
            .onConflictDoUpdate({
              target: ingestMinutes.minute,
              set: Object.fromEntries(
                (Object.keys(emptyCounters()) as (keyof MinuteCounters)[]).map((key) => [key, sql`${ingestMinutes[key]} + ${row[key]}`]),
              ),
            })
            .run();
        }
        if (rejections.length > 0) db.insert(ingestRejections).values(rejections).run();
        db.delete(ingestMinutes).where(lt(ingestMinutes.minute, minuteOf(now) - KEEP_MINUTES_MS)).run();
        const oldestKept = db
          .select({ id: ingestRejections.id })
          .from(ingestRejections)
          .orderBy(sql`${ingestRejections.id} desc`)
          .limit(1)
          .offset(KEEP_REJECTIONS)
          .get();
        if (oldestKept) db.delete(ingestRejections).where(lte(ingestRejections.id, oldestKept.id)).run();
      });
    } catch (error) {
      this.restore(minutes, rejections);
      throw error;
    }
  }

  private restore(minutes: PendingMinute[], rejections: PendingRejection[]): void {
    for (const { minute, ...counts } of minutes) {
      const counters = this.countersAt(minute);
      for (const key of Object.keys(counts) as (keyof MinuteCounters)[]) counters[key] += counts[key];
    }
    this.rejections = [...rejections, ...this.rejections].slice(-KEEP_REJECTIONS);
  }

  private countersAt(now: number): MinuteCounters {
    const minute = minuteOf(now);
    let counters = this.minutes.get(minute);
    if (!counters) this.minutes.set(minute, (counters = emptyCounters()));
    return counters;
  }

  private addRejection(rejection: PendingRejection): void {
    this.rejections.push(rejection);
    if (this.rejections.length > KEEP_REJECTIONS) this.rejections.shift();
  }
}

/**
 * An answer's error message, kept only up to where it would quote the request: V8's JSON errors
 * may quote the text around the mistake (`Unexpected token '}', "[{"event": }]" is not valid
 * JSON`), so a malformed-JSON message keeps its place and reason and stops at the first double
 * quote. Other messages are ours and quote nothing but the content type.
 */
function safeError(error: string): string {
  const cut = error.startsWith('malformed JSON') ? error.split('"')[0]!.replace(/[\s,:]+$/, '') : withoutQuotedValues(error);
  return cut.length > MAX_ERROR_LENGTH ? `${cut.slice(0, MAX_ERROR_LENGTH)}…` : cut;
}

/** Validation messages quote short invalid values (`got "onFoo"`): a value from the payload, so it goes. */
function withoutQuotedValues(message: string): string {
  return message.replace(/got ".*$/, 'got a string (value not kept)');
}

const globalForLog = globalThis as typeof globalThis & { __ingestLog?: IngestLog };

/**
 * The process's one ingest log, on globalThis because route handlers and pages may be separate
 * bundles. The first use starts the periodic flush (on its own connection, which waits at most
 * 100 ms for the write lock) and a last flush at exit (`next start` exits on SIGTERM and SIGINT).
 */
export function ingestLog(): IngestLog {
  if (globalForLog.__ingestLog) return globalForLog.__ingestLog;
  const log = new IngestLog();
  globalForLog.__ingestLog = log;
  let db: Db | null = null;
  const flush = (busyTimeoutMs: number) => {
    try {
      if (!db) {
        getDb(); // the shared connection runs the migrations, once
        db = openDatabase(config().databasePath, { migrate: false });
      }
      setBusyTimeout(db, busyTimeoutMs);
      log.flush(db);
    } catch (error) {
      console.error(`ingest log: flush failed, will retry: ${(error as Error).message}`);
    }
  };
  setInterval(() => flush(100), FLUSH_INTERVAL_MS).unref();
  process.once('exit', () => flush(2_000));
  return log;
}
