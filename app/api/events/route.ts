import { config } from '@/lib/config';
import { checkIngestAuth } from '@/lib/ingest/auth';
import { expectedIngestToken } from '@/lib/ingest/ingest-token';
import { ingestLog } from '@/lib/ingest/ingest-log';
import { isEmptyRequest, readRawBody, type BodyError } from '@/lib/ingest/read-body';
import { storageUnavailableMessage } from '@/lib/ingest/storage-errors';
import { storageFailed, storageRecovered } from '@/lib/ingest/storage-status';
import { IngestWriter } from '@/lib/ingest/writer';
import type { BodyOutcome } from '@/lib/ingest/writer-worker';

export const dynamic = 'force-dynamic';

// Bodies go to the writer thread (lib/ingest/writer.ts), those that arrive together in one transaction.
const globalForIngest = globalThis as typeof globalThis & { __ingest?: { submit: IngestWriter['submit'] } };
const ingest = (globalForIngest.__ingest ??= (() => {
  let writer: IngestWriter | undefined;
  return { submit: (body) => (writer ??= new IngestWriter(config().databasePath)).submit(body) };
})());

/**
 * Any other method: 405 with a JSON body and `Allow: POST`, as every ingest answer has a JSON body
 * (Next.js's own 405 for a method not exported has neither: a blank page for someone checking the
 * address in a browser).
 */
function methodNotAllowed(): Response {
  return Response.json({ error: 'method not allowed: send events with POST (README, "Sending events")' }, { status: 405, headers: { Allow: 'POST' } });
}
export { methodNotAllowed as GET, methodNotAllowed as PUT, methodNotAllowed as PATCH, methodNotAllowed as DELETE };

/** Receives Freshchat conversation events: see README, "Sending events". */
export async function POST(request: Request): Promise<Response> {
  let token: string | undefined;
  try {
    token = expectedIngestToken();
  } catch (error) {
    // Without INGEST_TOKEN the token is read from the database: unreadable, ingest cannot check it.
    return storageUnavailable(error, { writing: false });
  }
  const auth = checkIngestAuth(request.headers.get('authorization'), token);
  if (!auth.ok) {
    // Counted in memory only (see lib/ingest/ingest-log.ts): no write on the request's path.
    ingestLog().recordFailure(auth.status, auth.error);
    const headers: HeadersInit = auth.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
    return Response.json({ error: auth.error }, { status: auth.status, headers });
  }

  const body = await readRawBody(request);
  if (!body.ok) return bodyErrorResponse(body);

  let outcome: BodyOutcome;
  try {
    outcome = await ingest.submit({ format: body.format, bytes: body.bytes });
  } catch (error) {
    return storageUnavailable(error, { writing: true });
  }
  if (!outcome.ok) return bodyErrorResponse(outcome);
  // A commit that stored something proves the storage writable again.
  if (outcome.summary.accepted > 0) storageRecovered();

  const summary = outcome.summary;
  if (summary.accepted + summary.duplicates === 0) {
    const first = summary.rejected[0]?.issues[0];
    const error = `no valid event in the request${first ? `; first problem: ${first.path}: ${first.message}` : ''}`;
    ingestLog().recordSummary(summary, 400, 'no valid event in the request');
    return Response.json({ error, ...summary }, { status: 400 });
  }
  ingestLog().recordSummary(summary, 200);
  return Response.json(summary);
}

/**
 * 503 with the reason and a Retry-After for a storage failure, counted on Ingest health; anything
 * else is thrown on. A failed write is also recorded for /api/health (`writing`); an unopenable
 * database is what health checks itself.
 */
function storageUnavailable(error: unknown, { writing }: { writing: boolean }): Response {
  const message = storageUnavailableMessage(error);
  if (message === null) throw error;
  ingestLog().recordFailure(503, message);
  if (writing && (error as { code?: unknown }).code !== 'DATABASE_UNAVAILABLE') storageFailed(message);
  return Response.json({ error: message }, { status: 503, headers: { 'Retry-After': '5' } });
}

function bodyErrorResponse({ status, abandoned, ...error }: BodyError & { ok: false }): Response {
  const { ok: _ok, ...details } = error;
  if (!isEmptyRequest({ status, ...error })) ingestLog().recordFailure(status, error.error);
  // A body cut off past the size limit leaves unread bytes on the connection: close it rather
  // than leave the client's next request queued behind them.
  const headers: Record<string, string> = abandoned ? { Connection: 'close' } : {};
  // RFC 9110: a 415 names the content codings accepted; ingest takes bodies uncompressed only.
  if (status === 415) headers['Accept-Encoding'] = 'identity';
  return Response.json(details, { status, headers });
}
