import { getDb } from '../../db/client';
import { config, ConfigError } from '../config';
import { getHealth } from '../queries/health';

export function startServer(): void {
  try {
    const { databasePath, ingestToken, port } = config();
    const health = getHealth(getDb());
    console.log(`[dashboard] database ${databasePath}: ${health.events} events, ${health.conversations} conversations`);
    console.log(`[dashboard] dashboard: http://localhost:${port}/`);
    if (ingestToken) console.log(`[dashboard] ingest: POST http://localhost:${port}/api/events with Authorization: Bearer $INGEST_TOKEN`);
    else console.log('[dashboard] ingest is disabled until INGEST_TOKEN is set (see README, "Configuration")');
  } catch (error) {
    console.error(error instanceof ConfigError ? `[dashboard] ${error.message}` : error);
    process.exit(1);
  }
}
