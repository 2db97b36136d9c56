/**
 * `npm run import` end to end, into the local database: the CLI runs as a child process
 * (tsx scripts/import.ts) with DATABASE_URL pointing at a temporary file, and the tests read that
 * file afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rowCount } from '../helpers/db';
import { streamLines } from '../helpers/fixtures';
import { generateLargeFile, runImport, streamAsArray, streamWithProblems, summaryCounts, importDir, writeFile } from './files';

const dir = importDir('cli');
const problems = streamWithProblems();
const ndjsonFile = writeFile(dir, 'stream.ndjson', problems.text);
// gzip, under a name that does not say so: recognised from the content
const gzipFile = writeFile(dir, 'stream-compressed.data', problems.text, { gzip: true });
const array = streamAsArray();
const arrayFile = writeFile(dir, 'stream.json', array.text);

let databases = 0;
function freshDatabase(): string {
  return path.join(dir, `db-${++databases}`, 'dashboard.db');
}
const local = (databasePath: string) => ({ DATABASE_URL: `file:${databasePath}` });

/** 250 stream lines → 239 distinct events (11 duplicates) over 60 conversations, plus the invalid envelope. */
const EXPECTED = { accepted: 239, duplicates: 11, rejected: 1 };

describe('npm run import (local database)', () => {
  const databasePath = freshDatabase();

  it('imports NDJSON: exact counts, malformed and rejected lines reported with their numbers, exit code 2', async () => {
    const run = await runImport([ndjsonFile], local(databasePath));
    expect(run.code, run.stderr).toBe(2);
    expect(summaryCounts(run.stdout)).toEqual({ ...EXPECTED, malformed: 3 });
    expect(run.stdout).toContain(`imported ${ndjsonFile} (NDJSON) into ${databasePath}`);
    expect(run.stdout).toContain('problems (4):');
    for (const line of problems.malformedLines) expect(run.stdout).toMatch(new RegExp(`^  line ${line}: malformed JSON: `, 'm'));
    expect(run.stdout).toContain(`  line ${problems.rejectedLine}: rejected: data.conversation.status: expected string, got number\n`);
    expect(run.stdout).toMatch(/^251 events in [\d.]+ s \([\d,]+ events\/s\)$/m);

    expect(rowCount(databasePath, 'events')).toBe(239);
    expect(rowCount(databasePath, 'conversations')).toBe(60);
  });

  it('importing the same file again stores nothing: everything valid is a duplicate', async () => {
    const run = await runImport([ndjsonFile], local(databasePath));
    expect(run.code).toBe(2); // the malformed lines and the invalid envelope are still there
    expect(summaryCounts(run.stdout)).toEqual({ accepted: 0, duplicates: 250, rejected: 1, malformed: 3 });
    expect(rowCount(databasePath, 'events')).toBe(239);
    expect(rowCount(databasePath, 'conversations')).toBe(60);
  });

  it('a clean file is exit code 0, and 0 again when all of it is duplicates', async () => {
    const clean = writeFile(dir, 'clean.ndjson', `${streamLines().join('\n')}\n`);
    const cleanDb = freshDatabase();
    const first = await runImport([clean], local(cleanDb));
    expect(first.code, first.stderr).toBe(0);
    expect(summaryCounts(first.stdout)).toEqual({ accepted: 239, duplicates: 11, rejected: 0, malformed: 0 });
    expect(first.stdout).not.toContain('problems');
    const again = await runImport([clean], local(cleanDb));
    expect(again.code).toBe(0);
    expect(summaryCounts(again.stdout)).toEqual({ accepted: 0, duplicates: 250, rejected: 0, malformed: 0 });
  });
});

