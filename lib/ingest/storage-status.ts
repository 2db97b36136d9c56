/**
 * The outcome of the last ingest write, so /api/health can say "ingest cannot write" (disk full,
 * read-only file) even while reads still work. Kept on globalThis: Next.js bundles each route
 * separately, and the ingest and health routes must share it.
 */
export type StorageStatus = { writable: true } | { writable: false; error: string; since: string };

const globalForStatus = globalThis as typeof globalThis & { __ingestStorage?: StorageStatus };

export function storageStatus(): StorageStatus {
  return globalForStatus.__ingestStorage ?? { writable: true };
}

export function storageFailed(error: string): void {
  const current = storageStatus();
  globalForStatus.__ingestStorage = { writable: false, error, since: current.writable ? new Date().toISOString() : current.since };
}

export function storageRecovered(): void {
  globalForStatus.__ingestStorage = { writable: true };
}
