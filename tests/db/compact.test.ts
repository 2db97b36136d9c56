import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactDatabase, openDatabase } from '@/db/client';
import { ingestEnvelopes } from '@/lib/ingest/ingest-envelopes';
import { openReadOnly, projectionSnapshot } from '../helpers/db';
import { npmScript } from '../helpers/npm-script';
import { ROOT } from '../helpers/server';
import { streamLines } from '../helpers/fixtures';
import { tempDir } from '../helpers/temp';

const COMPACT = npmScript('db:compact');

/** A database holding the fixture stream, stored in small batches (as ingest grows a file). */
function filledDatabase(): string {
  const file = path.join(tempDir('compact'), 'dashboard.db');
  const db = openDatabase(file);
  const envelopes = streamLines().map((line) => JSON.parse(line));
  for (let i = 0; i < envelopes.length; i += 7) ingestEnvelopes(db, envelopes.slice(i, i + 7));
  db.$client.close();
  return file;
}

function rawEvents(file: string): unknown[] {
  const db = openReadOnly(file);
  try {
    return db.prepare('select * from events order by id').all();
  } finally {
    db.close();
  }
}

/** How many runs of consecutive pages each table and index of the file lies in (SQLite's dbstat). */
function runsOfPages(file: string): Map<string, number> {
  const db = openReadOnly(file);
  try {
    const pages = db.prepare('select name, pageno from dbstat order by name, pageno').all() as { name: string; pageno: number }[];
    const runs = new Map<string, number>();
    pages.forEach((page, i) => {
      const previous = pages[i - 1];
      if (previous?.name !== page.name || previous.pageno !== page.pageno - 1) runs.set(page.name, (runs.get(page.name) ?? 0) + 1);
    });
    return runs;
  } finally {
    db.close();
  }
}

function pragma(file: string, name: string): unknown {
  const db = openReadOnly(file);
  try {
    return db.pragma(name, { simple: true });
  } finally {
    db.close();
  }
}

describe('compacting the database (npm run db:compact)', () => {
  it('rewrites the file and keeps every row, in WAL mode as before', () => {
    const file = filledDatabase();
    const [events, projections] = [rawEvents(file), projectionSnapshot(file)];
    expect(events.length).toBe(239);
    // Grown in small transactions, the tables and indexes interleave: the raw events and the index
    // of their dedupe keys lie in several runs of pages.
    const grown = runsOfPages(file);
    expect(grown.get('events')).toBeGreaterThan(10);
    expect(grown.get('events_dedupe_key_unique')).toBeGreaterThan(1);
    const db = openDatabase(file);
    expect(compactDatabase(db)).toBe(true);
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('freelist_count', { simple: true })).toBe(0);
    expect(db.$client.pragma('integrity_check', { simple: true })).toBe('ok');
    db.$client.close();
    expect(rawEvents(file)).toEqual(events);
    expect(projectionSnapshot(file)).toEqual(projections);
    // Compacted, every table and index lies in at most two runs (a b-tree's root page can sit
    // apart from the rest): the raw events in 26 runs before, for one.
    const compacted = runsOfPages(file);
    for (const [name, runs] of compacted) if (name !== 'sqlite_schema') expect(runs, name).toBeLessThanOrEqual(2);
  });

  it('changes nothing while another connection has the database open (a running dashboard)', () => {
    const file = filledDatabase();
    const events = rawEvents(file);
    const other = openDatabase(file);
    other.$client.prepare('select count(*) from events').get();
    const db = openDatabase(file);
    db.$client.pragma('busy_timeout = 50');
    expect(compactDatabase(db)).toBe(false);
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    db.$client.close();
    other.$client.close();
    expect(rawEvents(file)).toEqual(events);
    expect(pragma(file, 'journal_mode')).toBe('wal');
  });

  it('as a command: says what it did, or refuses while the database is in use', () => {
    const file = filledDatabase();
    const run = () => spawnSync(COMPACT.command, COMPACT.args, { cwd: ROOT, env: { ...process.env, DATABASE_URL: `file:${file}` }, encoding: 'utf8' });
    const done = run();
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^compacted in \d+\.\d s: [\d,]+ [kM]B → [\d,]+ [kM]B$/m);

    const other = openDatabase(file);
    other.$client.prepare('select count(*) from events').get();
    const refused = run();
    other.$client.close();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('the database is open elsewhere (is the dashboard running?)');
    expect(rawEvents(file)).toHaveLength(239);

    const missing = spawnSync(COMPACT.command, COMPACT.args, { cwd: ROOT, env: { ...process.env, DATABASE_URL: `file:${path.join(path.dirname(file), 'none.db')}` }, encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no database at');
  });
});
