import type { Filters } from '../filters/parse-filters';
import { figure } from '../server/figure-threads';
import { arraySource, csvStream } from './csv-stream';
import { csvThreadBody } from './csv-thread';
import type { ReportName } from './names';
import { openRowSource } from './row-source';
import { teamReportHeader, teamReportRowsOf } from './team-reports';

export type OpenedReport = { fileName: string; body: ReadableStream<Uint8Array> };

/** `conversations_2026-10-01_2026-10-31.csv`: the report, and the range's first and last day (in the filters' timezone). */
export function reportFileName(name: ReportName, filters: Filters): string {
  return `${name}_${filters.from}_${filters.to}.csv`;
}

/**
 * Opens a report for download. Everything that can fail before the first row (opening the
 * database, preparing the query, computing a team report) fails here, so the caller can still
 * answer with an error status; after that, rows are read as the stream is consumed, through a
 * read-only connection of the export's own that is closed when the stream ends, fails, is
 * cancelled or `signal` aborts.
 *
 * With `thread` (the server), no report is computed on the calling thread: the row reports are
 * read and written on a thread of the download's own (csv-thread.ts), and agents.csv and
 * groups.csv, computed in full first (a long range at a million conversations takes seconds), on a
 * figure thread (lib/server/figure-threads.ts). Without it (tests, scripts), everything runs here.
 */
export async function openReport(
  name: ReportName,
  filters: Filters,
  options: { databasePath?: string; signal?: AbortSignal; thread?: boolean } = {},
): Promise<OpenedReport> {
  const fileName = reportFileName(name, filters);
  if (name === 'agents' || name === 'groups') {
    const kind = name === 'agents' ? 'agent' : 'group';
    const rows = options.thread ? await figure('teamReport', filters, kind) : teamReportRowsOf(options.databasePath, kind, filters);
    return { fileName, body: csvStream(arraySource(teamReportHeader(kind), rows), options.signal) };
  }
  if (options.thread) return { fileName, body: await csvThreadBody(name, filters, options.signal) };
  return { fileName, body: csvStream(openRowSource(name, filters, options.databasePath), options.signal) };
}
