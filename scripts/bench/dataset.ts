/**
 * The databases the page, CSV and start-up benchmarks read: demo history of a given number of
 * conversations, generated with a fixed seed and loaded through the real ingest path (validation,
 * raw store, projections), so the rows are exactly what a live installation would hold.
 *
 * Both sizes cover the same year (1 November 2025 – 31 October 2026) at different team sizes: the
 * 1M database holds ten times the conversations per day of the 100k one, so a 30-day range holds
 * ten times the rows too. Building 1M takes a while, so each database is kept in
 * `bench-results/datasets/` and reused while its key (size, seed, generator and migrations) holds.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/client';
import { generateEvents, type GeneratorOptions } from '../../lib/demo/generator';
import { ingestEnvelopes } from '../../lib/ingest/ingest-envelopes';
import { ROOT } from './server';

export const DATASET_DAYS = 365;
/** The history ends here, so cached datasets stay valid whatever the date of the run. */
export const DATASET_END = Date.UTC(2026, 10, 1);
const SEED = 7;
/**
 * Bump when a change alters what ingest stores for the same events (projection columns, rollups):
 * cached datasets are rebuilt. Migrations that only add tables are applied when a server opens the copy.
 */
const DATASET_VERSION = 1;
/** The generator's weekday factors average 6/7: scale the daily rate so the total comes out right. */
const WEEKDAY_MEAN = 6 / 7;
const BATCH = 5_000;
const DIR = path.join(ROOT, 'bench-results', 'datasets');

export type Dataset = { path: string; conversations: number; events: number; buildSeconds: number | null };

/** Generator settings for about `conversations` conversations over the year (agents scale with volume). */
export function datasetOptions(conversations: number): GeneratorOptions {
  const perDay = conversations / DATASET_DAYS / WEEKDAY_MEAN;
  return {
    seed: SEED,
    days: DATASET_DAYS,
    end: DATASET_END,
    conversationsPerDay: perDay,
    // About 25 conversations a working day per agent, as a real team would staff it.
    agents: Math.min(1000, Math.max(10, Math.round(perDay / 25))),
    groups: Math.min(100, Math.max(5, Math.round(perDay / 300))),
    channels: 8,
    accountId: 'acc-bench',
  };
}

function datasetKey(conversations: number): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ version: DATASET_VERSION, options: datasetOptions(conversations) }));
  // A change to the generator makes new events, hence a new dataset.
  for (const file of ['generator.ts', 'occupancy.ts', 'organisation.ts', 'random.ts']) hash.update(fs.readFileSync(path.join(ROOT, 'lib', 'demo', file)));
  return hash.digest('hex').slice(0, 12);
}

/** The dataset of about `conversations` conversations: from the cache, or built now. */
export function ensureDataset(conversations: number, log: (line: string) => void): Dataset {
  const file = path.join(DIR, `conversations-${conversations}-${datasetKey(conversations)}.db`);
  const meta = `${file}.json`;
  if (fs.existsSync(file) && fs.existsSync(meta)) {
    const saved = JSON.parse(fs.readFileSync(meta, 'utf8')) as Omit<Dataset, 'path' | 'buildSeconds'>;
    log(`dataset ${path.relative(ROOT, file)}: ${saved.conversations.toLocaleString('en')} conversations, ${saved.events.toLocaleString('en')} events (cached)`);
    // Migrations added since it was built are applied here, once, so the servers measured start
    // on an up-to-date database as an installation would after its first start.
    const db = openDatabase(file);
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    db.$client.close();
    return { ...saved, path: file, buildSeconds: null };
  }
  fs.mkdirSync(DIR, { recursive: true });
  const partial = `${file}.partial`;
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(partial + suffix, { force: true });
  log(`building dataset of ~${conversations.toLocaleString('en')} conversations (generated, seed ${SEED}, through the ingest path)…`);
  const started = Date.now();
  const db = openDatabase(partial);
  const sqlite = db.$client;
  let events = 0;
  let batch: unknown[] = [];
  let lastLog = started;
  const flush = () => {
    const summary = ingestEnvelopes(db, batch, DATASET_END);
    events += summary.accepted;
    if (summary.rejected.length > 0) throw new Error(`the generator produced ${summary.rejected.length} invalid events`);
    batch = [];
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      log(`  ${events.toLocaleString('en')} events stored (${Math.round(events / ((Date.now() - started) / 1000))} events/s)`);
    }
  };
  for (const envelope of generateEvents(datasetOptions(conversations))) {
    batch.push(envelope);
    if (batch.length === BATCH) flush();
  }
  if (batch.length > 0) flush();
  const stored = (sqlite.prepare('select count(*) as n from conversations').get() as { n: number }).n;
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.exec('ANALYZE');
  sqlite.close();
  fs.renameSync(partial, file);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(partial + suffix, { force: true });
  const buildSeconds = Math.round((Date.now() - started) / 100) / 10;
  fs.writeFileSync(meta, JSON.stringify({ conversations: stored, events }, null, 2));
  log(`dataset built: ${stored.toLocaleString('en')} conversations, ${events.toLocaleString('en')} events in ${buildSeconds} s`);
  return { path: file, conversations: stored, events, buildSeconds };
}
