import { config } from '@/lib/config';
import { checkIngestAuth } from '@/lib/ingest/auth';
import { GroupCommit } from '@/lib/ingest/group-commit';
import { prepareBatch } from '@/lib/ingest/ingest-envelopes';
import { IngestWriter } from '@/lib/ingest/writer';
import { readEventsBody } from '@/lib/ingest/read-body';
import { storageUnavailableMessage } from '@/lib/ingest/storage-errors';

export const dynamic = 'force-dynamic';

const globalForWriter = globalThis as typeof globalThis & { __ingestWriter?: IngestWriter };

// Writes go to the writer thread (lib/ingest/writer.ts), grouped into shared transactions.
const globalForIngest = globalThis as typeof globalThis & { __groupCommit?: GroupCommit };
const groupCommit = (globalForIngest.__groupCommit ??= new GroupCommit((batches) => {
  const writer = (globalForWriter.__ingestWriter ??= new IngestWriter(config().databasePath));
  return writer.store(batches);
}));

/** Receives Freshchat conversation events: see README, "Sending events". */
export async function POST(request: Request): Promise<Response> {
  const auth = checkIngestAuth(request.headers.get('authorization'), config().ingestToken);
  if (!auth.ok) {
    const headers: HeadersInit = auth.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
    return Response.json({ error: auth.error }, { status: auth.status, headers });
  }

  const body = await readEventsBody(request);
  if (!body.ok) {
    const { ok: _ok, status, abandoned, ...error } = body;
    // A body cut off past the size limit leaves unread bytes on the connection: close it rather
    // than leave the client's next request queued behind them.
    return Response.json(error, { status, headers: abandoned ? { Connection: 'close' } : {} });
  }

  let summary;
  try {
    summary = await groupCommit.submit(prepareBatch(body.items));
  } catch (error) {
    const message = storageUnavailableMessage(error);
    if (message === null) throw error;
    return Response.json({ error: message }, { status: 503, headers: { 'Retry-After': '5' } });
  }

  if (summary.accepted + summary.duplicates === 0) {
    const first = summary.rejected[0]?.issues[0];
    const error = `no valid event in the request${first ? `; first problem: ${first.path}: ${first.message}` : ''}`;
    return Response.json({ error, ...summary }, { status: 400 });
  }
  return Response.json(summary);
}
