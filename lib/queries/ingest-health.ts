import { desc, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { events, ingestMinutes, ingestRejections, type IngestMinuteRow } from '../../db/schema';
import { ERROR_STATUSES, minuteOf, type ErrorStatus, type PendingLog } from '../ingest/ingest-log';

export const CHART_MINUTES = 60;
export const LATEST_REJECTIONS = 20;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type IngestMinutePoint = { minute: number; accepted: number; duplicates: number; rejected: number };
export type IngestRejection = {
  at: number;
  status: number;
  error: string | null;
  rejectedItems: number;
  issues: { index: number; path: string; message: string }[];
};

export type IngestHealth = {
  /** When the last event was stored (any path: HTTP or `npm run import`). */
  lastEventAt: number | null;
  /** From the ingest log (POST /api/events on this server), minute-aligned windows ending now. */
  lastHour: { requests: number; accepted: number; duplicates: number; rejected: number };
  lastDay: { requests: number; accepted: number; duplicates: number; rejected: number; refused: Record<ErrorStatus, number> };
  /** The last CHART_MINUTES minutes, oldest first, the current minute last. */
  perMinute: IngestMinutePoint[];
  latestRejections: IngestRejection[];
};

/** Ingest figures: the stored log plus what the running server has not flushed yet (`pending`). */
export function getIngestHealth(db: Db, pending: PendingLog, now = Date.now()): IngestHealth {
  const since = minuteOf(now) - DAY + 60_000;
  const rows = db.select().from(ingestMinutes).where(gte(ingestMinutes.minute, since)).all();
  const byMinute = new Map<number, IngestMinuteRow>();
  for (const row of [...rows, ...pending.minutes.filter((m) => m.minute >= since)]) {
    const sum = byMinute.get(row.minute);
    byMinute.set(row.minute, sum ? addRows(sum, row) : { ...row });
  }
  const within = (start: number) => [...byMinute.values()].filter((row) => row.minute >= start);
  const total = (list: IngestMinuteRow[]) => list.reduce((sum, row) => addRows(sum, row), emptyRow(0));
  const hour = total(within(minuteOf(now) - HOUR + 60_000));
  const day = total([...byMinute.values()]);

  const firstMinute = minuteOf(now) - (CHART_MINUTES - 1) * 60_000;
  const perMinute = Array.from({ length: CHART_MINUTES }, (_, i) => {
    const row = byMinute.get(firstMinute + i * 60_000);
    return { minute: firstMinute + i * 60_000, accepted: row?.eventsAccepted ?? 0, duplicates: row?.duplicates ?? 0, rejected: row?.eventsRejected ?? 0 };
  });

  const stored = db.select().from(ingestRejections).orderBy(desc(ingestRejections.id)).limit(LATEST_REJECTIONS).all();
  const latestRejections = [...pending.rejections.slice().reverse(), ...stored].slice(0, LATEST_REJECTIONS).map((r) => ({
    at: r.at,
    status: r.status,
    error: r.error ?? null,
    rejectedItems: r.rejectedItems ?? 0,
    issues: JSON.parse(r.issues) as IngestRejection['issues'],
  }));

  // Ids grow with receipt: the last id is the last event received, found without a scan.
  const last = db.select({ receivedAt: events.receivedAt }).from(events).orderBy(sql`${events.id} desc`).limit(1).get();
  return {
    lastEventAt: last?.receivedAt ?? null,
    lastHour: { requests: hour.requests, accepted: hour.eventsAccepted, duplicates: hour.duplicates, rejected: hour.eventsRejected },
    lastDay: {
      requests: day.requests,
      accepted: day.eventsAccepted,
      duplicates: day.duplicates,
      rejected: day.eventsRejected,
      refused: Object.fromEntries(ERROR_STATUSES.map((status) => [status, day[`status${status}`]])) as Record<ErrorStatus, number>,
    },
    perMinute,
    latestRejections,
  };
}

function emptyRow(minute: number): IngestMinuteRow {
  return { minute, requests: 0, eventsAccepted: 0, duplicates: 0, eventsRejected: 0, status400: 0, status401: 0, status413: 0, status415: 0, status503: 0 };
}

function addRows(a: IngestMinuteRow, b: IngestMinuteRow): IngestMinuteRow {
  const sum = { ...a };
  for (const key of Object.keys(sum) as (keyof IngestMinuteRow)[]) if (key !== 'minute') sum[key] += b[key];
  return sum;
}
