import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packStatistics, STATISTIC_KEYS, type StatisticKey } from '@/lib/events/statistics';
import { csvLines, isoTime } from '@/lib/reports/csv';
import { openRowSource } from '@/lib/reports/row-source';
import { parseFilters } from '@/lib/filters/parse-filters';
import { openDatabase } from '@/db/client';
import { conversations } from '@/db/schema';
import { tempDir } from '../helpers/temp';

// The writer is checked against csv-stringify (the well-kept library it stands in for, for speed)
// and read back with csv-parse, for arbitrary rows: text made of the characters that matter
// (separators, quotes, CR, LF, tab, formula starters, full-width forms, non-ASCII) and numbers.
const tricky = fc.constantFrom(',', '"', '\r', '\n', '\t', '=', '+', '-', '@', "'", ' ', 'a', 'Z', '9', '.', 'é', '中', '\u200B', '\u200F', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20', '😀');
const text = fc.oneof(fc.array(tricky, { maxLength: 12 }).map((chars) => chars.join('')), fc.string({ unit: 'binary', maxLength: 12 }));
const cell: fc.Arbitrary<string | number | null> = fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(null));
const rows = fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 });

const escaped = (value: string) => (/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(value) ? `'${value}` : value);

describe('CSV writer', () => {
  it('writes exactly what csv-stringify writes with CRLF and escape_formulas', () => {
    // quote_record_delimiter: with a record delimiter of its own, csv-stringify otherwise quotes
    // only cells containing CRLF, and leaves a lone LF or CR bare, which splits the row when read.
    const options = { record_delimiter: '\r\n', quote_record_delimiter: true, eof: true, escape_formulas: true };
    expect(stringify([['a\nb']], { ...options, quote_record_delimiter: undefined })).toBe('a\nb\r\n');
    fc.assert(
      fc.property(rows, (input) => {
        expect(csvLines(input)).toBe(stringify(input, options));
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads back, through a CSV parser, as the values written (text escaped where it starts like a formula)', () => {
    fc.assert(
      fc.property(rows, (input) => {
        // A row of one empty cell is an empty line, which parsers skip: give each row a marker cell.
        const marked = input.map((row) => ['row', ...row]);
        const parsed: string[][] = parse(csvLines(marked), { relax_column_count: true });
        expect(parsed).toEqual(marked.map((row) => row.map((value) => (value === null || value === undefined ? '' : typeof value === 'number' ? String(value) : escaped(value)))));
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes times as toISOString does, and keeps what is not a time as found', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
    expect(isoTime(Date.UTC(2026, 9, 5, 9, 12))).toBe('2026-10-05T09:12:00.000Z');
    expect(isoTime(null)).toBeNull();
    expect(isoTime('=not a time')).toBe('=not a time');
    expect(csvLines([[isoTime('=not a time')]])).toBe("'=not a time\r\n");
  });

  it("writes a conversation's counts and packed statistics (read as one text) exactly as it writes the eighteen values", () => {
    // Through the report's own query: the counts are joined to the packed statistics in SQL, and
    // the empty cells of absent statistics are made there too (row-reports.ts, countsAndStatistics).
    const db = openDatabase(path.join(tempDir('csv-packed'), 'dashboard.db'));
    const filters = parseFilters(new URLSearchParams({ from: '2026-10-01', to: '2026-10-01', tz: 'UTC' }));
    if (!filters.ok) throw new Error('filters');
    const value = fc.oneof(fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100));
    const count = fc.oneof(fc.nat({ max: 9 }), fc.nat());
    fc.assert(
      fc.property(fc.array(value, { minLength: STATISTIC_KEYS.length, maxLength: STATISTIC_KEYS.length }), fc.array(count, { minLength: 4, maxLength: 4 }), (values, counts) => {
        const statistics = Object.fromEntries(STATISTIC_KEYS.map((key, k) => [key, values[k]!])) as Record<StatisticKey, number | null>;
        const [reopenCount, agentReassignmentCount, groupReassignmentCount, unassignmentCount] = counts as [number, number, number, number];
        db.delete(conversations).run();
        db.insert(conversations)
          .values({ conversationId: 'c1', version: '1', createdAt: Date.UTC(2026, 9, 1, 12), reopenCount, agentReassignmentCount, groupReassignmentCount, unassignmentCount, statisticsPacked: packStatistics(statistics) })
          .run();
        const source = openRowSource('conversations', filters.filters, db.$client.name);
        try {
          const at = source.header.indexOf('reopen_count');
          const written = csvLines([source.next()!]).split(',');
          // -0 is stored and packed as 0 (JSON has no -0): compare with what the columns would read back.
          const columns = values.map((v) => (v === 0 ? 0 : v));
          const expected = csvLines([[reopenCount, agentReassignmentCount, ...columns, groupReassignmentCount, unassignmentCount]]).replace('\r\n', '');
          expect(written.slice(at, at + 18).join(',')).toBe(expected);
          expect(source.header.slice(at, at + 18)).toEqual(['reopen_count', 'reassignment_count', ...STATISTIC_KEYS, 'group_reassignment_count', 'unassignment_count']);
          expect(source.next()).toBeUndefined();
        } finally {
          source.close();
        }
      }),
      { numRuns: 300 },
    );
    db.$client.close();
  });
});
