/**
 * `npm run bench:phases`: what ingest costs an event, phase by phase, in one process and on one
 * thread (no server, no HTTP, no worker threads): where to look before changing ingest.
 *
 *   parse    read-body.ts: UTF-8 check, one JSON.parse a line
 *   prepare  validation (zod), the stored row (payload without iparams, dedupe key), projection
 *   store    storeBatches: the raw events and the projections, one transaction a batch, COMMIT
 *            included (and the checkpoints SQLite runs in the committing connection, which the
 *            server leaves to its checkpointer thread)
 *
 * NDJSON batches of 1,000 of the bench's envelopes (events.ts: distinct, realistic, `iparams`
 * kept), on a fresh database in the temporary folder (TMPDIR=/dev/shm takes the disk out of the
 * store figure). Wall and CPU time an event; CPU counts the whole process, so V8's garbage
 * collection helper threads make it exceed wall time. The first 5 batches warm up and are not
 * counted.
 *
 *   npm run bench:phases -- --batches 60
 *   node --cpu-prof --cpu-prof-dir=prof --import tsx scripts/bench/ingest-phases.ts
 *   npx tsx scripts/bench/profile-summary.ts prof/*.cpuprofile
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db/client';
import { prepareBatch, storeBatches } from '../../lib/ingest/ingest-envelopes';
import { parseEventsBody } from '../../lib/ingest/read-body';
import { EnvelopeFactory } from './events';

const BATCH_SIZE = 1_000;
const WARM_UP = 5;
const PHASES = ['parse', 'prepare', 'store'] as const;

const { values } = parseArgs({ options: { batches: { type: 'string', default: '40' } } });
const batches = Number(values.batches);
if (!Number.isInteger(batches) || batches <= WARM_UP) {
  console.error(`--batches must be a whole number above ${WARM_UP}`);
  process.exit(2);
}

const factory = new EnvelopeFactory();
const bodies = factory.ndjsonBatches(batches, BATCH_SIZE);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingest-phases-'));
const db = openDatabase(path.join(dir, 'phases.db'));
const wall = { parse: 0, prepare: 0, store: 0 };
const cpu = { parse: 0, prepare: 0, store: 0 };
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

try {
  for (const [i, bytes] of bodies.entries()) {
    const marks = [{ wall: performance.now(), cpu: cpuMs() }];
    const mark = () => marks.push({ wall: performance.now(), cpu: cpuMs() });
    const read = parseEventsBody({ format: 'ndjson', bytes });
    if (!read.ok) throw new Error(`batch ${i}: ${read.error}`);
    mark();
    const prepared = prepareBatch(read.items);
    mark();
    const [summary] = storeBatches(db, [prepared]);
    mark();
    if (summary!.accepted !== BATCH_SIZE) throw new Error(`batch ${i}: ${JSON.stringify(summary)}`);
    if (i < WARM_UP) continue;
    PHASES.forEach((phase, k) => {
      wall[phase] += marks[k + 1]!.wall - marks[k]!.wall;
      cpu[phase] += marks[k + 1]!.cpu - marks[k]!.cpu;
    });
  }
} finally {
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

const events = (batches - WARM_UP) * BATCH_SIZE;
const line = (times: Record<(typeof PHASES)[number], number>) => {
  const us = (ms: number) => ((ms / events) * 1000).toFixed(1).padStart(6);
  return `${PHASES.map((phase) => `${phase} ${us(times[phase])}`).join('  ')}  total ${us(PHASES.reduce((sum, phase) => sum + times[phase], 0))}`;
};
console.log(`${events.toLocaleString('en')} events (${factory.info.meanEnvelopeBytes} bytes each on average), µs an event, in ${os.tmpdir()}:`);
console.log(`  wall  ${line(wall)}`);
console.log(`  CPU   ${line(cpu)}`);
