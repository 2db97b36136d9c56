import { stringify, type Options } from 'csv-stringify/sync';

/**
 * How a cell is written, the same in every report (README, "CSV reports"):
 * - RFC 4180 (csv-stringify): comma separated, CRLF line ends, a value with a comma, a quote, CR or
 *   LF is quoted and its quotes doubled; nothing else is quoted.
 * - null / undefined → an empty cell.
 * - numbers as JavaScript writes them: `.` decimal separator, no thousands separator.
 * - formula injection (OWASP, "CSV Injection"): a text cell starting with `=`, `+`, `-`, `@`, tab or
 *   CR (or the full-width ＝ ＋ － ＠ some spreadsheets also accept) gets a leading `'`, so a
 *   spreadsheet shows it as text instead of running it. Names and ids come from outside and can be
 *   hostile. Numbers are exempt: a number cell is only ever digits, `.`, and a leading `-` for a
 *   negative value (only bad data gives one), which every spreadsheet reads as a number, not a formula.
 * The file starts with a UTF-8 byte order mark: without it Excel reads the file in the machine's
 * legacy code page and garbles every non-ASCII name.
 */
export type Cell = string | number | null | undefined;

export const UTF8_BOM = '\uFEFF';

const OPTIONS: Options = {
  record_delimiter: '\r\n',
  // Ends every record, the last one included, so chunks can be concatenated.
  eof: true,
  escape_formulas: true,
};

/** Rows of cells as CSV text, each line ending in CRLF. */
export function csvLines(rows: Cell[][]): string {
  return rows.length === 0 ? '' : stringify(rows, OPTIONS);
}

/** An epoch-ms time as ISO 8601 UTC (`2026-10-05T09:12:00.000Z`); null stays null; anything else is written as found. */
export function isoTime(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 8.64e15) return new Date(value).toISOString();
  return typeof value === 'number' ? value : String(value);
}
