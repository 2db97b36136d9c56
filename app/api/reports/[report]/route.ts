import { getDb } from '@/db/client';
import { invalidFiltersResponse } from '@/lib/filters/invalid-filters';
import { parseFilters } from '@/lib/filters/parse-filters';
import { csvDownload } from '@/lib/reports/csv-download';
import { isReportName, REPORT_NAMES } from '@/lib/reports/names';
import { openReport } from '@/lib/reports/open-report';

export const dynamic = 'force-dynamic';

/**
 * GET /api/reports/<name>.csv?<filters>: what a page shows, as a CSV download (README, "CSV
 * reports"). Every error is answered as JSON before the first byte of CSV; once rows flow, the
 * file is streamed from a read-only connection of its own, closed when the client goes away.
 */
export async function GET(request: Request, { params }: { params: Promise<{ report: string }> }): Promise<Response> {
  const { report } = await params;
  const name = report.endsWith('.csv') ? report.slice(0, -'.csv'.length) : '';
  if (!isReportName(name)) {
    return Response.json(
      { error: `no report ${report}: the reports are ${REPORT_NAMES.map((n) => `${n}.csv`).join(', ')}`, reports: REPORT_NAMES.map((n) => `/api/reports/${n}.csv`) },
      { status: 404 },
    );
  }
  const parsed = parseFilters(new URL(request.url).searchParams);
  if (!parsed.ok) {
    return invalidFiltersResponse(parsed.errors);
  }
  let opened;
  try {
    // The shared connection opens and migrates the database on first use; the export then reads it through its own.
    getDb();
    opened = await openReport(name, parsed.filters, { signal: request.signal, thread: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return Response.json({ error: `the report cannot be read: ${message}` }, { status: 503, headers: { 'Retry-After': '5' } });
  }
  return csvDownload(opened.body, opened.fileName);
}
