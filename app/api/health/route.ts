import { headers } from 'next/headers';
import { getDb } from '@/db/client';
import { VIEWER_HEADER } from '@/lib/auth/viewer-header';
import { storageStatus } from '@/lib/ingest/storage-status';
import { getHealth } from '@/lib/queries/health';

export const dynamic = 'force-dynamic';

/**
 * Reachable without signing in (load balancers). To anyone it says whether the database can be
 * read and ingest can write; the figures (event and conversation counts, last receipt) and the
 * reasons of a failure go only to a viewer (signed in, or a first run with open access).
 */
export async function GET(): Promise<Response> {
  const viewer = (await headers()).get(VIEWER_HEADER) !== null;
  let figures;
  try {
    figures = getHealth(getDb());
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const details = viewer ? { events: null, conversations: null, lastEventAt: null, error: message } : {};
    return Response.json({ status: 'error', db: 'unavailable', ...details }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
  }
  const storage = storageStatus();
  const shown = viewer ? figures : {};
  if (!storage.writable) {
    // Why and since when, like the figures, only to a viewer (the README's promise: no error details to anyone else).
    const reason = viewer ? { error: storage.error, since: storage.since } : {};
    return Response.json(
      { status: 'error', db: 'ok', ingest: 'unwritable', ...reason, ...shown },
      { status: 503, headers: { 'Cache-Control': 'no-store' } },
    );
  }
  return Response.json({ status: 'ok', db: 'ok', ...shown }, { headers: { 'Cache-Control': 'no-store' } });
}
