import { getDb } from '../../db/client';
import { config } from '../config';
import { getSetting, SETTING } from '../settings';

let stored: string | undefined;

/**
 * The token ingest requires: INGEST_TOKEN, else the one `npm start` generated on a first run and
 * stored in the database (lib/server/first-run.ts), read here however the server was started
 * (`npm start`, `next start`, `npm run dev`). Undefined: ingest is closed (the route answers 503,
 * the empty pages say so). A stored token is read once; none found is looked for again next time.
 */
export function expectedIngestToken(): string | undefined {
  const configured = config().ingestToken;
  if (configured) return configured;
  stored ??= getSetting(getDb(), SETTING.generatedIngestToken) ?? undefined;
  return stored;
}
