import type { Db } from '../../db/client';
import { openReadConnection } from '../../db/read-connection';
import type { Filters } from '../filters/parse-filters';
import { ENTITY_KINDS, storedNames, type EntityKind } from '../queries/entity-names';
import { isoTime, type Cell } from './csv';
import { arraySource, csvStream, type CsvSource } from './csv-stream';
import type { ReportName } from './names';
import { ROW_REPORTS, type NameColumn } from './row-reports';
import { figure } from '../server/figure-threads';
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
 * agents.csv and groups.csv are computed in full first: with `thread` (the server), on a figure
 * thread (lib/server/figure-threads.ts), since a long range at a million conversations takes
 * seconds; otherwise here.
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
  const connection = openReadConnection(options.databasePath);
  let source: CsvSource;
  try {
    const report = ROW_REPORTS[name];
    const query = report.query(connection.db, filters);
    const selected = Object.keys(query._.selectedFields);
    const times = report.times.map((column) => selected.indexOf(column));
    const fillNames = nameFiller(connection.db, selected, report.names ?? []);
    const packed = report.packed ? { at: selected.indexOf(report.packed.column), cells: report.packed.cells } : null;
    const cursor = connection.cursor(query);
    source = {
      header: report.packed ? selected.flatMap((column) => (column === report.packed!.column ? report.packed!.header : [column])) : selected,
      next() {
        const row = cursor.next() as Cell[] | undefined;
        if (row) {
          for (const i of times) row[i] = isoTime(row[i]);
          fillNames(row);
          if (packed) row[packed.at] = packed.cells(row[packed.at]);
        }
        return row;
      },
      close: connection.close,
    };
  } catch (error) {
    connection.close();
    throw error;
  }
  return { fileName, body: csvStream(source, options.signal) };
}

/** Fills a row's name columns from the channels, groups and agents tables, read once here. */
function nameFiller(db: Db, header: readonly string[], columns: readonly NameColumn[]): (row: Cell[]) => void {
  if (columns.length === 0) return () => {};
  const names = new Map(ENTITY_KINDS.map((kind) => [kind, storedNames(db, kind)]));
  const lookups = columns.map(({ name, id, kind }) => ({
    at: header.indexOf(name),
    idAt: header.indexOf(id),
    kind: typeof kind === 'string' ? names.get(kind)! : null,
    kindAt: typeof kind === 'string' ? -1 : header.indexOf(kind.column),
  }));
  return (row) => {
    for (const { at, idAt, kind, kindAt } of lookups) {
      const id = row[idAt];
      const table = kind ?? names.get(row[kindAt] as EntityKind);
      row[at] = typeof id === 'string' && table ? (table.get(id) ?? null) : null;
    }
  };
}
