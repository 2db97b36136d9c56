import { getDb } from '@/db/client';
import { conversationHistoryCsv } from '@/lib/reports/conversation-history-csv';
import { csvDownload } from '@/lib/reports/csv-download';
import { decodeSegment } from '@/lib/server/url-segment';

export const dynamic = 'force-dynamic';

const PREFIX = '/api/conversations/';
const SUFFIX = '/history.csv';

/** GET /api/conversations/<id>/history.csv: one conversation's changes as a CSV file (README, "CSV reports"). */
export async function GET(request: Request): Promise<Response> {
  // The id as the address spells it, decoded once (url-segment.ts): Next.js hands a route handler
  // its segment decoded already, where a page gets it still encoded, so decoding `params` here
  // read the id `a%2Fb` as `a/b`, another conversation's history.
  const path = new URL(request.url).pathname;
  const id = decodeSegment(path.slice(PREFIX.length, path.length - SUFFIX.length)) ?? '';
  let report;
  try {
    report = conversationHistoryCsv(getDb(), id);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return Response.json({ error: `the history cannot be read: ${message}` }, { status: 503, headers: { 'Retry-After': '5' } });
  }
  if (!report) return Response.json({ error: `no conversation ${id.slice(0, 200)} is stored` }, { status: 404 });
  return csvDownload(report.text, report.fileName);
}
