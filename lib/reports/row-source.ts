import type { Db } from '../../db/client';
import { openReadConnection } from '../../db/read-connection';
import type { Filters } from '../filters/parse-filters';
import { ENTITY_KINDS, storedNames, type EntityKind } from '../queries/entity-names';
import { isoTime, type Cell } from './csv';
import type { CsvSource } from './csv-stream';
import { ROW_REPORTS, type NameColumn } from './row-reports';

export type RowReportName = keyof typeof ROW_REPORTS;

/**
 * The rows of a row report (ROW_REPORTS) as cells, read one at a time from a read-only connection
 * of the report's own, which `close` closes. Throws before any row if the database cannot be
 * opened or the query prepared.
 */
export function openRowSource(name: RowReportName, filters: Filters, databasePath?: string): CsvSource {
  const connection = openReadConnection(databasePath);
  try {
    const report = ROW_REPORTS[name];
    const query = report.query(connection.db, filters);
    const selected = Object.keys(query._.selectedFields);
    const times = report.times.map((column) => selected.indexOf(column));
    const fillNames = nameFiller(connection.db, selected, report.names ?? []);
    const packed = report.packed ? { at: selected.indexOf(report.packed.column), cells: report.packed.cells } : null;
    const cursor = connection.cursor(query);
    return {
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
