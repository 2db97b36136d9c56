import { parse } from 'csv-parse/sync';
import { parseFilters, type Filters } from '@/lib/filters/parse-filters';
import type { ReportName } from '@/lib/reports/names';
import { openReport } from '@/lib/reports/open-report';

export const NOW = Date.parse('2026-11-25T12:00:00Z');

export function filters(query: string): Filters {
  const parsed = parseFilters(new URLSearchParams(query), NOW);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.filters;
}

export type ParsedReport = { fileName: string; text: string; header: string[]; rows: Record<string, string>[] };

/** Parses a CSV file the way a spreadsheet would read it: a real CSV parser, BOM removed. */
export function parseCsv(text: string): { header: string[]; rows: Record<string, string>[] } {
  const records: string[][] = parse(text, { bom: true, relax_column_count: false });
  const header = records[0] ?? [];
  return { header, rows: records.slice(1).map((record) => Object.fromEntries(header.map((name, i) => [name, record[i]!]))) };
}

/** Produces a report from the database file and reads it back. */
export async function readReport(databasePath: string, name: ReportName, query: string): Promise<ParsedReport> {
  const report = await openReport(name, filters(query), { databasePath });
  // Response.text() would drop the BOM: decode keeping it, to check it is there.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await new Response(report.body).arrayBuffer());
  const checked: Record<string, string>[] = parse(text, { columns: true, bom: true });
  const parsed = parseCsv(text);
  // The two ways of parsing agree (columns: true is what the brief asks for; the header order needs the raw records).
  if (checked.length !== parsed.rows.length) throw new Error('csv-parse disagrees with itself');
  return { fileName: report.fileName, text, ...parsed };
}

/** A number cell: empty for null. */
export const num = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));
/** An epoch-ms cell: ISO 8601 UTC, empty for null. */
export const time = (value: number | null | undefined) => (value === null || value === undefined ? '' : new Date(value).toISOString());
