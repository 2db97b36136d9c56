import { getDb } from '../../db/client';
import { config, ConfigError } from '../config';
import { expectedIngestToken } from '../ingest/ingest-token';
import { lastEventReceivedAt } from '../queries/health';

/**
 * Start-up checks. A wrong configuration stops the server (nothing sensible can run). An
 * unavailable database does not: the server keeps answering, /api/health and ingest report 503
 * with the reason, and the next request tries to open it again (a disk mounted late, say).
 */
export function startServer(): void {
  let settings;
  try {
    settings = config();
  } catch (error) {
    console.error(error instanceof ConfigError ? `[dashboard] ${error.message}` : error);
    process.exit(1);
  }
  const { databasePath, port } = settings;
  let ingestToken = settings.ingestToken;
  try {
    // Not the counts /api/health gives: counting reads an index entry of every event, seconds
    // before the server answers at millions of events on a cold disk (measured: 4.7M, 8.7 s).
    const last = lastEventReceivedAt(getDb());
    console.log(`[dashboard] database ${databasePath}: ${last ? `the last event was received ${last}` : 'no events yet'}`);
    // The token a first run of `npm start` generated and stored, when INGEST_TOKEN is not set.
    ingestToken = expectedIngestToken();
  } catch (error) {
    console.error(`[dashboard] database ${databasePath} is unavailable: ${error instanceof Error ? error.message : error}`);
  }
  console.log(`[dashboard] dashboard: http://localhost:${port}/`);
  if (ingestToken) console.log(`[dashboard] ingest: POST http://localhost:${port}/api/events with Authorization: Bearer <the ingest token>`);
  else console.log('[dashboard] ingest is disabled until INGEST_TOKEN is set (see README, "Configuration")');
}
