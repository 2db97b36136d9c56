import type { Db } from '../../db/client';
import { openReadConnection } from '../../db/read-connection';
import type { Filters } from '../filters/parse-filters';
import { ENTITY_KINDS, storedNames, type EntityKind } from '../queries/entity-names';
import { CsvCells, isoTime, type Cell } from './csv';
import type { CsvSource } from './csv-stream';
import { ROW_REPORTS, type NameColumn, type RowReport } from './row-reports';

export type RowReportName = keyof typeof ROW_REPORTS;

/**
 * The rows of a row report (ROW_REPORTS) as cells, read one at a time from a read-only connection
 * of the report's own, which `close` closes. Throws before any row if the database cannot be
 * opened or the query prepared.
 */
export function openRowSource(name: RowReportName, filters: Filters, databasePath?: string): CsvSource {
  const reader = openRowReader(name, filters, databasePath);
  return { header: reader.header, next: reader.rowsIn(filters.startMs, filters.endMs), close: reader.close };
}

/**
 * A row report read a window of its range at a time: `rowsIn(start, end)` reads the rows whose
 * first order column (a conversation's creation, a change's time) is in [start, end), oldest
 * first, so consecutive windows read the report's rows in its order. One connection, its names
 * read and its query prepared once for every window; `connection.holdSnapshot()` makes every
 * window read the same snapshot. Throws if the database cannot be opened or the query prepared.
 */
export function openRowReader(name: RowReportName, filters: Filters, databasePath?: string) {
  const connection = openReadConnection(databasePath);
  try {
    const report: RowReport = ROW_REPORTS[name];
    const query = report.query(connection.db, { ...filters, startMs: WINDOW_START, endMs: WINDOW_END });
    const layout = rowLayout(report, Object.keys(query._.selectedFields), connection.db);
    const window = windowParameters(query.toSQL());
    return {
      header: layout.header,
      connection,
      rowsIn(startMs: number, endMs: number): () => Cell[] | undefined {
        const cursor = connection.cursor(window(startMs, endMs));
        return () => {
          const row = cursor.next() as Cell[] | undefined;
          return row && layout.cells(row);
        };
      },
      close: connection.close,
    };
  } catch (error) {
    connection.close();
    throw error;
  }
}

/** Stand-ins for a window's bounds, built into the query once: no report has another parameter like them. */
const WINDOW_START = -1e15 - 0.25;
const WINDOW_END = -1e15 - 0.75;

/**
 * The query of a window, from the query built once with the stand-ins: the same SQL, the bounds
 * put in their parameters' places. Why not build it per window: drizzle takes ~0.4 ms to build a
 * report's query, and a download reads 1,024 windows (in process, a third of the 1M database's
 * conversations: 1.2 µs a row).
 */
function windowParameters({ sql, params }: { sql: string; params: unknown[] }) {
  const startAt = params.indexOf(WINDOW_START);
  const endAt = params.indexOf(WINDOW_END);
  if (startAt < 0 || endAt < 0 || params.lastIndexOf(WINDOW_START) !== startAt || params.lastIndexOf(WINDOW_END) !== endAt) {
    throw new Error("a row report's query must take its range as two parameters, once each");
  }
  return (startMs: number, endMs: number) => {
    const bound = params.slice();
    bound[startAt] = startMs;
    bound[endAt] = endMs;
    return { toSQL: () => ({ sql, params: bound }) };
  };
}

export type RowReader = ReturnType<typeof openRowReader>;

const PLAIN = 0;
const TIME = 1;
const PACKED = 2;

/**
 * How a selected row becomes the report's cells: each value as it is, as a time, or as the packed
 * cells it stands for, and after an id the name it names. One new array a row, built in one pass.
 */
function rowLayout(report: RowReport, selected: readonly string[], db: Db): { header: string[]; cells: (row: Cell[]) => Cell[] } {
  const kinds = selected.map((column) => (report.times.includes(column) ? TIME : column === report.packed?.column ? PACKED : PLAIN));
  const namers = nameLookups(db, selected, report.names ?? []);
  const header = selected.flatMap((column, i) => [...(kinds[i] === PACKED ? report.packed!.header : [column]), ...(namers[i] ? [namers[i].name] : [])]);
  // Cells, not columns: the packed cell holds several.
  const width = selected.length + namers.filter(Boolean).length;
  return {
    header,
    cells(row) {
      const cells = new Array<Cell>(width);
      let at = 0;
      for (let i = 0; i < row.length; i++) {
        const value = row[i];
        const kind = kinds[i];
        cells[at++] = kind === PLAIN ? value : kind === TIME ? isoTime(value) : packedCells(value);
        const namer = namers[i];
        if (namer) cells[at++] = namer.of(row);
      }
      return cells;
    },
  };
}

function packedCells(value: unknown): CsvCells {
  if (typeof value !== 'string') throw new Error('a conversation without packed statistics: open the database with the server once to pack them');
  return new CsvCells(value);
}

/**
 * For each selected column, the name column written after it, if it is one's id: its header and
 * how to look it up in the channels, groups and agents tables, read once here.
 */
function nameLookups(db: Db, selected: readonly string[], columns: readonly NameColumn[]): ({ name: string; of: (row: Cell[]) => string | null } | null)[] {
  const names = columns.length === 0 ? null : new Map(ENTITY_KINDS.map((kind) => [kind, storedNames(db, kind)]));
  return selected.map((column, idAt) => {
    const named = columns.find(({ id }) => id === column);
    if (!named || !names) return null;
    const { kind } = named;
    const fixed = typeof kind === 'string' ? names.get(kind)! : null;
    const kindAt = typeof kind === 'string' ? -1 : selected.indexOf(kind.column);
    return {
      name: named.name,
      of(row) {
        const id = row[idAt];
        const table = fixed ?? names.get(row[kindAt] as EntityKind);
        return typeof id === 'string' && table ? (table.get(id) ?? null) : null;
      },
    };
  });
}
