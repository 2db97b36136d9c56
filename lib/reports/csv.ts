/**
 * How a cell is written, the same in every report (README, "CSV reports"):
 * - RFC 4180: comma separated, CRLF line ends, a value with a comma, a quote, CR or LF is quoted
 *   and its quotes doubled; nothing else is quoted.
 * - null / undefined → an empty cell.
 * - numbers as JavaScript writes them: `.` decimal separator, no thousands separator.
 * - formula injection (OWASP, "CSV Injection"): a text cell starting with `=`, `+`, `-`, `@`, tab or
 *   CR (or the full-width ＝ ＋ － ＠ some spreadsheets also accept) gets a leading `'`, so a
 *   spreadsheet shows it as text instead of running it. Names and ids come from outside and can be
 *   hostile. Numbers are exempt: a number cell is only ever digits, `.`, and a leading `-` for a
 *   negative value (only bad data gives one), which every spreadsheet reads as a number, not a formula.
 * The file starts with a UTF-8 byte order mark: without it Excel reads the file in the machine's
 * legacy code page and garbles every non-ASCII name.
 *
 * Why not csv-stringify here: these rules are exactly csv-stringify's with `escape_formulas`, and
 * the tests check that this writer's output is byte for byte csv-stringify's for arbitrary rows;
 * but csv-stringify spends about 7 µs a row of the conversations report (it builds a context
 * object per field), this writer under 2 µs, and a million-row export has to stay near 10 µs a
 * row in total to reach 100,000 rows/s (README, "CSV reports", has the figures).
 */
export type Cell = string | number | null | undefined | CsvCells;

/**
 * Cells already written by these rules, commas included (a report's statistics come packed, see
 * row-reports.ts): copied as they are.
 */
export class CsvCells {
  constructor(readonly text: string) {}
}

export const UTF8_BOM = '\uFEFF';

const NEEDS_QUOTES = /[",\r\n]/;

/** Whether a text cell starts with `=`, `+`, `-`, `@`, tab, CR or ＝ ＋ － ＠ (compared by code: every text cell is checked). */
function startsLikeFormula(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d || c === 0xff1d || c === 0xff0b || c === 0xff0d || c === 0xff20;
}

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') return value.text;
  let text = value;
  if (startsLikeFormula(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Rows of cells as CSV text, each line ending in CRLF. Joined, not concatenated: `+=` builds a
 * tree of ~30 pieces a row that encoding to UTF-8 then has to flatten, and the two together cost
 * about 3× what `join` (which writes one flat string) and the encoding of it do.
 */
export function csvLines(rows: readonly (readonly Cell[])[]): string {
  const lines = new Array<string>(rows.length + 1);
  const cells: string[] = [];
  rows.forEach((row, r) => {
    cells.length = row.length;
    for (let i = 0; i < row.length; i++) cells[i] = csvCell(row[i]);
    lines[r] = cells.join(',');
  });
  // The last line's CRLF.
  lines[rows.length] = '';
  return rows.length === 0 ? '' : lines.join('\r\n');
}

const DAY = 86_400_000;
/** Up to 9999-12-31: where toISOString keeps its 4-digit year form. */
const LAST_MS = 253_402_300_800_000;
const pad2 = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const pad3 = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));
/** `YYYY-MM-DDT` of recent days: a report's times fall on a few hundred days. */
const dayPrefixes = new Map<number, string>();

/**
 * An epoch-ms time as ISO 8601 UTC (`2026-10-05T09:12:00.000Z`, what toISOString writes); null
 * stays null; anything else is written as found. Assembled from a per-day prefix and the time of
 * day: a million-row export has six times a row, and toISOString was a fifth of its CPU time.
 */
export function isoTime(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) return typeof value === 'number' ? value : String(value);
  if (!Number.isInteger(value) || value < 0 || value >= LAST_MS) return Math.abs(value) <= 8.64e15 ? new Date(value).toISOString() : value;
  const day = Math.floor(value / DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size >= 10_000) dayPrefixes.clear();
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  let rest = value - day * DAY;
  const ms = rest % 1000;
  rest = (rest - ms) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${prefix}${pad2[hours]}:${pad2[minutes]}:${pad2[seconds]}.${pad3[ms]}Z`;
}
