/**
 * The outcome of the last ingest writes, so /api/health can say "ingest cannot write" (disk full,
 * read-only file) even while reads still work. Kept on globalThis: Next.js bundles each route
 * separately, and the ingest and health routes must share it.
 *
 * A refused write is reported until a write succeeds, or for REPORT_FOR_MS after the last refusal:
 * a condition that persists is refused again by the next retry (clients retry after 5 s), while a
 * condition that cleared with no traffic does not keep health failing (a load balancer would
 * otherwise keep the server out of rotation, and no write could ever clear it).
 */
export const REPORT_FOR_MS = 60_000;

export type StorageStatus = { writable: true } | { writable: false; error: string; since: string };

type State = { error: string; since: string; lastFailureAt: number } | null;
const globalForStatus = globalThis as typeof globalThis & { __ingestStorage?: State };

export function storageStatus(now = Date.now()): StorageStatus {
  const state = globalForStatus.__ingestStorage;
  if (!state || now - state.lastFailureAt > REPORT_FOR_MS) return { writable: true };
  return { writable: false, error: state.error, since: state.since };
}

export function storageFailed(error: string, now = Date.now()): void {
  const current = storageStatus(now);
  globalForStatus.__ingestStorage = { error, since: current.writable ? new Date(now).toISOString() : current.since, lastFailureAt: now };
}

export function storageRecovered(): void {
  globalForStatus.__ingestStorage = null;
}
