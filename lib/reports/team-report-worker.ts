/**
 * The team reports' thread (team-report-thread.ts): computes agents.csv and groups.csv rows on a
 * read-only connection of its own, so the seconds a long range takes at a million conversations
 * are not spent on the server's main thread, which keeps answering pages, live tiles and ingest.
 */
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { Filters } from '../filters/parse-filters';
import type { TeamKind } from '../queries/team-figures';
import type { Cell } from './csv';
import { teamReportRowsOf } from './team-reports';

export type TeamReportRequest = { id: number; databasePath: string; kind: TeamKind; filters: Filters };
export type TeamReportResponse = { id: number; rows: Cell[][] } | { id: number; error: string };

const faultInjection = process.env.DASHBOARD_FAULT_INJECTION === '1';

parentPort!.on('message', ({ id, databasePath, kind, filters }: TeamReportRequest) => {
  let response: TeamReportResponse;
  try {
    // Tests only (DASHBOARD_FAULT_INJECTION=1): `<database>.slow-team-report` holds milliseconds
    // this thread stays busy first, as a year of a million conversations keeps it.
    if (faultInjection && fs.existsSync(`${databasePath}.slow-team-report`)) {
      const until = Date.now() + Number(fs.readFileSync(`${databasePath}.slow-team-report`, 'utf8'));
      while (Date.now() < until);
    }
    response = { id, rows: teamReportRowsOf(databasePath, kind, filters) };
  } catch (error) {
    response = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(response);
});
