import { getDb } from '@/db/client';
import { conversationHistoryCsv } from '@/lib/reports/conversation-history-csv';
import { csvDownload } from '@/lib/reports/csv-download';
import { decodeSegment } from '@/lib/server/url-segment';

export const dynamic = 'force-dynamic';

/** GET /api/conversations/<id>/history.csv: one conversation's changes as a CSV file (README, "CSV reports"). */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const id = decodeSegment((await params).id) ?? '';
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
