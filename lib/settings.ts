import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { settings } from '../db/schema';

/** Keys of the `settings` table, each with what it holds. */
export const SETTING = {
  /** JSON `{loadedAt, seed, days, accountId}` while demo data is in the database. */
  demoData: 'demo_data',
  /** The ingest token generated on a first run without INGEST_TOKEN. */
  generatedIngestToken: 'generated_ingest_token',
  /** DERIVED_VERSION of the derived rows (lib/projection/derived.ts) this database holds. */
  derivedVersion: 'derived_version',
} as const;

export function getSetting(db: Db, key: string): string | null {
  return db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value ?? null;
}

export function setSetting(db: Db, key: string, value: string): void {
  db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
}

export function deleteSetting(db: Db, key: string): void {
  db.delete(settings).where(eq(settings.key, key)).run();
}
