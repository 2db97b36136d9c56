/**
 * Failures of the storage itself (disk full, read-only file, I/O error, lock held too long),
 * as opposed to bugs: the client should retry later, so they answer 503 with what is wrong.
 */
export function storageUnavailableMessage(error: unknown): string | null {
  const code = (error as { code?: unknown })?.code;
  if (code === 'DATABASE_UNAVAILABLE') return (error as Error).message;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  if (code === 'SQLITE_FULL') return 'storage full: the database disk has no space left; free space, then retry';
  if (code.startsWith('SQLITE_READONLY')) return 'storage is read-only: the database file or its folder cannot be written; fix permissions, then retry';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'storage busy: another writer held the database too long; retry';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) return `storage I/O error (${code}); check the database disk, then retry`;
  return null;
}
