import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Db } from './client';

/**
 * Moves WAL checkpoints off the request path. By default SQLite checkpoints inside whichever
 * COMMIT crosses 1,000 WAL pages, so some ingest request pays for copying the log back into the
 * database. Here a worker thread, with its own connection, checkpoints every 200 ms on the other
 * core while the server's connection never does. Should the worker die, the server's connection
 * goes back to checkpointing itself, so the log can never grow without bound.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.databasePath);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage(String(error && error.message)); }
}, workerData.intervalMs);
parentPort.on('message', (message) => { if (message === 'stop') { clearInterval(timer); db.close(); process.exit(0); } });
`;

export function startCheckpointer(db: Db, databasePath: string, intervalMs = 200): Worker | null {
  if (databasePath === ':memory:') return null;
  const driverPath = path.join(process.cwd(), 'node_modules', 'better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { databasePath, driverPath, intervalMs } });
  worker.unref();
  db.$client.pragma('wal_autocheckpoint = 0');
  const fallBack = (reason: string) => {
    console.error(`[dashboard] background checkpoints stopped (${reason}); the server checkpoints itself again`);
    db.$client.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('error', (error) => fallBack(error.message));
  worker.on('exit', (code) => code !== 0 && fallBack(`exit code ${code}`));
  worker.on('message', (message) => console.error(`[dashboard] checkpoint failed: ${message}`));
  return worker;
}
