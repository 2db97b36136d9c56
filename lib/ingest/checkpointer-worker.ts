/**
 * The checkpointer thread, started by the writer thread: copies what the writer's commits left in
 * SQLite's write-ahead log into the database file (a checkpoint), on a connection of its own.
 *
 * SQLite runs that copy in the committing connection once the log holds 1,000 pages: for ingest,
 * about every 1,000-event batch, the writer thread then spent as long writing pages into the
 * database file and waiting for the disk to flush them (synchronous=NORMAL flushes at each
 * checkpoint) as on the rest of the batch's SQL. Here it overlaps the writer's next work instead.
 * A checkpoint changes nothing of what a commit guarantees: a committed transaction is in the log
 * before its request is answered, whoever later copies it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkpoint, openDatabase } from '../../db/client';

/**
 * At most one checkpoint every this many ms (each one flushes the disk twice), and one soon after
 * a commit. A page written by several commits in between is copied once: indexes' inner pages,
 * the latest pages of the tables and time indexes, the counters. At 1,000-event batches, one
 * batch leaves ~3,400 pages in the log and ten batches ~14,800 distinct ones. Measured with 2
 * clients posting such batches: every 100 ms, this thread took 15–16 µs of CPU an event; every
 * 300 ms, 5–7, and the log peaks at about 140 MB instead of 60.
 */
const MIN_INTERVAL_MS = 300;

const { databasePath } = workerData as { databasePath: string };
const db = openDatabase(databasePath, { migrate: false });
let scheduled: NodeJS.Timeout | null = null;
let last = 0;

// A message: the writer thread committed.
parentPort!.on('message', () => {
  scheduled ??= setTimeout(run, Math.max(0, last + MIN_INTERVAL_MS - Date.now()));
});

function run(): void {
  scheduled = null;
  last = Date.now();
  // A failure (disk full, say) is the writer's to report; its own checkpoints take over if this thread dies.
  checkpoint(db);
}