describe('npm run import: other formats, into fresh databases', () => {
  it('the same file gzip-compressed gives the same result', async () => {
    const databasePath = freshDatabase();
    const run = await runImport([gzipFile, '--batch', '7'], local(databasePath));
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toContain('(NDJSON, gzip)');
    expect(summaryCounts(run.stdout)).toEqual({ ...EXPECTED, malformed: 3 });
    for (const line of [...problems.malformedLines, problems.rejectedLine]) expect(run.stdout).toContain(`  line ${line}: `);
    expect(rowCount(databasePath, 'events')).toBe(239);
    expect(rowCount(databasePath, 'conversations')).toBe(60);
  });

  it('the same events as a JSON array give the same result, the rejection named by its item index', async () => {
    const databasePath = freshDatabase();
    const run = await runImport([arrayFile], local(databasePath));
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toContain('(JSON array)');
    expect(summaryCounts(run.stdout)).toEqual({ ...EXPECTED, malformed: 0 });
    expect(run.stdout).toContain(`  item ${array.rejectedItem}: rejected: data.conversation.status: expected string, got number\n`);
    expect(rowCount(databasePath, 'events')).toBe(239);
    expect(rowCount(databasePath, 'conversations')).toBe(60);
  });

  it('a JSON array broken in the middle: what came before is imported, the break is reported, exit code 1', async () => {
    const lines = streamLines();
    // one element a line, the 101st cut short
    const text = `[\n${lines.slice(0, 100).join(',\n')},\n${lines[100]!.slice(0, 500)}\n${lines.slice(101).join(',\n')}\n]\n`;
    const broken = writeFile(dir, 'broken.json', text);
    const databasePath = freshDatabase();
    const run = await runImport([broken, '--batch', '30'], local(databasePath));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: broken JSON array at line 103, after 100 items: /);
    expect(run.stdout).toContain('stopped importing');
    expect(run.stdout).toMatch(/^stopped early: broken JSON array at line 103, after 100 items: /m);
    const counts = summaryCounts(run.stdout);
    expect(counts.accepted + counts.duplicates).toBe(100);
    expect(rowCount(databasePath, 'events')).toBe(counts.accepted);
  });
});

describe('npm run import: a larger file', () => {
  it('20,000 distinct events, in batches, with exact counts', async () => {
    const file = path.join(dir, 'large.ndjson.gz');
    await generateLargeFile(file, 20_000, { gzip: true });
    const databasePath = freshDatabase();
    const run = await runImport([file, '--batch', '2500'], local(databasePath));
    expect(run.code, run.stderr).toBe(0);
    expect(summaryCounts(run.stdout)).toEqual({ accepted: 20_000, duplicates: 0, rejected: 0, malformed: 0 });
    expect(rowCount(databasePath, 'events')).toBe(20_000);
    // each copy of the stream is its 60 conversations with fresh ids: 20,000 / 239 events a copy
    expect(rowCount(databasePath, 'conversations')).toBe(Math.floor(20_000 / 239) * 60 + new Set(streamDistinctConversations().slice(0, 20_000 % 239)).size);
  });
});

describe('npm run import: usage', () => {
  it('--help documents the usage and the exit codes', async () => {
    const run = await runImport(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run import -- FILE \[--url URL \[--token TOKEN\]\] \[--batch N\]/);
    expect(run.stdout).toMatch(/^Exit codes:\n  0 .*\n  2 .*\n  1 /m);
  });

  it('a missing file: exit code 1, a clear message, no database created', async () => {
    const databasePath = freshDatabase();
    const run = await runImport([path.join(dir, 'no-such-file.ndjson')], local(databasePath));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: file not found: ${path.join(dir, 'no-such-file.ndjson')}\n`);
    expect(fs.existsSync(databasePath)).toBe(false);
  });

  it('bad arguments: exit code 1 and what is wrong (more cases in cli-args.test.ts)', async () => {
    const run = await runImport(['a', '--batch', '0']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: --batch: must be at least 1\n(usage: npm run import -- --help)\n');
  });
});

/** The conversation id of each distinct event of the stream, in stream order (what EnvelopeFactory copies). */
function streamDistinctConversations(): string[] {
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const line of streamLines()) {
    const { iparams: _iparams, ...rest } = JSON.parse(line);
    const key = JSON.stringify(rest);
    if (seen.has(key)) continue;
    seen.add(key);
    ids.push(rest.data.conversation.conversation_id);
  }
  return ids;
}
