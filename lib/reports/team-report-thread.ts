import { Worker } from 'node:worker_threads';
import type { Filters } from '../filters/parse-filters';
import type { TeamKind } from '../queries/team-figures';
import type { Cell } from './csv';
import type { TeamReportRequest, TeamReportResponse } from './team-report-worker';

type Waiting = Map<number, { resolve: (rows: Cell[][]) => void; reject: (error: Error) => void }>;

const globalForReports = globalThis as typeof globalThis & { __teamReports?: { worker: Worker; waiting: Waiting } };
let nextId = 1;

/**
 * The rows of agents.csv or groups.csv, computed on the team reports' thread
 * (team-report-worker.ts): one thread a process, started on first use, requests answered in
 * turn. If it dies, the requests it held fail and the next one starts a new thread.
 */
export function teamReportRowsOnThread(databasePath: string, kind: TeamKind, filters: Filters): Promise<Cell[][]> {
  const thread = (globalForReports.__teamReports ??= startThread());
  const id = nextId++;
  return new Promise((resolve, reject) => {
    thread.waiting.set(id, { resolve, reject });
    thread.worker.postMessage({ id, databasePath, kind, filters } satisfies TeamReportRequest);
  });
}

function startThread(): { worker: Worker; waiting: Waiting } {
  const worker = new Worker(new URL('./team-report-worker.ts', import.meta.url));
  // Idle, it does not keep the process alive.
  worker.unref();
  const waiting: Waiting = new Map();
  worker.on('message', (response: TeamReportResponse) => {
    const waiter = waiting.get(response.id);
    if (!waiter) return;
    waiting.delete(response.id);
    if ('error' in response) waiter.reject(new Error(response.error));
    else waiter.resolve(response.rows);
  });
  const fail = (error: Error) => {
    if (globalForReports.__teamReports?.worker === worker) globalForReports.__teamReports = undefined;
    for (const waiter of waiting.values()) waiter.reject(new Error(`the team reports thread failed: ${error.message}`));
    waiting.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
  return { worker, waiting };
}
