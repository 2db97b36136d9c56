import { createHash, timingSafeEqual } from 'node:crypto';

export type IngestAuth = { ok: true } | { ok: false; status: 401 | 503; error: string };

/**
 * Checks `Authorization: Bearer <token>` against INGEST_TOKEN. Both sides are hashed first so
 * the comparison is constant-time whatever their lengths. With no token configured, ingest is
 * closed (503): it is never open by default.
 */
export function checkIngestAuth(authorization: string | null, expectedToken: string | undefined): IngestAuth {
  if (!expectedToken) {
    return {
      ok: false,
      status: 503,
      error: 'ingest is disabled: set INGEST_TOKEN (at least 16 characters, e.g. `openssl rand -hex 32`) in the server environment and restart it',
    };
  }
  const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '');
  if (!match) return { ok: false, status: 401, error: 'missing bearer token: send Authorization: Bearer <INGEST_TOKEN>' };
  const digest = (value: string) => createHash('sha256').update(value).digest();
  if (!timingSafeEqual(digest(match[1]!), digest(expectedToken))) {
    return { ok: false, status: 401, error: 'invalid bearer token' };
  }
  return { ok: true };
}
